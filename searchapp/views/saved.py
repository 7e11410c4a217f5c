"""Saved searches: save a search under a name, list them with their new matches, open one
(which marks it seen), delete one, and each one's Atom feed of what entered the index.

The searches live in the instance folder's SQLite file (searchapp/saved.py); the index is
only read. The POSTs are plain same-origin forms: with no sessions or cookies there is no
CSRF token to check, so a POST that a browser says came from another site is refused
(403): by its Sec-Fetch-Site header (anything but same-origin), else by its Origin (another
host, or "null"); the CSP's `form-action 'self'` keeps our own forms pointing here. A
client that sends neither (curl, scripts) is let through.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request

from searchapp import errors
from searchapp.app import get_backend
from searchapp.backends.base import ADDED_SORT
from searchapp.saved import Duplicate, Saved, Store, db_path
from searchapp.search.params import SearchParams
from searchapp.search.service import iter_articles, run_search, search_budget
from searchapp.views import atom
from searchapp.views.export import FEED_ENTRIES

bp = Blueprint("saved", __name__)


def store() -> Store:
    return Store(db_path(current_app.config, current_app.instance_path))


def same_origin() -> None:
    """403 for a POST sent by a page of another site (see the module's docstring)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:  # what browsers say first-hand (Origin is "null" under no-referrer)
        if site not in ("same-origin", "none"):
            abort(403, "Saved searches can only be changed from this site's own pages.")
        return
    origin = request.headers.get("Origin")
    if origin is None:
        return
    own = {urlsplit(request.host_url).netloc}
    if current_app.config.get("PUBLIC_URL"):
        own.add(urlsplit(current_app.config["PUBLIC_URL"]).netloc)
    if origin == "null" or urlsplit(origin).netloc not in own:
        abort(403, "Saved searches can only be changed from this site's own pages.")


def find(name: str) -> Saved:
    saved = store().get(name)
    if saved is None:
        abort(404, "There is no saved search with that name.")
    return saved


@dataclass
class Listed:
    saved: Saved
    new: int  # matches that entered the index since it was last seen

    def to_dict(self) -> dict:
        s = self.saved
        return {"name": s.name, "search": f"/search?{s.args}" if s.args else "/search",
                "args": s.args, "new": self.new, "seen": s.seen, "created": s.created,
                "links": {"open": f"/saved/{quote(s.name)}",
                          "feed": f"/saved/{quote(s.name)}/feed.atom"}}


def quote(name: str) -> str:
    from urllib.parse import quote as q

    return q(name, safe="")


def listing() -> list[Listed]:
    backend = get_backend()
    out = []
    for saved in store().all():
        params = saved.params.with_(added_after=saved.seen, per_page=1, facets=(),
                                    snippets=False)
        out.append(Listed(saved, run_search(backend, params, suggest=False).total))
    return out


def save() -> Saved:
    """Save the search in the POSTed form (its arguments and `name`) as new from now on."""
    same_origin()
    form = request.form
    params = SearchParams.from_args(form)
    return store().add(form.get("name", ""), params, get_backend().newest_added() or 0.0)


@bp.get("/saved")
def saved_list():
    return render_template("saved/list.html", listed=listing(), quote=quote)


@bp.get("/api/saved")
def api_list():
    return jsonify({"saved": [item.to_dict() for item in listing()]})


@bp.post("/saved")
def saved_add():
    saved = save()
    return redirect(f"/saved#saved-{quote(saved.name)}", code=303)


@bp.post("/api/saved")
def api_add():
    saved = save()
    return jsonify(Listed(saved, 0).to_dict()), 201


@bp.get("/saved/<name>/feed.atom")
def saved_feed(name: str):
    saved = find(name)
    params = saved.params.with_(sort=ADDED_SORT)
    backend, budget = get_backend(), search_budget(current_app.config)
    articles = list(iter_articles(backend, params, limit=FEED_ENTRIES, budget=budget))
    return atom.render("saved/feed.xml", backend, articles,
                       f"/saved/{quote(saved.name)}/feed.atom", budget, params=params,
                       saved=saved, by_entry=True)


@bp.errorhandler(Duplicate)
def duplicate(e: Duplicate):
    return errors.respond(409, errors.sentence(str(e)))


@bp.get("/saved/<name>")
def saved_open(name: str):
    """The saved search's results; from now on its matches so far are not new."""
    saved = find(name)
    store().mark(saved.name, "seen", get_backend().newest_added() or 0.0)
    return redirect(f"/search?{saved.args}" if saved.args else "/search", code=303)


@bp.post("/saved/<name>/delete")
def saved_delete(name: str):
    same_origin()
    if not store().delete(name):
        abort(404, "There is no saved search with that name.")
    return redirect("/saved", code=303)


@bp.delete("/api/saved/<name>")
def api_delete(name: str):
    same_origin()
    if not store().delete(name):
        abort(404, "There is no saved search with that name.")
    return jsonify({"deleted": name})
