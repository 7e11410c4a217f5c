"""Speakers, commenters and sources as people and sites: who each quote and comment of an
article is by, and which site published it.

The Article keeps names as written ("Indonesian Energy Minister Subroto"); everything
that counts, filters or lists people (the facets, the speaker and commenter filters, the
people pages, `scrapesearch people`) goes through `speakers()`, `commenters()` and
`source()` here, so that every backend and page agrees on who a person is. Each is a pure
function of the article and the aliases, cheap enough to run for every article indexed.

- Speakers: `names` (one form -> a name and a role, an organisation, or nobody) and
  `article` (short forms joined to the article's full names).
- Commenters: the handle, case-folded: "Jens Holm" and "jens holm" are one commenter,
  shown as "jens holm" (a handle's capitals are not reliable: readers type them as they
  please); the alias file can give a commenter the display name it prefers.
- Sources: `sources` (a site's name without "Online", ".com"...; the domain of its URL
  when it has no name).
- Corrections: `aliases` (the alias file, people.toml in the instance folder), applied
  at index time: the command line loads it and calls `use()` before reading sources.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from slugify import slugify

from indexer.article import Article
from searchapp.people import article as _article
from searchapp.people.aliases import NO_ALIASES, AliasError, Aliases, Names, fold
from searchapp.people.aliases import load as load_aliases
from searchapp.people.article import Person
from searchapp.people.names import ORGANISATION, PERSON, Named, parse
from searchapp.people.sources import site

__all__ = ["NO_ALIASES", "ORGANISATION", "PERSON", "AliasError", "Aliases", "Named", "Names",
           "Person", "WithAliases", "active", "bind", "commenters", "fingerprint", "handle",
           "load_aliases", "name_of", "parse", "slug", "source", "speakers", "use"]

_active = [NO_ALIASES]
# Bumped whenever the rules here change who a quote or comment is by: an index built with
# other rules (or another alias file) has other facet values, so `update` asks for a
# reindex instead of mixing the two (fingerprint()).
RULES_VERSION = 1


def use(aliases: Aliases) -> None:
    """Make `aliases` the ones `speakers()`, `commenters()` and `source()` apply by default."""
    _active[0] = aliases


def active() -> Aliases:
    return _active[0]


@dataclass(frozen=True)
class WithAliases:
    """A backend's `prepare` that applies `aliases` in the process it runs in."""

    prepare: Callable[[Article, str], Any]
    aliases: Aliases

    def __call__(self, article: Article, digest: str) -> Any:
        _active[0] = self.aliases
        return self.prepare(article, digest)


def bind(prepare: Callable[[Article, str], Any]) -> Callable[[Article, str], Any]:
    """`prepare` made to apply the aliases in use now wherever it runs: pool workers are
    fresh interpreters (forkserver) that would otherwise apply none. The aliases travel
    with each batch of work; an alias file is small."""
    aliases = _active[0]
    return prepare if aliases is NO_ALIASES else WithAliases(prepare, aliases)


@lru_cache(maxsize=1 << 16)  # handles and names repeat: a search counting per comment
def _clean(s: str | None) -> str:  # cleans every handle of every candidate article
    from searchapp.fields import facet_value  # fields imports this package

    return facet_value(s)


def speakers(article: Article, aliases: Aliases | None = None) -> list[Person | None]:
    """The speaker of each of `article.quotes`, in order; None where no person said it."""
    return _article.speakers(article, (aliases or _active[0]).speakers, _clean)


def name_of(form: str, aliases: Aliases | None = None) -> str:
    """The name one speaker form stands for by itself (no article to join it to); the form
    as written when it names nobody."""
    named, _ = _article.one(_clean(form), (aliases or _active[0]).speakers)
    return named.name if named else _clean(form)


def handle(author: str | None) -> str:
    """A commenter's identity and display: the handle on one line, lower case."""
    return " ".join(_clean(author).split()).lower()


def commenters(article: Article, aliases: Aliases | None = None) -> list[Person | None]:
    """The author of each of `article.comments`, in order; None where it is anonymous."""
    names = (aliases or _active[0]).commenters
    out: list[Person | None] = []
    for c in article.comments:
        h = handle(c.author)
        if not h or (names and fold(h) in names.ignore):
            out.append(None)
            continue
        out.append(Person(names.merge.get(fold(h), h) if names else h,
                          form=_clean(c.author)))
    return out


def source(article: Article, aliases: Aliases | None = None) -> str | None:
    """The site that published `article`: its name's common form, else its URL's domain."""
    return site(_clean(article.source), article.url, (aliases or _active[0]).sources)


def fingerprint(aliases: Aliases | None = None) -> str:
    """A short digest of the rules and the corrections (not where the file is) in use."""
    a = aliases or _active[0]
    text = repr((RULES_VERSION, a.speakers, a.commenters, a.sources))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def slug(name: str) -> str:
    """The URL form of a person's canonical name (/speakers/<slug>)."""
    return slugify(name) or "-"
