"""The search page."""

from flask import Blueprint, current_app, render_template, request

from searchapp.app import get_backend
from searchapp.search.params import SearchParams
from searchapp.search.service import run_search, search_budget

bp = Blueprint("search", __name__)


@bp.get("/")
@bp.get("/search")
def search():
    params = SearchParams.from_args(request.args)
    response = run_search(get_backend(), params, scope_counts=True,
                          budget=search_budget(current_app.config))
    return render_template("search/results.html", response=response, params=params)
