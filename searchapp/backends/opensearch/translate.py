"""Our parsed query tree as OpenSearch query DSL (user text never reaches `query_string`).

Words are analysed here by `searchapp.analysis` (the index holds those terms) and become
`term` queries; a phrase, or a word that analyses to several terms, an ordered `intervals`
query with `max_gaps` = its slop; `word*` a `prefix` query on the word and on its stem,
capped like the Whoosh backend's expansion (one cap per query, shared out:
matcher.Expansions); `word~N` a `fuzzy` query sharing the first
letter. Quotes and comments are nested: a clause on them is wrapped in a `nested` query.
The rules of what is left out (a stop word, a too-short prefix) are the Whoosh backend's,
with the same notices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from searchapp.backends.base import (
    ADDED_SORT,
    LOOSE_WEIGHT,
    PROXIMITY_SLOP,
    PROXIMITY_WEIGHT,
    Query,
    proximity_pairs,
)
from searchapp.backends.opensearch.mapping import (
    ADDED,
    CLUSTER,
    FACET_FIELDS,
    PUBLISHED,
    TARGETS,
    WHO,
)
from searchapp.fields import FIELD_PREFIXES, PART_BOOSTS, PARTS, SCOPES, SORTS
from searchapp.search.entries import KIND_OF_PERSON, entry_groups
from searchapp.search.matcher import (
    MIN_PREFIX_CHARS,
    Expansions,
    analyze,
    combined_term,
    prefixes,
)
from searchapp.search.parser import And, Exact, Not, Or, Phrase, Word

MATCH_NONE: dict[str, Any] = {"match_none": {}}
MATCH_ALL: dict[str, Any] = {"match_all": {}}


@dataclass
class Translation:
    query: dict[str, Any]  # the words (match_all without any)
    searched: bool  # False when there were no words: nothing to rank by
    notices: list[str] = field(default_factory=list)


class Translator:
    def __init__(self, scope: str, inside: str | None = None,
                 notices: list[str] | None = None, limits: Expansions | None = None):
        self.scope = scope
        self.limits = limits or Expansions()
        self.scope_fields = SCOPES[scope]
        self.inside = inside  # the nested path we are in (its clauses are not wrapped)
        self.notices: list[str] = [] if notices is None else notices

    def notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)

    def shared_notice(self) -> None:
        """The engine does not say whether it cut an expansion: the notice is given when
        several wildcard or fuzzy words share the cap below one word's own."""
        if self.limits.words > 1 and self.limits.prefix_shared:
            self.notice(self.limits.notice())

    def run(self, tree, loose: bool = False) -> Translation:
        if tree is None:
            return Translation(MATCH_ALL, False, self.notices)
        self.limits = Expansions.of(tree, self.scope)
        q = self.loose_and(tree) if loose and isinstance(tree, And) else self.node(tree)
        return Translation(MATCH_NONE if q is None else q, True, self.notices)

    def node(self, node) -> dict | None:
        if isinstance(node, Word):
            return self.word(node)
        if isinstance(node, Phrase):
            return self.phrase(node)
        if isinstance(node, Exact):
            return self.exact(node)
        if isinstance(node, Not):
            inner = self.node(node.item)
            return None if inner is None else {"bool": {"must_not": [inner]}}
        if isinstance(node, And) and self.inside is None:
            return self.and_node(node)
        if isinstance(node, And | Or):
            items = [q for q in (self.node(x) for x in node.items) if q is not None]
            if not items:
                return None
            if len(items) == 1:
                return items[0]
            if isinstance(node, And):
                return {"bool": {"must": items}}
            return {"bool": {"should": items, "minimum_should_match": 1}}
        return None

    def loose_and(self, node: And) -> dict | None:
        """Query.loose: any of the AND's words, LOOSE_WEIGHT more for each one an article
        has (a constant score beside the word's own, when it is not 0); excluded words
        and filters hold."""
        should, held = [], []
        for item in node.items:
            q = self.node(item)
            if q is None:
                continue
            if isinstance(item, Not | Exact):
                held.append(q)
            elif LOOSE_WEIGHT:
                should += [{"constant_score": {"filter": q, "boost": LOOSE_WEIGHT}}, q]
            else:
                should.append(q)
        if not should:
            return self.and_node(node)
        near = self.near(node)
        if near:
            # Scores only: an article must still match one of the words.
            return {"bool": {"must": [{"bool": {"should": should, "minimum_should_match": 1}}],
                             "should": near, "filter": held}}
        return {"bool": {"should": should, "minimum_should_match": 1, "filter": held}}

    def near(self, node: And) -> list[dict]:
        """PROXIMITY_WEIGHT of each neighbouring pair's score (base.proximity_pairs) where
        its two words are near each other, in order, in one part of the scope."""
        out = []
        for a, b in proximity_pairs(node.items):
            for target in self.scope_fields:
                ta, tb = analyze(target, a), analyze(target, b)
                if len(ta) == 1 and len(tb) == 1:
                    # The pair's own words' scores where they are near (a filter scores
                    # nothing), as the Whoosh backend's phrase scores: the same bonus.
                    q = {"bool": {"filter": [_terms(target, [ta[0], tb[0]], PROXIMITY_SLOP)],
                                  "should": [_terms(target, ta, 0), _terms(target, tb, 0)]}}
                    out.append(self.leaf(target, [q], boost=PROXIMITY_WEIGHT))
        return out

    def and_node(self, node: And) -> dict | None:
        """Items that must meet in one quote or comment (entries.entry_groups) go into one
        nested query together; the others each on their own."""
        groups, _ = entry_groups(node.items, self.scope)
        grouped = {id(m) for members in groups.values() for m in members}
        items = []
        for x in node.items:
            if id(x) in grouped:
                continue
            q = self.node(x)
            if q is not None:
                items.append(q)
        for kind, members in groups.items():
            inner = Translator(self.scope, inside=kind, notices=self.notices,
                               limits=self.limits)
            clauses = [q for q in (inner.node(m) for m in members) if q is not None]
            if clauses:
                items.append({"nested": {"path": kind, "score_mode": "max", "query": {
                    "bool": {"must": clauses}}}})
        if not items:
            return None
        return items[0] if len(items) == 1 else {"bool": {"must": items}}

    def exact(self, node: Exact) -> dict:
        """A person filter beside the words (entries.tie): in the quote (comment) the words
        match in when grouped with them, else on the article; it adds nothing to scores."""
        kind = KIND_OF_PERSON[node.name]
        if self.inside == kind:
            field = f"{kind}.{WHO}"
        else:
            field = FACET_FIELDS[node.name]
        return {"bool": {"filter": [{"terms": {field: list(node.values)}}]}}

    def targets(self, fieldname: str | None) -> tuple[str, ...]:
        return (FIELD_PREFIXES[fieldname],) if fieldname else self.scope_fields

    def word(self, node: Word) -> dict | None:
        clauses = []
        targets = self.targets(node.field)
        if not node.prefix and not node.fuzzy:
            together = self.together(targets, node.text)
            if together:
                clauses.append(together[1])
                targets = tuple(t for t in targets if t not in together[0])
        for target in targets:
            if node.prefix:
                starts = prefixes(target, node.text)
                if not starts:
                    self.notice(f"'{node.text}*' is too short for a prefix search; use at "
                                f"least {MIN_PREFIX_CHARS} letters")
                    continue
                clauses.append(self.leaf(target, [_prefix(target, p, self.limits.prefix)
                                                  for p in starts]))
                self.shared_notice()
                continue
            ts = analyze(target, node.text)
            if not ts:
                continue
            if node.fuzzy:
                clauses.append(self.leaf(target, [_fuzzy(target, ts[0], node.fuzzy,
                                                         self.limits.fuzzy)]))
                self.shared_notice()
            else:
                clauses.append(self.leaf(target, [_terms(target, ts, 0)]))
        if not clauses:
            if not node.prefix and not node.fuzzy:
                self.notice(f"'{node.text}' is too common or too short to search for; "
                            "it was left out")
            return None
        return _any(clauses)

    def together(self, targets: tuple[str, ...], text: str) -> tuple[tuple[str, ...], dict] | None:
        """(parts, query) for a word scored over the article's own parts as one
        (matcher.combined_term): one cross_fields query over them, which takes the term's
        largest df among them for each and the best part's score (tie_breaker 0), so a word
        in the headline and the body is counted once; the nearest OpenSearch has to the
        Whoosh backend's BM25F (it has no combined_fields). Else None."""
        found = combined_term(targets, text) if self.inside is None else None
        if found is None:
            return None
        parts, term = found
        return parts, {"multi_match": {
            "query": term, "type": "cross_fields", "tie_breaker": 0.0,
            "fields": [f"{_field(t)}^{PART_BOOSTS[t]}" for t in parts]}}

    def phrase(self, node: Phrase) -> dict | None:
        clauses = []
        for target in self.targets(node.field):
            ts = analyze(target, " ".join(node.words))
            if ts:
                clauses.append(self.leaf(target, [_terms(target, ts, node.slop)]))
        if not clauses:
            self.notice(f"\"{' '.join(node.words)}\" has only common words; it was left out")
            return None
        return _any(clauses)

    def leaf(self, target: str, queries: list[dict], boost: float = 1.0) -> dict:
        """The queries on one part or name (any of them), nested where it lives in entries."""
        path, _ = TARGETS[target]
        q = _any(queries)
        if target in PARTS:
            q = {"bool": {"must": [q], "boost": PART_BOOSTS[target] * boost}}
        if path is not None and path != self.inside:
            q = {"nested": {"path": path, "query": q, "score_mode": "max"}}
        return q


def _any(queries: list[dict]) -> dict:
    return queries[0] if len(queries) == 1 else {
        "bool": {"should": queries, "minimum_should_match": 1}}


def _field(target: str) -> str:
    return TARGETS[target][1]


def _terms(target: str, ts: list[str], slop: int) -> dict:
    if len(ts) == 1:
        return {"term": {_field(target): ts[0]}}
    return {"intervals": {_field(target): {"match": {
        "query": " ".join(ts), "max_gaps": slop, "ordered": True}}}}


def _prefix(target: str, start: str, most: int) -> dict:
    return {"prefix": {_field(target): {"value": start, "rewrite": f"top_terms_{most}"}}}


def _fuzzy(target: str, term: str, edits: int, most: int) -> dict:
    return {"fuzzy": {_field(target): {"value": term, "fuzziness": min(edits, 2),
                                       "prefix_length": 1, "transpositions": False,
                                       "max_expansions": most}}}


# -- filters and order -------------------------------------------------------------------------

UNDATED_FILTER = {"bool": {"must_not": [{"exists": {"field": PUBLISHED}}]}}


def date_filter(query: Query) -> dict | None:
    """The date range (Query.undated: with or without the undated articles, or only them)."""
    rng = query.dates
    if query.undated == "only":
        return UNDATED_FILTER
    if rng is None or (rng.start is None and rng.end is None):
        return None
    bounds: dict[str, str] = {}
    if rng.start:
        bounds["gte"] = f"{rng.start}T00:00:00"
    if rng.end:
        bounds["lte"] = f"{rng.end}T23:59:59.999"
    dated = {"range": {PUBLISHED: bounds}}
    if query.undated == "include":
        return {"bool": {"should": [dated, UNDATED_FILTER], "minimum_should_match": 1}}
    return dated


def added_filter(query: Query) -> dict | None:
    """Articles that entered the index after Query.added_after. `added` is not indexed
    (index: false): OpenSearch answers a range on its doc values, one document at a time,
    which is what a saved search's few checks can afford. An article stored before the
    field existed has none and counts as older than any time asked for."""
    if query.added_after is None:
        return None
    return {"range": {ADDED: {"gt": query.added_after}}}


def cluster_filter(query: Query) -> dict | None:
    """Only the articles of Query.cluster (one cluster of copies)."""
    return None if query.cluster is None else {"term": {CLUSTER: query.cluster}}


def facet_filter(name: str, values: tuple[str, ...]) -> dict:
    return {"terms": {FACET_FIELDS[name]: list(values)}}


def facet_filters(query: Query, leave_out: str | None = None) -> list[dict]:
    """The facets' selections and exclusions (those of `leave_out` left out)."""
    out = [facet_filter(name, values) for name, values in query.filters.items()
           if name != leave_out]
    out += [{"bool": {"must_not": [facet_filter(name, values)]}}
            for name, values in query.exclude.items() if name != leave_out and values]
    return out


def search_query(query: Query, words: dict, with_facets: bool = True) -> dict:
    """The words, the date range, the cluster and (unless left to a post_filter) the facet
    filters."""
    filters = [f for f in (date_filter(query), added_filter(query), cluster_filter(query))
               if f is not None]
    if with_facets:
        filters += facet_filters(query)
    if not filters:
        return words
    return {"bool": {"must": [words], "filter": filters}}


def sort_of(query: Query, searched: bool) -> list:
    """The order of the matches, ties in index order (`seq`)."""
    sort = query.sort if query.sort in SORTS else "relevance"
    if query.sort == ADDED_SORT:
        key: list = [{ADDED: {"order": "desc", "missing": "_last"}}]
    elif sort == "relevance" and searched:
        key = [{"_score": "desc"}]
    elif sort == "oldest":
        key = [{PUBLISHED: {"order": "asc", "missing": "_last"}}]
    elif sort == "comments":
        key = [{"ncomments": "desc"}]
    else:
        key = [{PUBLISHED: {"order": "desc", "missing": "_last"}}]
    return [*key, {"seq": "asc"}]
