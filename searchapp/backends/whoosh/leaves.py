"""The leaves of a query: the documents matching a term, an expansion or a phrase in one
field, and their scores, as sparse arrays (ascending document numbers, float32 scores).

A leaf allocates nothing the size of the collection: the word or phrase node gathering
its fields' leaves (evaluate.py) does, once. Each leaf's result is kept in the
Evaluator's memo by field, so the per-scope counts of a page only combine them again.
Scores are BM25 (B=0.75, K1=1.2, each field's average length) with Lucene's idf
(arrays.IndexData.idf); a word in the article's own text is scored over its parts together
(`combined`, fields.COMBINED_PARTS: BM25F proper).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from searchapp.analysis import fold, terms
from searchapp.backends.whoosh import positions
from searchapp.backends.whoosh.schema import NAME_FIELDS
from searchapp.fields import PARTS
from searchapp.search.matcher import MIN_PREFIX_CHARS

K1, B = 1.2, 0.75
# The index fields a `prefix:` target searches: a text part, or a name field.
PREFIX_FIELDS: dict[str, tuple[str, ...]] = {
    **{part: (part,) for part in PARTS},
    **{name: (name_field,) for name, name_field in NAME_FIELDS.items()},
}
STEMMED = frozenset(PARTS)


@dataclass
class Marks:
    """What to highlight in one field: single terms and phrases (tuples of terms)."""

    terms: set[str] = field(default_factory=set)
    phrases: set[tuple[tuple[str, ...], int]] = field(default_factory=set)


def analyze(fieldname: str, text: str) -> list[str]:
    stem = fieldname in STEMMED
    return [t for t, _, _, _ in terms(text, stemming=stem, stops=stem)]


class Leaves:
    """The leaf methods of evaluate.Evaluator (which holds data, memo, marks, limits)."""

    def _mark(self, f: str, positive: bool) -> Marks | None:
        if not positive:
            return None
        return self.marks.setdefault(f, Marks())

    def term_scores(self, f: str, term: str):
        p = self.data.postings(f, term)
        if not len(p.ids):
            return p.ids, np.empty(0, np.float32)
        lengths = self.data.lengths.get(f)
        idf = self.data.idf(p.df)
        w = p.weights
        if lengths is None:
            return p.ids, (idf * w).astype(np.float32)
        norm = K1 * ((1 - B) + B * lengths[p.ids] / self.data.avg_length[f])
        return p.ids, (idf * (w * (K1 + 1)) / (w + norm)).astype(np.float32)

    def combined(self, fields: tuple[str, ...], term: str, positive: bool):
        """One term over several parts scored as one field (fields.COMBINED_PARTS): BM25F
        with each part's tf (times its boost) normalised by the part's length, summed, then
        saturated once; the idf is that of the articles having the term in any part."""
        for f in fields:
            marks = self._mark(f, positive)
            if marks is not None:
                marks.terms.add(term)
        key = ("combined", fields, term)
        found = self.memo.get(key)
        if found is None:
            tf = np.zeros(self.data.n, np.float32)  # dense: cheaper than sorting the ids
            has = np.zeros(self.data.n, bool)
            for f in fields:
                p = self.data.postings(f, term)
                if not len(p.ids):
                    continue
                w = p.weights.astype(np.float32)
                lengths = self.data.lengths.get(f)
                if lengths is not None:
                    w = w / ((1 - B) + B * lengths[p.ids] / self.data.avg_length[f])
                tf[p.ids] += w  # ids are unique within one field
                has[p.ids] = True
            docs = np.flatnonzero(has)
            if not len(docs):
                found = _NONE
            else:
                t = tf[docs]
                # Deleted documents count in the df, as in one field's (Postings.df).
                idf = self.data.idf(len(docs))
                found = docs, (idf * t * (K1 + 1) / (t + K1)).astype(np.float32)
            self.memo[key] = found
        return found

    def leaf(self, f: str, term: str, positive: bool):
        marks = self._mark(f, positive)
        if marks is not None:
            marks.terms.add(term)
        key = ("term", f, term)
        if key not in self.memo:
            self.memo[key] = self.term_scores(f, term)
        return self.memo[key]

    def expansion(self, f: str, expanded: list[tuple[str, int]], positive: bool):
        """Documents matching any expanded term; a document scores its best term."""
        marks = self._mark(f, positive)
        self.expanded[f] = self.expanded.get(f, 0) + len(expanded)
        key = ("expansion", f, tuple(t for t, _ in expanded))
        found = self.memo.get(key)
        if found is None:
            parts = [(t, *self.term_scores(f, t)) for t, _df in expanded]
            parts = [p for p in parts if len(p[1])]
            found = self.memo[key] = (*_best(parts), [t for t, _, _ in parts])
        if marks is not None:
            marks.terms.update(found[2])
        return found[0], found[1]

    def prefix(self, f: str, text: str, positive: bool):
        stem_field = f in STEMMED
        word = fold(text.lower())
        if len(word) < MIN_PREFIX_CHARS:
            self.notice(f"'{text}*' is too short for a prefix search; use at least "
                        f"{MIN_PREFIX_CHARS} letters")
            return None
        expanded = self.data.expand(f, word)
        starts = 1
        if stem_field:  # "happy*" also finds "happiness" (indexed as "happi")
            stemmed = analyze(f, word)
            if stemmed and stemmed[0] != word:
                more = dict(self.data.expand(f, stemmed[0]))
                expanded = list({**dict(expanded), **more}.items())
                starts = 2
        limit = self.limits.prefix * starts  # the word and its stem: two expansions
        if len(expanded) > limit:
            expanded.sort(key=lambda x: -x[1])
            expanded = expanded[:limit]
            if self.limits.prefix_shared:
                self.notice(self.limits.notice())
            else:
                self.notice(f"too many words start with '{text}'; the {limit:,} most "
                            "frequent were searched")
        # No expansion matches no document (it is not left out of an AND).
        return self.expansion(f, expanded, positive)

    def fuzzy(self, f: str, text: str, maxdist: int, positive: bool):
        ts = analyze(f, text)
        if not ts:
            return None
        term = ts[0]
        found = dict.fromkeys(self.data.terms_within(f, term, maxdist))  # first-seen order
        expanded = sorted(((t, self.data.doc_frequency(f, t)) for t in found),
                          key=lambda x: -x[1])
        if len(expanded) > self.limits.fuzzy:
            expanded = expanded[:self.limits.fuzzy]
            if self.limits.fuzzy_shared:
                self.notice(self.limits.notice())
        return self.expansion(f, expanded, positive)

    def phrase(self, f: str, ts: list[str], slop: int, positive: bool):
        marks = self._mark(f, positive)
        if marks is not None:
            marks.phrases.add((tuple(ts), slop))
        key = ("phrase", f, tuple(ts), slop)
        if key not in self.memo:
            self.memo[key] = self._phrase(f, ts, slop)
        return self.memo[key]

    def _phrase(self, f: str, ts: list[str], slop: int):
        postings = [self.data.postings(f, t) for t in ts]
        cand = postings[0].ids
        for p in postings[1:]:
            cand = np.intersect1d(cand, p.ids, assume_unique=True)
            if not len(cand):
                break
        if len(cand):
            cand = cand[self.data.live[cand]]
        if not len(cand):
            return _NONE
        decoded = [self.data.positions_for(f, t, cand) for t in ts]
        matched = cand[positions.phrase_matches(decoded, slop)]
        scores = np.zeros(len(matched), np.float32)
        for t in ts:
            ids, s = self.term_scores(f, t)
            scores += s[np.searchsorted(ids, matched)]
        return matched, scores


_NONE = (np.empty(0, np.int64), np.empty(0, np.float32))


def _best(parts: list[tuple[str, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, best score) over several terms' (term, ids, scores)."""
    if not parts:
        return _NONE
    if len(parts) == 1:
        return parts[0][1], parts[0][2]
    ids = np.concatenate([p[1] for p in parts])
    scores = np.concatenate([p[2] for p in parts])
    order = np.lexsort((-scores, ids))  # by document, its best score first
    ids, scores = ids[order], scores[order]
    first = np.ones(len(ids), bool)
    first[1:] = ids[1:] != ids[:-1]
    return ids[first], scores[first]
