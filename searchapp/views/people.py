"""A person's page (/speakers/<slug>, /commenters/<slug>), its JSON twin, exports and feed."""

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from searchapp import people
from searchapp.app import get_backend
from searchapp.search import person as service
from searchapp.search.export import csv_lines, json_lines
from searchapp.search.params import SearchParams
from searchapp.search.personpage import PersonPage, run_person
from searchapp.search.service import search_budget
from searchapp.views import atom
from searchapp.views.export import FEED_ENTRIES, download

bp = Blueprint("people", __name__)


def _both(rule: str):
    """The view at `rule` for speakers and for commenters (its `kind`: the path's first part)."""
    def register(view):
        for kind in service.KINDS:
            bp.get(rule.format(kind=kind), defaults={"kind": kind})(view)
        return view
    return register


def _args() -> SearchParams:
    return SearchParams.from_args(request.args)


def _page(kind: str, slug: str) -> PersonPage:
    page = run_person(get_backend(), service.KINDS[kind], slug, _args(),
                      search_budget(current_app.config))
    return page if page is not None else _missing(kind)


def _name(kind: str, slug: str) -> str:
    found = service.resolve(get_backend(), service.KINDS[kind], slug)
    return found[0].name if found is not None else _missing(kind)


def _missing(kind: str):
    abort(404, f"Nobody with that name is {'quoted' if kind == 'speakers' else 'commenting'} "
               "in the index.")


@_both("/{kind}/<slug>")
def page(kind: str, slug: str):
    return render_template("people/person.html", page=_page(kind, slug))


@_both("/api/{kind}/<slug>")
def api(kind: str, slug: str):
    return jsonify(_page(kind, slug).to_dict())


@_both("/{kind}/<slug>/export.csv")
def export_csv(kind: str, slug: str):
    k = service.KINDS[kind]
    rows = service.person_rows(get_backend(), k, _name(kind, slug), _args())
    return download(csv_lines(service.columns(k), service.cells(k, rows)), "text/csv", "csv",
                    f"scrapesearch-{k.noun}s-{slug[:80]}")


@_both("/{kind}/<slug>/export.jsonl")
def export_jsonl(kind: str, slug: str):
    k = service.KINDS[kind]
    rows = service.person_rows(get_backend(), k, _name(kind, slug), _args())
    return download(json_lines(rows), "application/x-ndjson", "jsonl",
                    f"scrapesearch-{k.noun}s-{slug[:80]}")


@_both("/{kind}/<slug>/feed.atom")
def feed(kind: str, slug: str):
    k, name, budget = service.KINDS[kind], _name(kind, slug), search_budget(current_app.config)
    params, backend = _args(), get_backend()
    articles, summaries = service.person_feed(backend, k, name, params, FEED_ENTRIES, budget)
    return atom.render("people/feed.xml", backend, articles,
                       service.page_url(k, name, "/feed.atom", q=params.q), budget, kind=k,
                       name=name, slug=slug, params=params, summaries=summaries,
                       page=service.page_url(k, name, q=params.q))


@bp.app_template_filter("person_url")
def person_url(name: str, kind: str = "speakers") -> str:
    """The page of a speaker (or, with kind="commenters", a commenter) by canonical name."""
    return f"/{kind}/{people.slug(name)}"
