"""What a query should match, worked out the slow way from the Article records themselves.

The contract suite checks every backend against this model of the query language (DESIGN
3.3): words are compared by their analysed terms (stems, accent folding, stop words, as
`searchapp.analysis.terms()` defines them), phrases by term positions within one entry of
a part (a phrase never spans two quotes; `~N` allows N other words in all), prefixes (and
their stems) and fuzzy words by the terms the matching documents contain. It reads no
index, so an engine cannot agree with it by sharing a bug with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as default

from indexer.article import Article
from searchapp.analysis import fold, terms
from searchapp.fields import (
    BODY,
    CAPTIONS,
    COMMENTER,
    COMMENTS,
    FIELD_PREFIXES,
    HEADLINE,
    NAMES,
    PARTS,
    QUOTES,
    SCOPES,
    SPEAKER,
    facet_value,
    facet_values,
    name_values,
    published_datetime,
)
from searchapp.search.dates import DateRange, intersect
from searchapp.search.entries import entry_groups
from searchapp.search.parser import And, Not, Phrase, Word, parse

MIN_PREFIX_CHARS = 2


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@dataclass
class Doc:
    """One article as the model sees it: per field, per entry, its (term, position) list."""

    id: str
    fields: dict[str, list[list[tuple[str, int]]]]
    published: dt.datetime | None
    facets: dict[str, list[str]]
    # Each quote (comment) alone, with its speaker (author): for words that must meet in one.
    entries: dict[str, list[Doc]] = default(default_factory=dict)

    @classmethod
    def of(cls, a: Article) -> Doc:
        entries = {HEADLINE: [a.headline], BODY: [a.body], CAPTIONS: list(a.captions),
                   QUOTES: [q.text for q in a.quotes], COMMENTS: [c.text for c in a.comments]}
        fields = {part: [[(t, p) for t, p, _, _ in terms(e)] for e in texts]
                  for part, texts in entries.items()}
        names = name_values(a)
        for name in NAMES:
            fields[name] = [[(t, p) for t, p, _, _ in terms(v, stemming=False, stops=False)]
                            for v in names[name]]
        doc = cls(a.id, fields, published_datetime(a.published), facet_values(a))
        for kind, person, items in ((QUOTES, SPEAKER, [(q.text, q.speaker) for q in a.quotes]),
                                    (COMMENTS, COMMENTER, [(c.text, c.author)
                                                           for c in a.comments])):
            doc.entries[kind] = [cls(a.id, {
                kind: [[(t, p) for t, p, _, _ in terms(text)]],
                person: [[(t, p) for t, p, _, _ in terms(facet_value(who), stemming=False,
                                                         stops=False)]]}, None, {})
                for text, who in items]
        return doc

    def vocabulary(self, field: str) -> set[str]:
        return {t for entry in self.fields.get(field, ()) for t, _ in entry}

    def has_phrase(self, field: str, seq: list[str], slop: int) -> bool:
        for entry in self.fields.get(field, ()):
            where: dict[str, list[int]] = {}
            for t, p in entry:
                where.setdefault(t, []).append(p)
            # Least words skipped so far to reach each position of the current word.
            cost = dict.fromkeys(where.get(seq[0], ()), 0)
            for t in seq[1:]:
                cost = {p: min(c + p - r - 1 for r, c in cost.items() if r < p)
                        for p in where.get(t, ()) if any(r < p for r in cost)}
                cost = {p: c for p, c in cost.items() if c <= slop}
                if not cost:
                    break
            if cost:
                return True
        return False


def _analyze(field: str, text: str) -> list[str]:
    stem = field in PARTS
    return [t for t, _, _, _ in terms(text, stemming=stem, stops=stem)]


class Model:
    """The matches of queries over a set of Article records (the last of an id wins)."""

    def __init__(self, records: list[Article]):
        by_id = {a.id: a for a in records}
        self.docs = [Doc.of(a) for a in by_id.values()]

    def ids(self, q: str = "", scope: str = "all", date_from: str | None = None,
            date_to: str | None = None, filters: dict[str, list[str]] | None = None) -> set[str]:
        parsed = parse(q)
        dates = parsed.dates
        if date_from or date_to:
            dates = intersect(dates, DateRange(date_from, date_to))
        out = set()
        for doc in self.docs:
            if parsed.tree is not None and self._match(doc, parsed.tree, scope) is not True:
                continue
            if not self._in_range(doc, dates):
                continue
            if any(not set(doc.facets[name]) & set(values)
                   for name, values in (filters or {}).items()):
                continue
            out.add(doc.id)
        return out

    @staticmethod
    def _in_range(doc: Doc, dates: DateRange | None) -> bool:
        if dates is None or (dates.start is None and dates.end is None):
            return True
        if doc.published is None:
            return False
        day = doc.published.date().isoformat()
        return (dates.start is None or day >= dates.start) and (
            dates.end is None or day <= dates.end)

    def _match(self, doc: Doc, node, scope: str) -> bool | None:
        """True or False; None when the node has nothing searchable (left out of an AND)."""
        if isinstance(node, Word | Phrase):
            return self._leaf(doc, node, scope)
        if isinstance(node, Not):
            inner = self._match(doc, node.item, scope)
            return None if inner is None else not inner
        results = [self._match(doc, x, scope) for x in node.items]
        results = [r for r in results if r is not None]
        if not results:
            return None
        if isinstance(node, And) and all(results):
            # The grouping rule is searchapp.search.matcher's; matching in an entry is ours.
            groups, _ = entry_groups(node.items, scope)
            return all(self._in_one(doc.entries.get(kind, []), members, scope)
                       for kind, members in groups.items())
        return all(results) if isinstance(node, And) else any(results)

    def _in_one(self, entries: list[Doc], members: list, scope: str) -> bool:
        for entry in entries:
            results = [r for r in (self._match(entry, m, scope) for m in members)
                       if r is not None]
            if results and all(results):
                return True
        return False

    def _leaf(self, doc: Doc, node, scope: str) -> bool | None:
        fields = (FIELD_PREFIXES_TARGETS[node.field],) if node.field else SCOPES[scope]
        found = None
        for field in fields:
            hit = self._in_field(doc, node, field)
            if hit is not None:
                found = bool(found) or hit
        return found

    def _in_field(self, doc: Doc, node, field: str) -> bool | None:
        if isinstance(node, Word) and node.prefix:
            word = fold(node.text.lower())
            if len(word) < MIN_PREFIX_CHARS:
                return None
            expanded = self._expand(field, word)
            if field in PARTS:  # and the words that start with its stem
                stemmed = _analyze(field, word)
                if stemmed and stemmed[0] != word:
                    expanded |= self._expand(field, stemmed[0])
            return bool(doc.vocabulary(field) & expanded)
        if isinstance(node, Word) and node.fuzzy:
            ts = _analyze(field, node.text)
            if not ts:
                return None
            near = {t for t in self._all_terms(field)
                    if t[:1] == ts[0][:1] and _levenshtein(t, ts[0]) <= node.fuzzy}
            return bool(doc.vocabulary(field) & near)
        text = node.text if isinstance(node, Word) else " ".join(node.words)
        ts = _analyze(field, text)
        if not ts:
            return None
        if len(ts) == 1:
            return ts[0] in doc.vocabulary(field)
        return doc.has_phrase(field, ts, node.slop if isinstance(node, Phrase) else 0)

    def _all_terms(self, field: str) -> set[str]:
        return {t for doc in self.docs for t in doc.vocabulary(field)}

    def _expand(self, field: str, prefix: str) -> set[str]:
        return {t for t in self._all_terms(field) if t.startswith(prefix)}


# A field prefix's target is a part or a name; each is one field of the model.
FIELD_PREFIXES_TARGETS = {target: target for target in set(FIELD_PREFIXES.values())}
