"""Links that keep every other search argument (Datasette's path_with_added_args)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode, urlsplit

from flask import Flask, request

from searchapp.fields import FACETS
from searchapp.people import slug
from searchapp.search.params import EXCLUDE_PREFIX, SearchParams

# The search arguments an article link carries, so that the article page marks that
# search's matches and links the matches before and after it.
SEARCH_CONTEXT = ("q", "scope", *FACETS, *(EXCLUDE_PREFIX + f for f in FACETS), "from", "to",
                  "undated", "sort")


def search_url(params: SearchParams, endpoint: str = "/search", **changes) -> str:
    """The search URL for `params` with `changes` applied (page reset unless given)."""
    if "page" not in changes:
        changes["page"] = 1
    p = params.with_(**changes)
    query = urlencode(p.to_args())
    return f"{endpoint}?{query}" if query else endpoint


def _changed(chosen: dict, facet: str, value: str, add: bool) -> dict:
    """`chosen` (facet -> values) with `value` of `facet` added or taken out."""
    current = tuple(v for v in chosen.get(facet, ()) if v != value)
    values = current + (value,) if add else current
    out = dict(chosen)
    if values:
        out[facet] = values
    else:
        out.pop(facet, None)
    return out


def _chosen(params: SearchParams, facet: str, value: str, select: bool, exclude: bool
            ) -> SearchParams:
    """`params` with `value` of `facet` selected, excluded, or neither (never both)."""
    contains = {k: v for k, v in params.facet_contains.items() if k != facet}
    return params.with_(filters=_changed(params.filters, facet, value, select),
                        exclude=_changed(params.exclude, facet, value, exclude),
                        facet_contains=contains, facet_page={})


def toggle_url(params: SearchParams, facet: str, value: str, endpoint: str = "/search") -> str:
    """Select `value` of `facet`, or unselect it when it is selected (an excluded value is
    put back and selected). The facet's search within its values is done with."""
    selected = value in params.filters.get(facet, ())
    return search_url(_chosen(params, facet, value, not selected, False), endpoint)


def exclude_url(params: SearchParams, facet: str, value: str, endpoint: str = "/search") -> str:
    """Leave out the articles with `value` of `facet` (unselecting it)."""
    return search_url(_chosen(params, facet, value, False, True), endpoint)


def include_url(params: SearchParams, facet: str, value: str, endpoint: str = "/search") -> str:
    """Put back the articles with the excluded `value` of `facet`."""
    return search_url(_chosen(params, facet, value, False, False), endpoint)


def facet_url(params: SearchParams, facet: str, endpoint: str | None = None, **changes
              ) -> str:
    """The full list of `facet`'s values for this search (/facets/<facet>, or `endpoint`:
    /speakers, /commenters), its list arguments (F_contains, F_sort, F_page) changed by
    `contains`, `sort`, `page` (a change of list starts at its first page)."""
    keys = {"contains": params.facet_contains, "sort": params.facet_sort,
            "page": params.facet_page}
    changed = {}
    for key, current in keys.items():
        mine = dict(current)
        if key in changes:
            value = changes[key]
            if value in (None, "", 1):
                mine.pop(facet, None)
            else:
                mine[facet] = value
        elif key == "page":
            mine.pop(facet, None)  # a new list starts at its first page
        changed[f"facet_{key}"] = mine
    return search_url(params.with_(**changed), endpoint or f"/facets/{facet}")


def person_url(facet: str, name: str) -> str:
    """The page of a quoted speaker or a commenter (/speakers/<slug>, /commenters/<slug>)."""
    return f"/{'speakers' if facet == 'speaker' else 'commenters'}/{slug(name)}"


def more_url(params: SearchParams, facet: str, size: int) -> str:
    """The page with `size` values of `facet` listed (keeps the page the user is on)."""
    return search_url(params, page=params.page, facet_size={**params.facet_size, facet: size})


def page_window(page: int, pages: int, radius: int = 2) -> list[int | None]:
    """Page numbers to link around `page`: first, last and `radius` either side; None is a gap."""
    shown = sorted({1, pages, *range(max(1, page - radius), min(pages, page + radius) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - out[-1] > 1:
            out.append(None if n - out[-1] > 2 else n - 1)
        out.append(n)
    return out


def safe_url(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) address, else None (no javascript:, data:, ...)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def export_url(params: SearchParams, fmt: str) -> str:
    args = [(k, v) for k, v in params.to_args() if k not in ("page", "per_page")]
    return f"/export.{fmt}?{urlencode(args)}" if args else f"/export.{fmt}"


def compare_url(params: SearchParams) -> str:
    """The compare page (views/compare.py) starting from this search and its filters."""
    args = [(k, v) for k, v in params.to_args()
            if k in SEARCH_CONTEXT and k != "sort"]
    return f"/compare?{urlencode(args)}" if args else "/compare"


def feed_url(params: SearchParams) -> str:
    args = [(k, v) for k, v in params.to_args() if k not in ("page", "per_page", "sort")]
    return f"/feed.atom?{urlencode(args)}" if args else "/feed.atom"


def article_url(article_id: str, params: SearchParams | None = None) -> str:
    """An article's page, within the search `params` when given (SEARCH_CONTEXT)."""
    args = [(k, v) for k, v in params.to_args() if k in SEARCH_CONTEXT] if params else []
    return f"/articles/{article_id}" + (f"?{urlencode(args)}" if args else "")


def atom_date(value: str | None, default: str) -> str:
    """An Article date as RFC 3339 for Atom (dates without a time are taken at midnight UTC)."""
    if not value:
        return default
    try:
        d = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return default
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.UTC)
    return d.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["atom_date"] = atom_date
    app.jinja_env.filters["safe_url"] = safe_url
    app.jinja_env.globals.update(search_url=search_url, toggle_url=toggle_url,
                                 exclude_url=exclude_url, include_url=include_url,
                                 facet_url=facet_url, person_url=person_url,
                                 more_url=more_url, export_url=export_url, feed_url=feed_url,
                                 compare_url=compare_url,
                                 article_url=article_url, page_window=page_window)

    @app.context_processor
    def site():
        return {"site_name": app.config["SITE_NAME"], "current_q": request.args.get("q", "")}
