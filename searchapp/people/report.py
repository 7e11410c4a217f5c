"""`scrapesearch people`: the names of a collection with their counts, kinds, roles and
the forms merged into each, so that a user sees what to correct in the alias file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from indexer.article import Article
from searchapp import people
from searchapp.fields import facet_value
from searchapp.people.aliases import Aliases
from searchapp.people.sources import domain

SPEAKERS, COMMENTERS, SOURCES = "speakers", "commenters", "sources"
# What one count of each listing is.
UNITS = {SPEAKERS: "quotes", COMMENTERS: "comments", SOURCES: "articles"}


@dataclass
class Entry:
    """One name of the listing and what was counted for it."""

    name: str
    count: int = 0  # quotes, comments, or articles for sources
    articles: int = 0
    kinds: Counter = field(default_factory=Counter)
    roles: Counter = field(default_factory=Counter)
    forms: Counter = field(default_factory=Counter)

    @property
    def kind(self) -> str:
        return self.kinds.most_common(1)[0][0] if self.kinds else people.PERSON

    def as_dict(self, what: str) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, UNITS[what]: self.count,
                "articles": self.articles, "roles": dict(self.roles.most_common()),
                "forms": dict(self.forms.most_common())}


def _of(article: Article, what: str, aliases: Aliases) -> list[people.Person | None]:
    if what == SPEAKERS:
        return people.speakers(article, aliases)
    if what == COMMENTERS:
        return people.commenters(article, aliases)
    name = people.source(article, aliases)
    written = facet_value(article.source) or domain(article.url) or ""
    return [people.Person(name, people.ORGANISATION, form=written) if name else None]


def tally(articles: Iterable[Article], what: str, aliases: Aliases,
          seen: Callable[[int], None] | None = None) -> list[Entry]:
    """Every name of `what` in `articles`, most counted first (then by name); `seen` is
    told how many articles were read so far, now and then."""
    entries: dict[str, Entry] = {}
    n = 0
    for n, article in enumerate(articles, 1):
        here: set[str] = set()
        for p in _of(article, what, aliases):
            if p is None:
                continue
            e = entries.get(p.name) or entries.setdefault(p.name, Entry(p.name))
            e.count += 1
            e.kinds[p.kind] += 1
            e.forms[p.form] += 1
            if p.role:
                e.roles[p.role] += 1
            if p.name not in here:
                here.add(p.name)
                e.articles += 1
        if seen and n % 1000 == 0:
            seen(n)
    if seen:
        seen(n)
    return sorted(entries.values(), key=lambda e: (-e.count, -e.articles, e.name))


def lines(entries: list[Entry], what: str) -> Iterable[str]:
    """The listing as text: counts and name, then the roles and the other forms."""
    columns = [UNITS[what], "articles"] if what != SOURCES else ["articles"]
    pad = " " * (9 * len(columns) + 1)
    yield " ".join(f"{c:>8}" for c in columns) + "  name"
    for e in entries:
        counts = [e.count, e.articles] if what != SOURCES else [e.articles]
        kind = "  (organisation)" if e.kind == people.ORGANISATION and what == SPEAKERS else ""
        yield " ".join(f"{n:>8,}" for n in counts) + f"  {e.name}{kind}"
        if e.roles:
            yield f"{pad}roles: " + _counted(e.roles)
        forms = Counter({f: n for f, n in e.forms.items() if f != e.name})
        if forms:
            yield f"{pad}forms: " + _counted(forms)


def _counted(counts: Counter, most: int = 6) -> str:
    shown = [f"{value} ({n:,})" for value, n in counts.most_common(most)]
    if len(counts) > most:
        shown.append(f"and {len(counts) - most:,} more")
    return ", ".join(shown)
