"""Links that keep every other search argument (Datasette's path_with_added_args)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode, urlsplit

from flask import Flask, request

from searchapp.fields import FACETS
from searchapp.search.params import SearchParams

# The search arguments an article link carries, so that the article page marks that
# search's matches and links the matches before and after it.
SEARCH_CONTEXT = ("q", "scope", *FACETS, "from", "to", "sort")


def search_url(params: SearchParams, endpoint: str = "/search", **changes) -> str:
    """The search URL for `params` with `changes` applied (page reset unless given)."""
    if "page" not in changes:
        changes["page"] = 1
    p = params.with_(**changes)
    query = urlencode(p.to_args())
    return f"{endpoint}?{query}" if query else endpoint


def toggle_url(params: SearchParams, facet: str, value: str) -> str:
    """Select `value` of `facet`, or unselect it when it is selected."""
    current = params.filters.get(facet, ())
    values = tuple(v for v in current if v != value) if value in current else current + (value,)
    filters = dict(params.filters)
    if values:
        filters[facet] = values
    else:
        filters.pop(facet, None)
    return search_url(params, filters=filters)


def more_url(params: SearchParams, facet: str, size: int) -> str:
    """The page with `size` values of `facet` listed (keeps the page the user is on)."""
    return search_url(params, page=params.page, facet_size={**params.facet_size, facet: size})


def page_window(page: int, pages: int, radius: int = 2) -> list[int | None]:
    """Page numbers to link around `page`: first, last and `radius` either side; None is a gap."""
    shown = sorted({1, pages, *range(max(1, page - radius), min(pages, page + radius) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - out[-1] > 1:
            out.append(None if n - out[-1] > 2 else n - 1)
        out.append(n)
    return out


def safe_url(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) address, else None (no javascript:, data:, ...)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def export_url(params: SearchParams, fmt: str) -> str:
    args = [(k, v) for k, v in params.to_args() if k not in ("page", "per_page")]
    return f"/export.{fmt}?{urlencode(args)}" if args else f"/export.{fmt}"


def feed_url(params: SearchParams) -> str:
    args = [(k, v) for k, v in params.to_args() if k not in ("page", "per_page", "sort")]
    return f"/feed.atom?{urlencode(args)}" if args else "/feed.atom"


def article_url(article_id: str, params: SearchParams | None = None) -> str:
    """An article's page, within the search `params` when given (SEARCH_CONTEXT)."""
    args = [(k, v) for k, v in params.to_args() if k in SEARCH_CONTEXT] if params else []
    return f"/articles/{article_id}" + (f"?{urlencode(args)}" if args else "")


def atom_date(value: str | None, default: str) -> str:
    """An Article date as RFC 3339 for Atom (dates without a time are taken at midnight UTC)."""
    if not value:
        return default
    try:
        d = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return default
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.UTC)
    return d.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["atom_date"] = atom_date
    app.jinja_env.filters["safe_url"] = safe_url
    app.jinja_env.globals.update(search_url=search_url, toggle_url=toggle_url,
                                 more_url=more_url, export_url=export_url, feed_url=feed_url,
                                 article_url=article_url, page_window=page_window)

    @app.context_processor
    def site():
        return {"site_name": app.config["SITE_NAME"], "current_q": request.args.get("q", "")}
