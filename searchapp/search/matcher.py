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

from searchapp import people
from searchapp.analysis import fold, terms
from searchapp.backends.base import Highlights, Span
from searchapp.fields import (
    BODY,
    CAPTIONS,
    COMMENTER,
    COMMENTS,
    FIELD_PREFIXES,
    HEADLINE,
    PARTS,
    QUOTES,
    SCOPES,
    SPEAKER,
    facet_value,
)
from searchapp.search.parser import And, Exact, Not, Or, Phrase, Word

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
# that they agree. (A query is at most 512 characters: its phrases hold at most ~170
# words, 850 clauses over the five parts.)
MAX_CLAUSES = 1024 - 16

Token = tuple[str, int, int, int]  # (term, position, start char, end char)


def analyze(target: str, text: str) -> list[str]:
    """The terms of `text` as the part or name `target` indexes them (parts are stemmed)."""
    stem = target in PARTS
    return [t for t, _, _, _ in terms(text, stemming=stem, stops=stem)]


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
        for target in _targets(tree, scope):
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
                    _add(out.setdefault(part, Wanted()), part, node)

    if tree is not None:
        walk(tree, True)
    return {part: w for part, w in out.items() if w}


def _add(w: Wanted, target: str, node) -> bool:
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


# -- words that must meet in one quote or one comment ----------------------------------------
#
# `speaker:popov ceasefire` in the quotes scope asks for a quote by Popov that says
# "ceasefire", not an article with some quote by Popov and some other quote saying it.
# So in an AND, the items that search only quotes (speaker:, quote:, and plain words when
# the scope is quotes) must match within one quote when one of them names the speaker;
# likewise commenter:, comment: and plain words in the comments scope within one comment.
# Without a person among them, items match anywhere in the article, as before; items under
# a NOT are never grouped (an excluded word is excluded from the whole article).

ENTRY_PERSON = {QUOTES: "speaker", COMMENTS: "commenter"}
KIND_OF_PERSON = {SPEAKER: QUOTES, COMMENTER: COMMENTS}
_KIND_OF = {QUOTES: QUOTES, "speaker": QUOTES, COMMENTS: COMMENTS, "commenter": COMMENTS}
# An entry's person as `people` resolves it (the facet value), beside its name's words.
WHO = "who"


def _targets(node, scope: str) -> tuple[str, ...]:
    return (FIELD_PREFIXES[node.field],) if node.field else SCOPES[scope]


def entry_kind(node, scope: str) -> str | None:
    """QUOTES or COMMENTS when every leaf of `node` searches only that kind of entry."""
    if isinstance(node, Exact):
        return KIND_OF_PERSON.get(node.name)
    if isinstance(node, Word | Phrase):
        kinds = {_KIND_OF.get(t) for t in _targets(node, scope)}
        return kinds.pop() if len(kinds) == 1 else None
    if isinstance(node, And | Or):
        kinds = {entry_kind(x, scope) for x in node.items}
        return kinds.pop() if len(kinds) == 1 else None
    return None


def _names_person(node) -> bool:
    if isinstance(node, Exact):
        return True
    if isinstance(node, Word | Phrase):
        return node.field is not None and FIELD_PREFIXES[node.field] in ENTRY_PERSON.values()
    if isinstance(node, And | Or):
        return any(_names_person(x) for x in node.items)
    return False


def entry_groups(items, scope: str) -> tuple[dict[str, list], list]:
    """The items of an AND that must meet in one entry, by kind, and the others."""
    by_kind: dict[str, list] = {}
    rest = []
    for item in items:
        kind = entry_kind(item, scope)
        if kind is None:
            rest.append(item)
        else:
            by_kind.setdefault(kind, []).append(item)
    groups = {}
    for kind, members in by_kind.items():
        if len(members) > 1 and any(_names_person(m) for m in members):
            groups[kind] = members
        else:
            rest.extend(members)
    return groups, rest


# -- the speaker and commenter filters, tied to the entry the words match in -----------------
#
# `q=strike&scope=quotes&speaker=Declan Ofori` asks for Ofori's quotes that say "strike".
# The filter's values go into the tree as an Exact leaf beside the words, where the rule
# above ties it to the one quote the words match in; in a scope where the words are not
# quote-only (all, body) the leaf stands alone and acts as the plain filter. Without words
# there is nothing to tie, and the filter alone does it.


def _items(tree) -> tuple:
    return tree.items if isinstance(tree, And) else (tree,)


def _tied_members(tree, scope: str, name: str) -> list:
    """The items of `tree` a filter of `name` would be tied to (none: it stands alone)."""
    kind = KIND_OF_PERSON[name]
    groups, _ = entry_groups((*_items(tree), Exact(name, ())), scope)
    return [m for m in groups.get(kind, ()) if not isinstance(m, Exact) or m.name != name]


def tie(tree, filters) -> object | None:
    """`tree` with the speaker and commenter filters among `filters` added as Exact leaves.

    In every scope, so that each scope's count is what that scope's search finds: where
    the words are not tied to an entry the leaf only repeats the filter."""
    if tree is None:
        return None
    exact = tuple(Exact(name, tuple(filters[name])) for name in KIND_OF_PERSON
                  if filters.get(name))
    return And((*_items(tree), *exact)) if exact else tree


def untie(tree, name: str):
    """`tree` without the Exact leaf of `name` that `tie` added."""
    if tree is None or not isinstance(tree, And):
        return tree
    items = tuple(x for x in tree.items if not (isinstance(x, Exact) and x.name == name))
    if len(items) == len(tree.items):
        return tree
    if not items:
        return None
    return items[0] if len(items) == 1 else And(items)


def entry_facet(tree, scope: str, name: str):
    """For the speaker or commenter facet: (the tree without its own filter, the items its
    values must meet in one entry with) when its values are counted per entry: a person is
    counted for an article only where one of their own quotes (comments) has the words, as
    selecting them would find. None when they are counted per article, as other facets."""
    if name not in KIND_OF_PERSON or tree is None:
        return None
    rest = untie(tree, name)
    if rest is None:
        return None
    members = _tied_members(rest, scope, name)
    return (rest, members) if members else None


def entry_tokens(kind: str, text: str, person: str | None,
                 who: str | None = None) -> dict[str, list[Token]]:
    """One quote or comment as the entry matcher reads it: its text, its person's name as
    written (words) and as resolved (`who`, the facet value)."""
    return {kind: terms(text), ENTRY_PERSON[kind]: terms(facet_value(person), False, False),
            WHO: who}


def entry_match(node, entry: dict, scope: str) -> bool | None:
    """Whether `node` matches within one entry (None: nothing searchable in it)."""
    if isinstance(node, Exact):
        return entry.get(WHO) in node.values
    if isinstance(node, Word | Phrase):
        found = None
        for target in _targets(node, scope):
            tokens = entry.get(target)
            if tokens is None:
                continue
            hit = _leaf_in(node, target, tokens)
            if hit is not None:
                found = bool(found) or hit
        return found
    if isinstance(node, Not):
        inner = entry_match(node.item, entry, scope)
        return None if inner is None else not inner
    if isinstance(node, And | Or):
        results = [r for r in (entry_match(x, entry, scope) for x in node.items) if r is not None]
        if not results:
            return None
        return all(results) if isinstance(node, And) else any(results)
    return None


def _leaf_in(node, target: str, tokens: list[Token]) -> bool | None:
    w = Wanted()
    return bool(w.spans(tokens)) if _add(w, target, node) else None


def article_entries(article, kind: str) -> list[dict]:
    """Every quote (or comment) of `article` as entry tokens."""
    if kind == QUOTES:
        return [entry_tokens(kind, q.text, q.speaker, _who(p))
                for q, p in zip(article.quotes, people.speakers(article), strict=True)]
    return [entry_tokens(kind, c.text, c.author, _who(p))
            for c, p in zip(article.comments, people.commenters(article), strict=True)]


def _who(person) -> str | None:
    """A resolved person as the facets count them (None: nobody)."""
    return (facet_value(person.name) or None) if person is not None else None


def _matches(entry: dict, members: list, scope: str) -> bool:
    results = [r for r in (entry_match(m, entry, scope) for m in members) if r is not None]
    return bool(results) and all(results)


def in_one_entry(article, kind: str, members: list, scope: str) -> bool:
    """True when one quote (or comment) of `article` matches every member."""
    return any(_matches(e, members, scope) for e in article_entries(article, kind))


def entry_people(article, kind: str, members: list, scope: str) -> set[str]:
    """The people (facet values) of the quotes (comments) of `article` matching every
    member: whom an article is counted for in a facet counted per entry."""
    return {e[WHO] for e in article_entries(article, kind)
            if e[WHO] is not None and _matches(e, members, scope)}


def _positive_groups(tree, scope: str) -> dict[str, list[list]]:
    """Every entry group of the positive ANDs of `tree`, by kind."""
    out: dict[str, list[list]] = {}

    def walk(node) -> None:
        if isinstance(node, And):
            groups, _ = entry_groups(node.items, scope)
            for kind, members in groups.items():
                out.setdefault(kind, []).append(members)
        if isinstance(node, And | Or):
            for item in node.items:
                walk(item)

    if tree is not None:
        walk(tree)
    return out


def only_tied(article, marks: Highlights, tree, scope: str) -> Highlights:
    """`marks` without the spans of the quotes (comments) that are not the ones the query's
    person and words met in: the snippet shown is that person's own quote."""
    groups = _positive_groups(tree, scope)
    if not groups:
        return marks
    kept = {}
    for kind, spans in ((QUOTES, marks.quotes), (COMMENTS, marks.comments)):
        if kind not in groups or not any(spans) or len(spans) != len(
                article.quotes if kind == QUOTES else article.comments):
            kept[kind] = spans
            continue
        entries = article_entries(article, kind)
        kept[kind] = [s if s and any(_matches(e, m, scope) for m in groups[kind]) else []
                      for s, e in zip(spans, entries, strict=True)]
    return Highlights(marks.headline, marks.body, marks.captions, kept[QUOTES],
                      kept[COMMENTS])
