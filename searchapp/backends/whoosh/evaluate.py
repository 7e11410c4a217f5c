"""Evaluate a parsed query over the index with whole-array operations.

Whoosh's matchers score one document at a time in Python (tens of milliseconds for a common
word on 20,000 articles, hundreds for a phrase). Here each (field, term) posting list is
read once into arrays (cached per searcher, see arrays.py) and the query tree is evaluated
over dense per-document arrays: a boolean mask of matches and a float score. Scores are
Whoosh's BM25F (B=0.75, K1=1.2, its idf and average field lengths), so ranking is what
Whoosh would give; tests/backends/whoosh/ checks match sets and scores against Whoosh's
own searcher.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from searchapp.analysis import fold, terms
from searchapp.backends.base import Budget
from searchapp.backends.whoosh import positions
from searchapp.backends.whoosh.arrays import IndexData
from searchapp.backends.whoosh.documents import to_article
from searchapp.backends.whoosh.schema import NAME_FIELDS
from searchapp.fields import PARTS, SCOPES
from searchapp.search.matcher import (
    MIN_PREFIX_CHARS,
    Expansions,
    entry_groups,
    in_one_entry,
)
from searchapp.search.parser import And, Not, Or, Phrase, Word

K1, B = 1.2, 0.75
# Share of a search's time budget its wildcard and fuzzy words may use (the rest is the
# page's: ordering, marked snippets, per-scope counts, rendering). Expanding a word
# walks the terms it starts with in each field it searches (two-letter wildcards: thousands
# each), then reads the postings of the words kept: 64 of them cost 1.3 s of CPU on 20,000
# articles. Past this share, the words not yet expanded are left out of the query (the
# first one never is) and the notice counts them.
EXPANSION_SHARE = 0.4

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


@dataclass
class Match:
    mask: np.ndarray  # bool per document number
    scores: np.ndarray  # float32 per document number
    marks: dict[str, Marks]
    notices: list[str]
    searched: bool  # False for an empty query (every document matches)
    cut: bool = False  # wildcard or fuzzy words were left out, out of time


def analyze(fieldname: str, text: str) -> list[str]:
    stem = fieldname in STEMMED
    return [t for t, _, _, _ in terms(text, stemming=stem, stops=stem)]


class Evaluator:
    """One query over one IndexData; `run()` returns the Match."""

    def __init__(self, data: IndexData, scope: str = "all", budget: Budget | None = None,
                 share: float = EXPANSION_SHARE, main: bool = True, memo: dict | None = None):
        """With a `budget`, wildcard and fuzzy words are left out once `share` of it is
        spent: for the page's own query (`main`) never its first word, and the notice says
        how many; for a count (`main=False`) any word, in any field, and it says nothing
        (the caller gives up the count: see Match.cut). `memo`, shared by the page's own
        evaluation and its per-scope counts, keeps each field's result of each word, phrase
        and expansion: a count only combines them again for its scope's fields."""
        self.data = data
        self.memo = {} if memo is None else memo
        self.budget = budget
        self.share = share
        self.main = main
        self.expanded_words = 0  # wildcard and fuzzy words expanded so far
        self.cut_words: list[str] = []  # those left out, out of time
        self.n = data.n
        self.scope = scope
        self.scope_fields = SCOPES[scope]
        self.marks: dict[str, Marks] = {}
        self.notices: list[str] = []
        self.limits = Expansions()
        self.expanded: dict[str, int] = {}  # terms of wildcard and fuzzy words read, by field

    def run(self, tree) -> Match:
        live = self.data.live
        self.limits = Expansions.of(tree, self.scope)
        if tree is None:
            return Match(live.copy(), np.zeros(self.n, np.float32), {}, self.notices, False)
        result = self.node(tree, positive=True)
        if result is None:
            return Match(np.zeros(self.n, bool), np.zeros(self.n, np.float32), {},
                         self.notices, True)
        mask, scores = result
        return Match(mask & live, scores, self.marks, self.notices, True, self._cut())

    def _cut(self) -> bool:
        if not self.cut_words:
            return False
        if not self.main:
            return True
        total = self.expanded_words + len(self.cut_words)
        self.budget.leave_out(f"{len(self.cut_words)} of the query's {total} wildcard and "
                              f"fuzzy words (from '{self.cut_words[0]}' on)")
        return True

    def notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)

    def zeros(self):
        return np.zeros(self.n, bool), np.zeros(self.n, np.float32)

    # -- tree -----------------------------------------------------------------------

    def node(self, node, positive: bool):
        if isinstance(node, Word):
            return self.word(node, positive)
        if isinstance(node, Phrase):
            return self.phrase_node(node, positive)
        if isinstance(node, Not):
            inner = self.node(node.item, not positive)
            if inner is None:
                return None
            return self.data.live & ~inner[0], np.zeros(self.n, np.float32)
        if isinstance(node, And):
            return self.and_node(node, positive)
        if isinstance(node, Or):
            parts = [r for r in (self.node(x, positive) for x in node.items) if r is not None]
            if not parts:
                return None
            mask, scores = self.zeros()
            for m, s in parts:
                mask |= m
                scores += s
            return mask, scores
        return None

    def and_node(self, node: And, positive: bool):
        mask = None
        scores = np.zeros(self.n, np.float32)
        for item in node.items:
            r = self.node(item, positive)
            if r is None:
                continue
            mask = r[0].copy() if mask is None else mask & r[0]
            scores += r[1]
        if mask is None:
            return None
        groups, _ = entry_groups(node.items, self.scope)
        for kind, members in groups.items():
            self.in_one_entry(mask, kind, members)
        # A document that matched only some of the items must not carry their scores into
        # an enclosing OR (where it may match through another branch).
        scores[~mask] = 0
        return mask, scores

    def in_one_entry(self, mask: np.ndarray, kind: str, members: list) -> None:
        """Keep in `mask` only the documents where one quote (comment) matches every member
        (searchapp.search.matcher: a speaker's words in the speaker's own quote)."""
        searcher = self.data.searcher
        candidates = np.flatnonzero(mask)
        for i, d in enumerate(candidates):
            # Each candidate's entries are analysed again (2,374 of them took 1.5 s of CPU):
            # past this evaluation's share of the budget, the rest are kept unchecked (a
            # count is given up instead), and the notice says for how many.
            if i % 32 == 0 and self._late(spare=False):
                if not self.main:
                    self.cut_words.append(kind)
                    return
                unchecked = len(candidates) - i
                self.budget.leave_out(f"checking that the words are in one {kind[:-1]} "
                                      f"for {unchecked:,} articles")
                return
            article = to_article(searcher.stored_fields(int(d)))
            if not in_one_entry(article, kind, members, self.scope):
                mask[d] = False

    def _late(self, spare: bool) -> bool:
        """True when a word about to be expanded is past this evaluation's share of the
        budget (and is not `spare`d)."""
        return not spare and self.budget is not None and self.budget.over(self.share)

    def fields_for(self, fieldname: str | None) -> tuple[str, ...]:
        return PREFIX_FIELDS[fieldname] if fieldname else self.scope_fields

    def word(self, node: Word, positive: bool):
        expands = node.prefix or node.fuzzy
        if expands:
            if self._late(spare=self.main and not self.expanded_words):
                self.cut_words.append(f"{node.text}*" if node.prefix
                                      else f"{node.text}~{node.fuzzy}")
                return None
            self.expanded_words += 1
        mask, scores = self.zeros()
        found = False
        for f in self.fields_for(node.field):
            if f not in self.data.schema:
                continue
            if expands and not self.main and self._late(spare=False):
                self.cut_words.append(node.text)  # a count: given up whole
                return None
            if node.prefix:
                r = self.prefix(f, node.text, positive)
            elif node.fuzzy:
                r = self.fuzzy(f, node.text, node.fuzzy, positive)
            else:
                ts = analyze(f, node.text)
                if not ts:
                    continue
                r = self.leaf(f, ts[0], positive) if len(ts) == 1 else \
                    self.phrase(f, ts, 0, positive)
            if r is None:
                continue
            found = True
            mask |= r[0]
            scores += r[1]
        if not found:
            if not node.prefix and not node.fuzzy:
                self.notice(f"'{node.text}' is too common or too short to search for; "
                            "it was left out")
            return None
        return mask, scores

    def phrase_node(self, node: Phrase, positive: bool):
        mask, scores = self.zeros()
        found = False
        for f in self.fields_for(node.field):
            if f not in self.data.schema:
                continue
            ts = analyze(f, " ".join(node.words))
            if not ts:
                continue
            found = True
            r = self.leaf(f, ts[0], positive) if len(ts) == 1 else \
                self.phrase(f, ts, node.slop, positive)
            mask |= r[0]
            scores += r[1]
        if not found:
            self.notice(f"\"{' '.join(node.words)}\" has only common words; it was left out")
            return None
        return mask, scores

    # -- leaves ---------------------------------------------------------------------

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

    def leaf(self, f: str, term: str, positive: bool):
        marks = self._mark(f, positive)
        if marks is not None:
            marks.terms.add(term)
        key = ("term", f, term)
        if key not in self.memo:
            ids, s = self.term_scores(f, term)
            mask, scores = self.zeros()
            mask[ids] = True
            scores[ids] = s
            self.memo[key] = mask, scores
        return self.memo[key]

    def expansion(self, f: str, expanded: list[tuple[str, int]], positive: bool):
        """Documents matching any expanded term; a document scores its best term."""
        marks = self._mark(f, positive)
        self.expanded[f] = self.expanded.get(f, 0) + len(expanded)
        key = ("expansion", f, tuple(t for t, _ in expanded))
        found = self.memo.get(key)
        if found is None:
            mask, scores = self.zeros()
            held = []
            for term, _df in expanded:
                ids, s = self.term_scores(f, term)
                if not len(ids):
                    continue
                mask[ids] = True
                scores[ids] = np.maximum(scores[ids], s)
                held.append(term)
            found = self.memo[key] = mask, scores, held
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
        mask, scores = self.zeros()
        postings = [self.data.postings(f, t) for t in ts]
        cand = postings[0].ids
        for p in postings[1:]:
            cand = np.intersect1d(cand, p.ids, assume_unique=True)
            if not len(cand):
                break
        if len(cand):
            cand = cand[self.data.live[cand]]
        if len(cand):
            fmt = self.data.schema[f].format
            decoded = [positions.decode(fmt, self.data.values_for(f, t, cand)) for t in ts]
            matched = cand[positions.phrase_matches(decoded, slop)]
            if len(matched):
                mask[matched] = True
                for t in ts:
                    ids, s = self.term_scores(f, t)
                    sel = np.searchsorted(ids, matched)
                    scores[matched] += s[sel]
        return mask, scores
