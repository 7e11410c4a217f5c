"""The article page: the full text with the search's matches highlighted, and its neighbours."""

import re

from flask import Blueprint, abort, current_app, render_template, request

from indexer.article import ID_PATTERN
from searchapp.app import get_backend
from searchapp.search.params import ParamError, SearchParams
from searchapp.search.service import article_page, search_budget
from searchapp.search.similar import more_like_this
from searchapp.urls import SEARCH_CONTEXT

bp = Blueprint("article", __name__)
_ID = re.compile(ID_PATTERN)


def _search(args) -> SearchParams | None:
    """The search the reader came from, when the link carries one (urls.article_url)."""
    if not any(k in args for k in SEARCH_CONTEXT):
        return None
    try:
        return SearchParams.from_args({k: args.getlist(k) for k in SEARCH_CONTEXT if k in args})
    except ParamError:
        return None  # a link with broken search arguments still shows the article


@bp.get("/articles/<path:article_id>")
def article(article_id: str):
    if not _ID.fullmatch(article_id):
        abort(404)
    params = _search(request.args)
    view = article_page(get_backend(), article_id, params,
                        search_budget(current_app.config) if params is not None else None)
    if view is None:
        abort(404)
    similar = more_like_this(get_backend(), article_id)
    return render_template("article/detail.html", view=view, params=params, similar=similar)
