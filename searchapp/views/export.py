"""Exports of every match (streamed, no cap) and an Atom feed of the newest matches."""

import datetime as dt

from flask import Blueprint, Response, current_app, request, stream_with_context

from searchapp.app import get_backend
from searchapp.search.export import stream_csv, stream_jsonl
from searchapp.search.params import SearchParams
from searchapp.search.service import iter_articles, iter_clustered, search_budget
from searchapp.urls import feed_url
from searchapp.views import atom

bp = Blueprint("export", __name__)
FEED_ENTRIES = 50


def download(body, mimetype: str, ext: str, name: str = "scrapesearch") -> Response:
    """A streamed attachment named `name`-<time>.`ext` (`name`: ASCII letters, digits, -)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    resp = Response(stream_with_context(body), mimetype=mimetype)
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{ext}"'
    return resp


@bp.get("/export.csv")
def export_csv():
    params = SearchParams.from_args(request.args)
    return download(stream_csv(iter_clustered(get_backend(), params)), "text/csv", "csv")


@bp.get("/export.jsonl")
def export_jsonl():
    params = SearchParams.from_args(request.args)
    return download(stream_jsonl(iter_clustered(get_backend(), params)),
                     "application/x-ndjson", "jsonl")


@bp.get("/feed.atom")
def feed():
    params = SearchParams.from_args(request.args).with_(sort="newest")
    backend, budget = get_backend(), search_budget(current_app.config)
    articles = list(iter_articles(backend, params, limit=FEED_ENTRIES, budget=budget))
    return atom.render("feed.xml", backend, articles, feed_url(params), budget, params=params)
