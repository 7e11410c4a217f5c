"""The article page: the full text with the query's matches highlighted."""

import re

from flask import Blueprint, abort, render_template, request

from indexer.article import ID_PATTERN
from searchapp.search.article import article_view
from searchapp.views import get_index

bp = Blueprint("article", __name__)
_ID = re.compile(ID_PATTERN)


@bp.get("/articles/<path:article_id>")
def article(article_id: str):
    if not _ID.fullmatch(article_id):
        abort(404)
    view = article_view(get_index(), article_id, request.args.get("q", "")[:512],
                        request.args.get("scope", "all"))
    if view is None:
        abort(404)
    return render_template("article/detail.html", view=view)
