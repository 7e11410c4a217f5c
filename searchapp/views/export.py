"""Exports of every match (streamed, no cap) and an Atom feed of the newest matches."""

import datetime as dt

from flask import Blueprint, Response, render_template, request, stream_with_context

from searchapp.app import get_backend
from searchapp.search.export import stream_csv, stream_jsonl
from searchapp.search.params import SearchParams
from searchapp.search.service import iter_articles

bp = Blueprint("export", __name__)
FEED_ENTRIES = 50


def _download(body, mimetype: str, ext: str) -> Response:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    resp = Response(stream_with_context(body), mimetype=mimetype)
    resp.headers["Content-Disposition"] = f'attachment; filename="scrapesearch-{stamp}.{ext}"'
    return resp


@bp.get("/export.csv")
def export_csv():
    params = SearchParams.from_args(request.args)
    return _download(stream_csv(iter_articles(get_backend(), params)), "text/csv", "csv")


@bp.get("/export.jsonl")
def export_jsonl():
    params = SearchParams.from_args(request.args)
    return _download(stream_jsonl(iter_articles(get_backend(), params)),
                     "application/x-ndjson", "jsonl")


@bp.get("/feed.atom")
def feed():
    params = SearchParams.from_args(request.args).with_(sort="newest")
    articles = list(iter_articles(get_backend(), params, limit=FEED_ENTRIES))
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = render_template("feed.xml", articles=articles, params=params, self_url=request.url,
                           updated=now)
    return Response(body, mimetype="application/atom+xml")
