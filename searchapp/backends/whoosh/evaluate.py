"""Evaluate a parsed query over the index with whole-array operations.

Whoosh's matchers score one document at a time in Python (tens of milliseconds for a common
word on 20,000 articles, hundreds for a phrase). Here each (field, term) posting list is
read once into arrays (cached per searcher, see arrays.py). The leaves (leaves.py) give
the matching document numbers and their scores; each word or phrase node gathers its
fields' into dense per-document arrays, a boolean mask of matches and a float score, over
which the query tree is combined. Scores are
BM25 with Lucene's idf; a word in several of the article's own parts (headline, body,
captions) is scored over them together (BM25F, Leaves.combined). tests/backends/whoosh/
checks match sets against Whoosh's own searcher, and scores against Whoosh's BM25F for one
field and against the formula over Whoosh's postings for the parts together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from searchapp.backends.base import (
    LOOSE_WEIGHT,
    PROXIMITY_SLOP,
    PROXIMITY_WEIGHT,
    Budget,
    proximity_pairs,
)
from searchapp.backends.whoosh import facets as facet_ops
from searchapp.backends.whoosh.arrays import IndexData
from searchapp.backends.whoosh.documents import to_article
from searchapp.backends.whoosh.leaves import PREFIX_FIELDS, Leaves, Marks, analyze
from searchapp.fields import SCOPES
from searchapp.search.entries import entry_groups, in_one_entry
from searchapp.search.matcher import Expansions, combined_term
from searchapp.search.parser import And, Exact, Not, Or, Phrase, Word

# Share of a search's time budget its wildcard and fuzzy words may use (the rest is the
# page's: ordering, marked snippets, per-scope counts, rendering). Expanding a word
# walks the terms it starts with in each field it searches (two-letter wildcards: thousands
# each), then reads the postings of the words kept: 64 of them cost 1.3 s of CPU on 20,000
# articles. Past this share, the words not yet expanded are left out of the query (the
# first one never is) and the notice counts them.
EXPANSION_SHARE = 0.4


@dataclass
class Match:
    mask: np.ndarray  # bool per document number
    scores: np.ndarray  # float32 per document number
    marks: dict[str, Marks]
    notices: list[str]
    searched: bool  # False for an empty query (every document matches)
    cut: bool = False  # wildcard or fuzzy words were left out, out of time


class Evaluator(Leaves):
    """One query over one IndexData; `run()` returns the Match."""

    def __init__(self, data: IndexData, scope: str = "all", budget: Budget | None = None,
                 share: float = EXPANSION_SHARE, main: bool = True, memo: dict | None = None,
                 loose: bool = False):
        """With a `budget`, wildcard and fuzzy words are left out once `share` of it is
        spent: for the page's own query (`main`) never its first word, and the notice says
        how many; for a count (`main=False`) any word, in any field, and it says nothing
        (the caller gives up the count: see Match.cut). `memo`, shared by the page's own
        evaluation and its per-scope counts, keeps each field's result of each word, phrase
        and expansion: a count only combines them again for its scope's fields."""
        self.data = data
        self.loose = loose  # Query.loose: the top-level AND's words read loosely
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
        if self.loose and isinstance(tree, And):
            result = self.loose_and(tree)
        else:
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
        if isinstance(node, Exact):  # a person filter beside the words (entries.tie)
            return (facet_ops.filter_mask(self.data, node.name, node.values),
                    np.zeros(self.n, np.float32))
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

    def loose_and(self, node: And):
        """Query.loose: articles with any of the AND's words (excluded words and person
        filters still hold), ranked by score, LOOSE_WEIGHT more for each word they have."""
        found = np.zeros(self.n, np.int32)
        scores = np.zeros(self.n, np.float32)
        held = self.data.live.copy()
        words = 0
        for item in node.items:
            r = self.node(item, positive=True)
            if r is None:
                continue
            if isinstance(item, Not | Exact):
                held &= r[0]
                continue
            words += 1
            found += r[0]
            scores += r[1]
        if not words:
            return self.and_node(node, positive=True)
        mask = (found > 0) & held
        scores += found * np.float32(LOOSE_WEIGHT)
        self.near(node, mask, scores)
        scores[~mask] = 0
        return mask, scores

    def near(self, node: And, mask: np.ndarray, scores: np.ndarray) -> None:
        """Add PROXIMITY_WEIGHT of each neighbouring pair's score (base.proximity_pairs)
        where its two words are near each other, in order, in one part of the scope."""
        for a, b in proximity_pairs(node.items):
            for f in self.scope_fields:
                if f not in self.data.schema:
                    continue
                ta, tb = analyze(f, a), analyze(f, b)
                if len(ta) != 1 or len(tb) != 1:
                    continue
                ids, s = self.phrase(f, [ta[0], tb[0]], PROXIMITY_SLOP, positive=False)
                if len(ids):
                    scores[ids] += np.float32(PROXIMITY_WEIGHT) * s

    def in_one_entry(self, mask: np.ndarray, kind: str, members: list) -> None:
        """Keep in `mask` only the documents where one quote (comment) matches every member
        (searchapp.search.entries: a speaker's words in the speaker's own quote)."""
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
        fields = [f for f in self.fields_for(node.field) if f in self.data.schema]
        if not expands:
            together = combined_term(fields, node.text)
            if together:
                ids, s = self.combined(together[0], together[1], positive)
                found = True
                mask[ids] = True
                scores[ids] += s
                fields = [f for f in fields if f not in together[0]]
        for f in fields:
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
            mask[r[0]] = True
            scores[r[0]] += r[1]
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
            mask[r[0]] = True
            scores[r[0]] += r[1]
        if not found:
            self.notice(f"\"{' '.join(node.words)}\" has only common words; it was left out")
            return None
        return mask, scores
