"""What the Atom feed prints: text that is valid XML 1.0, entry times, absolute URLs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask import Response, current_app, render_template, request

from indexer.article import Article
from searchapp.backends.base import Budget, SearchBackend
from searchapp.urls import atom_date

# Characters XML 1.0 does not allow anywhere in a document (controls other than tab, line
# feed and carriage return, lone surrogates, U+FFFE and U+FFFF): one makes the whole feed
# unreadable to every feed reader.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 does not allow."""
    return _NOT_XML.sub("", text)


def public_root() -> str:
    """Scheme and host (and path prefix) of the absolute URLs we print: PUBLIC_URL when the
    instance sets it, else the request's own (which a client's Host header decides)."""
    return (current_app.config.get("PUBLIC_URL") or request.url_root).rstrip("/")


def rfc3339(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Entry:
    article: Article
    updated: str  # RFC 3339


def entries(backend: SearchBackend, articles: list[Article], by_entry: bool = False
            ) -> list[Entry]:
    """The feed's entries: `updated` is the publication date, or for an undated article the
    time it entered the index (never the time of the request, so polling shows nothing new);
    with `by_entry` (a saved search's feed) always the time it entered the index.
    An article gone from the index since it was listed is left out."""
    added = backend.added(a.id for a in articles)
    return [Entry(a, rfc3339(added[a.id]) if by_entry
                  else atom_date(a.published, rfc3339(added[a.id])))
            for a in articles if a.id in added]


def render(template: str, backend: SearchBackend, articles: list[Article], self_path: str,
           budget: Budget, by_entry: bool = False, **context) -> Response:
    """The Atom feed of `articles` from `template` (feed.xml or one extending it)."""
    items = entries(backend, articles, by_entry)
    updated = max((e.updated for e in items), default=rfc3339(dt.datetime.now(dt.UTC)))
    root = public_root()
    body = render_template(template, entries=items, root=root, self_url=root + self_path,
                           updated=updated, notice=budget.notice(), **context)
    return Response(xml_text(body), mimetype="application/atom+xml")
