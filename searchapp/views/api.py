"""JSON: the search, one article, and a health check (DESIGN 3.3)."""

import re

from flask import Blueprint, abort, current_app, jsonify, request

from indexer.article import ID_PATTERN
from searchapp.app import get_backend
from searchapp.search.params import SearchParams
from searchapp.search.service import get_article, run_search, search_budget
from searchapp.search.similar import more_like_this

bp = Blueprint("api", __name__)
_ID = re.compile(ID_PATTERN)


@bp.get("/api/search")
def search():
    params = SearchParams.from_args(request.args)
    scopes = request.args.get("scope_counts") == "1"
    response = run_search(get_backend(), params, scope_counts=scopes,
                          budget=search_budget(current_app.config))
    return jsonify(response.to_dict())


@bp.get("/api/articles/<path:article_id>")
def article(article_id: str):
    found = get_article(get_backend(), article_id) if _ID.fullmatch(article_id) else None
    if found is None:
        abort(404)
    return jsonify(found.as_dict())


@bp.get("/api/articles/<article_id>/similar")
def similar(article_id: str):
    found = more_like_this(get_backend(), article_id) if _ID.fullmatch(article_id) else None
    if found is None:
        abort(404)
    return jsonify(found.to_dict())


@bp.get("/healthz")
def healthz():
    health = get_backend().health()
    return jsonify({"status": "ok", "documents": health.documents,
                    "generation": health.generation})
