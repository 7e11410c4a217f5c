"""JSON: the search, one article, and a health check (DESIGN 3.3)."""

import re

from flask import Blueprint, abort, jsonify, request

from indexer.article import ID_PATTERN
from searchapp.search import SearchParams, get_article, run_search
from searchapp.views import get_index

bp = Blueprint("api", __name__)
_ID = re.compile(ID_PATTERN)


@bp.get("/api/search")
def search():
    params = SearchParams.from_args(request.args)
    scopes = request.args.get("scope_counts") == "1"
    return jsonify(run_search(get_index(), params, scope_counts=scopes).to_dict())


@bp.get("/api/articles/<path:article_id>")
def article(article_id: str):
    found = get_article(get_index(), article_id) if _ID.fullmatch(article_id) else None
    if found is None:
        abort(404)
    return jsonify(found.as_dict())


@bp.get("/healthz")
def healthz():
    index = get_index()
    return jsonify({"status": "ok", "documents": index.data.doc_count,
                    "generation": index.generation})
