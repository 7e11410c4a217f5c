"""Searches compared over time: the page (a chart drawn as SVG), its CSV and its JSON."""

from urllib.parse import urlencode

from flask import Blueprint, jsonify, render_template, request

from searchapp.app import get_backend
from searchapp.search.compare import MAX_QUERIES, Comparison, run_compare
from searchapp.search.export import csv_lines
from searchapp.search.params import ParamError
from searchapp.views.chart import MEASURES, chart
from searchapp.views.export import download

bp = Blueprint("compare", __name__)
CSV_COLUMNS = ("query", "start", "end", "count", "all", "share")


def compare_args(cmp: Comparison) -> list[tuple[str, str]]:
    """The arguments that reproduce the comparison (its searches and shared filters)."""
    shared = [(k, v) for k, v in cmp.params.with_(q="").to_args()
              if k not in ("page", "per_page", "sort", "match")]
    return [("q", q) for q in cmp.queries] + shared


@bp.get("/compare")
def page():
    measure = request.args.get("measure") or "count"
    if measure not in MEASURES:
        raise ParamError("measure must be count or share")
    cmp = run_compare(get_backend(), request.args)
    query = urlencode(compare_args(cmp))
    return render_template("compare/page.html", cmp=cmp, chart=chart(cmp, measure),
                           args=query, slots=max(MAX_QUERIES, len(cmp.queries)),
                           max_queries=MAX_QUERIES)


@bp.get("/compare.csv")
def as_csv():
    cmp = run_compare(get_backend(), request.args)
    rows = ([r["query"], r["start"], r["end"], str(r["count"]), str(r["all"]),
             str(r["share"])] for r in cmp.rows())
    return download(csv_lines(CSV_COLUMNS, rows), "text/csv", "csv", "scrapesearch-compare")


@bp.get("/api/compare")
def as_json():
    return jsonify(run_compare(get_backend(), request.args).to_dict())
