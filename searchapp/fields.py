"""The parts of an article that are searched and counted, by name: one vocabulary for the
query language, the search arguments, every backend and the pages.

Every backend indexes the same values (`facet_values`, `name_values`), so a facet or a
`speaker:` query answers the same whichever engine is behind it.
"""

from __future__ import annotations

import datetime as dt

from indexer.article import Article
from indexer.extract.text import clean_line
from searchapp import people

# Text parts, in the order the "all" scope lists them.
HEADLINE, BODY, CAPTIONS, QUOTES, COMMENTS = "headline", "body", "captions", "quotes", "comments"
PARTS = (HEADLINE, BODY, CAPTIONS, QUOTES, COMMENTS)
# Headline matches outrank body matches; quotes and captions sit between.
PART_BOOSTS = {HEADLINE: 3.0, BODY: 1.0, CAPTIONS: 0.8, QUOTES: 1.2, COMMENTS: 0.6}
# The article's own text: a word found in several of these parts is scored once, over the
# parts together (BM25F: the parts' weighted, length-normalised counts summed before the
# one saturation, with the idf of the articles that have the word in any of them), not
# once per part. Scoring each part apart gave a word in the headline and the body two
# idfs (the headline's, high because few headlines have any word) and two saturations:
# on the tune half of bench/relevance.py nDCG@10 on CISI (title and abstract) went from
# 0.379 to 0.398 on Whoosh, and from 0.356 to 0.403 on OpenSearch (cross_fields there).
# Quotes and comments are entries of their own (nested on OpenSearch) and add their score.
COMBINED_PARTS = (HEADLINE, BODY, CAPTIONS)

# Facets: exact values counted over the matches, in the order the pages list them.
SOURCE, YEAR, SPEAKER, COMMENTER, AUTHOR, TAG = (
    "source", "year", "speaker", "commenter", "author", "tag")
FACETS = (SOURCE, YEAR, SPEAKER, COMMENTER, AUTHOR, TAG)
FACET_LABELS = {SOURCE: "Source", YEAR: "Year", SPEAKER: "Quoted speaker",
                COMMENTER: "Commenter", AUTHOR: "Author", TAG: "Tag"}
# Facets listed in value order rather than by count; True: descending (newest year first).
VALUE_ORDER = {YEAR: True}

# Names searched as words (`speaker:popov`), one per facet of people and places.
NAMES = (SPEAKER, COMMENTER, AUTHOR, SOURCE, TAG)

# Scopes: the parts a word without a field prefix searches.
SCOPES: dict[str, tuple[str, ...]] = {
    "all": PARTS,
    HEADLINE: (HEADLINE,),
    BODY: (BODY, CAPTIONS),
    QUOTES: (QUOTES,),
    COMMENTS: (COMMENTS,),
}
SORTS = ("relevance", "newest", "oldest", "comments")
# What the pages call them.
SCOPE_LABELS = {"all": "Everything", HEADLINE: "Headlines", BODY: "Bodies", QUOTES: "Quotes",
                COMMENTS: "Comments"}
SORT_LABELS = {"relevance": "Relevance", "newest": "Newest", "oldest": "Oldest",
               "comments": "Most comments"}

# Field prefixes of the query language -> the part or name they search. The first prefix
# of each target is the one `read_as` writes back.
FIELD_PREFIXES = {
    "headline": HEADLINE, "title": HEADLINE,
    "body": BODY, "text": BODY,
    "caption": CAPTIONS, "captions": CAPTIONS,
    "quote": QUOTES, "quotes": QUOTES,
    "speaker": SPEAKER, "said": SPEAKER,
    "comment": COMMENTS, "comments": COMMENTS,
    "commenter": COMMENTER,
    "source": SOURCE, "site": SOURCE,
    "author": AUTHOR, "byline": AUTHOR,
    "tag": TAG, "section": TAG,
}
PREFIX_OF = {target: prefix for prefix, target in reversed(FIELD_PREFIXES.items())}


def published_datetime(value: str | None) -> dt.datetime | None:
    """The moment an Article's ISO date or datetime names, as naive UTC, or None."""
    if not value:
        return None
    try:
        d = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            d = dt.datetime.combine(dt.date.fromisoformat(value[:10]), dt.time())
        except ValueError:
            return None
    if d.tzinfo is not None:
        d = d.astimezone(dt.UTC).replace(tzinfo=None)
    return d


def facet_value(s: str | None) -> str:
    """A facet value as shown: one line, no stray punctuation at the ends."""
    return clean_line(s or "").strip(" ,;:-–—") if s else ""


def person(name: str) -> str:
    """A quoted person's name without the titles and roles before it ("Mayor Lena Ortiz"
    -> "Lena Ortiz"; `people.names` has the rules); the form as written when it names
    nobody."""
    return people.name_of(name)


def _unique(values) -> list[str]:
    return [v for v in dict.fromkeys(facet_value(x) for x in values) if v]


def facet_values(article: Article) -> dict[str, list[str]]:
    """Exact facet values of an article, de-duplicated, in first-seen order."""
    published = published_datetime(article.published)
    return {
        SOURCE: _unique([people.source(article)]),
        YEAR: [str(published.year)] if published else [],
        SPEAKER: _unique(p.name for p in people.speakers(article) if p),
        COMMENTER: _unique(p.name for p in people.commenters(article) if p),
        AUTHOR: _unique(article.authors),
        TAG: _unique(article.tags),
    }


def name_values(article: Article, facets: dict[str, list[str]] | None = None
                ) -> dict[str, list[str]]:
    """The names `speaker:`, `commenter:`, `author:`, `source:` and `tag:` search, per name.

    Speakers both as written and as the person they are, so that `speaker:mayor` finds
    "Mayor Lena Ortiz" and `speaker:"rod eddington"` a quote by "Mr Eddington" in an
    article that names Rod Eddington; sources as written and as their facet value; the
    others as their facet values.
    """
    facets = facets if facets is not None else facet_values(article)
    out = {name: facets[name] for name in NAMES}
    out[SPEAKER] = _unique([*(q.speaker for q in article.quotes), *facets[SPEAKER]])
    out[SOURCE] = _unique([article.source, *facets[SOURCE]])
    return out
