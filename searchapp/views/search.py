"""The search page."""

from flask import Blueprint, render_template, request

from searchapp.search import SearchParams, run_search
from searchapp.views import get_index

bp = Blueprint("search", __name__)


@bp.get("/")
@bp.get("/search")
def search():
    params = SearchParams.from_args(request.args)
    response = run_search(get_index(), params, scope_counts=True)
    return render_template("search/results.html", response=response, params=params)
