"""Where a parsed query matches in an article's own text, worked out in Python.

For an engine that indexes our analysed terms but cannot say where they came from in the
original text (the OpenSearch backend indexes `searchapp.analysis.terms()` output, so its
highlighter would mark that, not the article), the hits' parts are analysed again here and
the query's positive words, phrases, prefixes and fuzzy words marked by the same rules the
engines match by: the same terms, phrases in order with at most `~N` other words in all,
a prefix and its stem, a fuzzy word within N edits sharing its first letter.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from searchapp.analysis import fold, terms
from searchapp.backends.base import Highlights, Span
from searchapp.fields import (
    BODY,
    CAPTIONS,
    COMBINED_PARTS,
    COMMENTS,
    FIELD_PREFIXES,
    HEADLINE,
    PARTS,
    QUOTES,
    SCOPES,
)
from searchapp.search.parser import And, Not, Or, Phrase, Word

MIN_PREFIX_CHARS = 2
# Words a query's wildcards (word*) and fuzzy words (word~) may expand to: one cap for the
# whole query, shared out equally between its expansions (each wildcard or fuzzy word in
# each field it searches, a wildcard's stem counted apart), not a cap per word (64 prefixes
# with 1,000 words each once cost 8 s of CPU). Within it, a wildcard never expands to more
# than MAX_PREFIX_TERMS words, a fuzzy word to more than MAX_FUZZY_TERMS. The words kept are
# the most frequent (Whoosh) or the engine's top terms (OpenSearch).
MAX_QUERY_EXPANSIONS = 1000
MAX_PREFIX_TERMS = 1000
MAX_FUZZY_TERMS = 100
# OpenSearch refuses a query of more than 1,024 clauses in all (indices.query.bool.
# max_clause_count, each expanded word one clause, each word of a phrase one too): the
# other words' clauses and a margin come off the expansions' share, on both engines, so
# that they agree. (A query has at most parser.MAX_WORDS words, phrases' included: 128
# words, 640 clauses over the five parts.)
MAX_CLAUSES = 1024 - 16

Token = tuple[str, int, int, int]  # (term, position, start char, end char)


def analyze(target: str, text: str) -> list[str]:
    """The terms of `text` as the part or name `target` indexes them (parts are stemmed)."""
    stem = target in PARTS
    return [t for t, _, _, _ in terms(text, stemming=stem, stops=stem)]


def combined_term(targets, text: str) -> tuple[tuple[str, ...], str] | None:
    """(parts, term) when a word is one term in two or more of the article's own parts
    (fields.COMBINED_PARTS), which each backend then scores over them as one (Whoosh's
    BM25F, OpenSearch's cross_fields); else None."""
    parts = tuple(t for t in targets if t in COMBINED_PARTS)
    if len(parts) < 2:
        return None
    analysed = {tuple(analyze(t, text)) for t in parts}
    if len(analysed) != 1:
        return None
    ts = analysed.pop()
    return (parts, ts[0]) if len(ts) == 1 else None


def prefixes(target: str, text: str) -> list[str]:
    """What `text*` expands from in `target`: the folded word, and in a part its stem too
    ("happy*" also finds "happiness", indexed as "happi"). Empty when too short."""
    word = fold(text.lower())
    if len(word) < MIN_PREFIX_CHARS:
        return []
    out = [word]
    if target in PARTS:
        stemmed = analyze(target, word)
        if stemmed and stemmed[0] != word:
            out.append(stemmed[0])
    return out


def _leaves(tree, scope: str):
    """(leaf, target) of every word and phrase, NOT-ed ones too (they are searched)."""
    if isinstance(tree, Word | Phrase):
        for target in leaf_targets(tree, scope):
            yield tree, target
    elif isinstance(tree, Not):
        yield from _leaves(tree.item, scope)
    elif isinstance(tree, And | Or):
        for item in tree.items:
            yield from _leaves(item, scope)


@dataclass(frozen=True)
class Expansions:
    """The words each expansion of one query (a wildcard or fuzzy word in one field; a
    wildcard's stem apart) may expand to: the query's cap shared out equally."""

    each: int = MAX_PREFIX_TERMS
    words: int = 0  # wildcard and fuzzy words in the query

    @classmethod
    def of(cls, tree, scope: str) -> Expansions:
        expansions = others = 0
        words = set()
        for leaf, target in _leaves(tree, scope):
            if isinstance(leaf, Word) and leaf.prefix:
                expansions += len(prefixes(target, leaf.text))
                words.add(id(leaf))
            elif isinstance(leaf, Word) and leaf.fuzzy:
                expansions += 1 if analyze(target, leaf.text) else 0
                words.add(id(leaf))
            else:  # the engine counts every word of a phrase as one clause
                text = leaf.text if isinstance(leaf, Word) else " ".join(leaf.words)
                others += max(1, len(analyze(target, text)))
        room = max(0, min(MAX_QUERY_EXPANSIONS, MAX_CLAUSES - others))
        return cls(max(1, room // max(1, expansions)), len(words))

    @property
    def prefix(self) -> int:
        return min(MAX_PREFIX_TERMS, self.each)

    @property
    def fuzzy(self) -> int:
        return min(MAX_FUZZY_TERMS, self.each)

    @property
    def prefix_shared(self) -> bool:
        """True when a wildcard gets less than its own cap: the query's cap was shared."""
        return self.each < MAX_PREFIX_TERMS

    @property
    def fuzzy_shared(self) -> bool:
        return self.each < MAX_FUZZY_TERMS

    def notice(self) -> str:
        return (f"the query's wildcards matched too many words; only {self.each:,} of each "
                "were searched")


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of a and b, or limit + 1 when it is larger than `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def follow(cost: dict[int, int], positions, slop: int) -> dict[int, int]:
    """Positions p reachable from some r in `cost` (r < p) with the words skipped so far,
    cost[r] + (p - r - 1), at most `slop`; each with its least such count."""
    if not slop:
        return {p: 0 for p in positions if p - 1 in cost}
    # For a given p the best r is the one before it with the largest r - cost[r].
    ordered = sorted(cost)
    best_before = []
    best = None
    for r in ordered:
        v = r - cost[r]
        best = v if best is None or v > best else best
        best_before.append(best)
    out = {}
    for p in positions:
        i = bisect_left(ordered, p) - 1
        if i >= 0:
            skipped = p - 1 - best_before[i]
            if skipped <= slop:
                out[p] = skipped
    return out


def phrase_at(positions: list[list[int]], slop: int) -> bool:
    """True when the terms occur in this order with at most `slop` other words between them
    in all (`"a b c"~1` matches "a b x c" and "a x b c", not "a x b x c"): the rule of
    Lucene's ordered intervals (`max_gaps`), so that every engine agrees."""
    cost = dict.fromkeys(positions[0], 0)
    for ps in positions[1:]:
        cost = follow(cost, ps, slop)
        if not cost:
            return False
    return True


@dataclass
class Wanted:
    """What to mark in one part: terms, prefixes, fuzzy terms, phrases."""

    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    fuzzy: set[tuple[str, int]] = field(default_factory=set)
    phrases: set[tuple[tuple[str, ...], int]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes or self.fuzzy or self.phrases)

    def could_match(self, text: str) -> bool:
        """False when `text` cannot hold a match, found without analysing it: a Porter stem
        less its last letter is always in the word it came from (checked on every word of
        the bbc and Reuters collections), so the folded text must contain that much of a
        wanted term, phrase word or prefix. Fuzzy words are always looked for."""
        if self.fuzzy:
            return True
        haystack = fold(text.lower())
        needles = {*self.terms, *self.prefixes, *(w for ws, _ in self.phrases for w in ws)}
        return any((t[:-1] if len(t) > 2 else t[:1]) in haystack for t in needles)

    def single(self, term: str) -> bool:
        if term in self.terms or any(term.startswith(p) for p in self.prefixes):
            return True
        return any(term[:1] == t[:1] and edit_distance(term, t, n) <= n for t, n in self.fuzzy)

    def spans(self, tokens: list[Token]) -> list[Span]:
        out = [(s, e) for t, _, s, e in tokens if self.single(t)]
        if self.phrases:
            at: dict[str, dict[int, Span]] = {}
            for t, p, s, e in tokens:
                at.setdefault(t, {})[p] = (s, e)
            for words, slop in self.phrases:
                out.extend(phrase_spans([at.get(w, {}) for w in words], slop))
        return merge(out)


def phrase_spans(tables: list[dict[int, Span]], slop: int) -> list[Span]:
    """From each first word that starts a match to the nearest last word that ends it."""
    if any(not t for t in tables):
        return []
    out = []
    for p, (s, _e) in tables[0].items():
        cost = {p: 0}
        for table in tables[1:]:
            cost = follow(cost, table, slop)
            if not cost:
                break
        else:
            out.append((s, tables[-1][min(cost)][1]))
    return out


def merge(spans: list[Span]) -> list[Span]:
    spans = sorted(spans)
    out: list[Span] = []
    for s, e in spans:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def wanted(tree, scope: str) -> dict[str, Wanted]:
    """Per part, what the query's positive leaves (those not under a NOT) ask to mark."""
    out: dict[str, Wanted] = {}

    def walk(node, positive: bool) -> None:
        if isinstance(node, Not):
            walk(node.item, not positive)
        elif isinstance(node, And | Or):
            for item in node.items:
                walk(item, positive)
        elif isinstance(node, Word | Phrase) and positive:
            targets = (FIELD_PREFIXES[node.field],) if node.field else SCOPES[scope]
            for part in targets:
                if part in PARTS:
                    add_leaf(out.setdefault(part, Wanted()), part, node)

    if tree is not None:
        walk(tree, True)
    return {part: w for part, w in out.items() if w}


def add_leaf(w: Wanted, target: str, node) -> bool:
    """Add what the leaf `node` asks to mark in `target` to `w`; False when it asks for
    nothing there (a stop word, a prefix too short)."""
    if isinstance(node, Word) and node.prefix:
        starts = prefixes(target, node.text)
        w.prefixes.update(starts)
        return bool(starts)
    text = node.text if isinstance(node, Word) else " ".join(node.words)
    ts = analyze(target, text)
    if not ts:
        return False
    if isinstance(node, Word) and node.fuzzy:
        w.fuzzy.add((ts[0], node.fuzzy))
    elif len(ts) == 1:
        w.terms.add(ts[0])
    else:
        w.phrases.add((tuple(ts), node.slop if isinstance(node, Phrase) else 0))
    return True


def highlights(article, marks: dict[str, Wanted], parts=PARTS) -> Highlights:
    """Spans of `marks` in each part of `article` (entries each counted from their start)."""

    def one(part: str, text: str) -> list[Span]:
        w = marks.get(part)
        return w.spans(terms(text)) if w and text and w.could_match(text) else []

    return Highlights(
        headline=one(HEADLINE, article.headline) if HEADLINE in parts else [],
        body=one(BODY, article.body) if BODY in parts else [],
        captions=[one(CAPTIONS, c) for c in article.captions] if CAPTIONS in parts else [],
        quotes=[one(QUOTES, q.text) for q in article.quotes] if QUOTES in parts else [],
        comments=[one(COMMENTS, c.text) for c in article.comments] if COMMENTS in parts else [],
    )


def leaf_targets(node, scope: str) -> tuple[str, ...]:
    return (FIELD_PREFIXES[node.field],) if node.field else SCOPES[scope]
