"""A facet's full list of values (/facets/<name>), the most quoted speakers (/speakers) and
most frequent commenters (/commenters), each with its JSON twin under /api/; and the
search tips (/help)."""

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from searchapp.app import get_backend
from searchapp.fields import COMMENTER, FACETS, SPEAKER
from searchapp.search.facetlist import facet_list
from searchapp.search.params import MAX_FACET_PAGE, SearchParams
from searchapp.search.service import search_budget

bp = Blueprint("facets", __name__)
# The people indexes: the list of one facet under a name of its own.
PEOPLE_PAGES = {"speakers": SPEAKER, "commenters": COMMENTER}


def _listed(name: str):
    if name not in FACETS:
        abort(404)
    params = SearchParams.from_args(request.args)
    return facet_list(get_backend(), params, name, search_budget(current_app.config))


@bp.get("/facets/<name>")
def facet(name: str):
    return render_template("facets/list.html", fl=_listed(name), endpoint=f"/facets/{name}",
                           people_index=False, max_pages=MAX_FACET_PAGE)


@bp.get("/api/facets/<name>")
def facet_json(name: str):
    return jsonify(_listed(name).to_dict())


@bp.get("/speakers")
@bp.get("/commenters")
def people():
    page = request.path.strip("/")
    return render_template("facets/list.html", fl=_listed(PEOPLE_PAGES[page]),
                           endpoint=f"/{page}", people_index=True, max_pages=MAX_FACET_PAGE)


@bp.get("/api/speakers")
@bp.get("/api/commenters")
def people_json():
    return jsonify(_listed(PEOPLE_PAGES[request.path.rsplit("/", 1)[1]]).to_dict())


@bp.get("/help")
def help_page():
    return render_template("help/index.html")
