"""Speakers and commenters as people: who each quote and comment of an article is by.

The Article keeps names as written ("Indonesian Energy Minister Subroto"); everything
that counts, filters or lists people (the facets, the speaker and commenter filters, the
people pages, `scrapesearch people`) goes through `speakers()` and `commenters()` here, so
that every backend and page agrees on who a person is.

(Issue 11 seam: this first version keeps the old rule — titles set aside from full names,
`fields.person` — and is where the people model goes.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slugify import slugify

from indexer.article import Article

PERSON, ORGANISATION = "person", "organisation"


@dataclass(frozen=True, slots=True)
class Person:
    """One quote's speaker or one comment's author, resolved."""

    name: str  # canonical: the facet value, the filter value, the page's name
    kind: str = PERSON  # PERSON or ORGANISATION
    role: str | None = None  # title or role written with the name ("Indonesian Energy Minister")
    form: str = ""  # the name as the article wrote it


@dataclass(frozen=True)
class Aliases:
    """A user's corrections, from the alias file in the instance folder (empty: none)."""

    merge: dict[str, str] = field(default_factory=dict)  # form (folded) -> canonical name


NO_ALIASES = Aliases()
_active = [NO_ALIASES]


def use(aliases: Aliases) -> None:
    """Make `aliases` the ones `speakers()` and `commenters()` apply by default."""
    _active[0] = aliases


def active() -> Aliases:
    return _active[0]


def speakers(article: Article, aliases: Aliases | None = None) -> list[Person | None]:
    """The speaker of each of `article.quotes`, in order; None where no person said it."""
    from searchapp.fields import facet_value, person

    out: list[Person | None] = []
    for q in article.quotes:
        written = facet_value(q.speaker)
        out.append(Person(person(written), form=written) if written else None)
    return out


def commenters(article: Article, aliases: Aliases | None = None) -> list[Person | None]:
    """The author of each of `article.comments`, in order; None where it is anonymous."""
    from searchapp.fields import facet_value

    out: list[Person | None] = []
    for c in article.comments:
        written = facet_value(c.author)
        out.append(Person(written, form=written) if written else None)
    return out


def slug(name: str) -> str:
    """The URL form of a person's canonical name (/speakers/<slug>)."""
    return slugify(name) or "-"
