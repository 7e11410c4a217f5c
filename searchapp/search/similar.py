"""More like this: the articles sharing an article's most distinctive words (issue 13).

The article's own text is analysed as the index analyses it (headline words count
HEADLINE_WEIGHT times, as the headline weighs in ranking); its most frequent terms are
weighed by tf x idf over the collection (SearchBackend.document_frequencies, the same on
both engines), and the MAX_TERMS best, each in the form the article writes it most, are
searched as an OR through run_search: ranked as any search is. A term only this article
has finds nothing and is passed over. The search lists each story once (its cluster of
copies, searchapp/duplicates.py); the article's own cluster is left out, and so is any
other copy or light rewrite of it (indexer.dedup.is_copy, the same test the clusters are
made with: for an index whose search data has no clusters).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from math import log
from typing import Any

from indexer import dedup
from searchapp.analysis import terms
from searchapp.backends.base import SearchBackend
from searchapp.fields import HEADLINE, PART_BOOSTS
from searchapp.search.service import FUNCTION_WORDS

MAX_TERMS = 25  # Lucene's MoreLikeThis default (max_query_terms)
CANDIDATES = 100  # the article's most frequent terms whose document frequency is read
HEADLINE_WEIGHT = int(PART_BOOSTS[HEADLINE])
MIN_LETTERS = 3  # shorter terms, and numbers ("5.0"), say little about what a story is about
SHOWN = 5  # similar articles on the article page


@dataclass
class Similar:
    id: str
    headline: str
    source: str | None
    published: str | None
    score: float
    shared: list[str]  # the chosen words this article has too, the weightiest first

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "headline": self.headline, "source": self.source,
                "published": self.published, "score": round(self.score, 4),
                "shared_terms": self.shared}


@dataclass
class MoreLikeThis:
    article_id: str
    terms: list[str]  # the words searched, the weightiest first
    results: list[Similar] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.article_id, "terms": self.terms,
                "results": [r.to_dict() for r in self.results]}


def _counts(text: str, weight: int, counts: Counter, forms: dict[str, Counter]) -> None:
    for term, _pos, start, end in terms(text):
        form = text[start:end].lower()
        if (len(term) < MIN_LETTERS or not any(c.isalpha() for c in term)
                or form in FUNCTION_WORDS):
            continue
        counts[term] += weight
        forms.setdefault(term, Counter())[form] += 1


def chosen_terms(backend: SearchBackend, headline: str, body: str
                 ) -> list[tuple[str, str, float]]:
    """(term, the form written most, weight) of the text's MAX_TERMS most distinctive
    terms that at least one other article has, the weightiest first."""
    counts: Counter = Counter()
    forms: dict[str, Counter] = {}
    _counts(headline, HEADLINE_WEIGHT, counts, forms)
    _counts(body, 1, counts, forms)
    candidates = [t for t, _ in counts.most_common(CANDIDATES)]
    if not candidates:
        return []
    n, df = backend.document_frequencies(candidates)
    weighed = [(t, forms[t].most_common(1)[0][0],
                counts[t] * log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)))
               for t in candidates if df.get(t, 0) >= 2]
    weighed.sort(key=lambda x: (-x[2], x[0]))
    return weighed[:MAX_TERMS]


def more_like_this(backend: SearchBackend, article_id: str, size: int = SHOWN
                   ) -> MoreLikeThis | None:
    """The `size` articles most like this one, or None when no article has that id."""
    from searchapp.search.params import SearchParams
    from searchapp.search.service import run_search

    page = backend.article(article_id)
    if page is None:
        return None
    article, cluster = page.article, page.cluster or article_id
    chosen = chosen_terms(backend, article.headline or "", article.body or "")
    out = MoreLikeThis(article_id, [form for _, form, _ in chosen])
    if not chosen:
        return out
    own = dedup.fingerprint(article.headline or "", article.body or "")
    params = SearchParams.from_args({
        "q": " OR ".join(out.terms), "per_page": str(min(size * 4, 100)),
        "facets": "none", "snippets": "none", "match": "all"})
    response = run_search(backend, params, suggest=False)
    for hit in response.results:
        if hit.id == article_id or hit.cluster == cluster:
            continue
        other = backend.get(hit.id)
        if other is None:  # replaced in between
            continue
        if dedup.is_copy(own, dedup.fingerprint(other.headline or "", other.body or "")):
            continue
        theirs = {t for t, *_ in terms(f"{other.headline or ''} {other.body or ''}")}
        shared = [form for t, form, _ in chosen if t in theirs]
        out.results.append(Similar(hit.id, hit.headline_text, hit.source, hit.published,
                                   hit.score, shared))
        if len(out.results) == size:
            break
    return out
