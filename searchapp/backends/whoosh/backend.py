"""The Whoosh backend: the embedded default, one index directory, no server to run.

Reading goes through the per-thread Snapshot of the live generation (snapshot.py) and our
own evaluator over its arrays (evaluate.py, arrays.py); writing goes through building.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from indexer.article import Article
from searchapp.backends.base import (
    NO_OPTIONS,
    ArticlePage,
    Budget,
    Copy,
    Facet,
    Found,
    Health,
    Highlights,
    IndexUnavailable,
    Query,
    SearchBackend,
    SearchPage,
    SearchRequest,
)
from searchapp.backends.whoosh import added, building, collapse, documents, generations
from searchapp.backends.whoosh import facets as facet_ops
from searchapp.backends.whoosh.evaluate import Evaluator, Match
from searchapp.backends.whoosh.highlights import OutOfTime, highlights_of, occurrences
from searchapp.backends.whoosh.mapped import release_pages
from searchapp.backends.whoosh.matching import filter_query, order
from searchapp.backends.whoosh.snapshot import (
    Snapshot,
    SnapshotHolder,
    check_format,
    open_generation,
)
from searchapp.backends.whoosh.suggest import respell
from searchapp.backends.whoosh.timeline import timeline
from searchapp.fields import COMBINED_PARTS, FACET_LABELS, HEADLINE, PARTS, SCOPES
from searchapp.search.entries import KIND_OF_PERSON, entry_facet, untie

DEFAULT_FACET_SIZE = 10


# Share of a search's time budget kept for the page once the per-scope counts are done
# (rendering it takes ~0.15 s for a page of many marked hits): a count that would eat into it
# is given up.
PAGE_SHARE = 0.3
# Matches whose quotes (comments) a person facet counted per entry reads at most: each is
# read from the stored fields and its matching entries analysed again, about 0.1 ms an
# article (0.4 s for the 3,815 of `comment:government` on the 20,000-article benchmark);
# past it the facet counts articles, and the page says so. OpenSearch has no such limit.
ENTRY_COUNT_MAX = 1500
# Share of the budget past which the marking of the hits is given up (they show their lead
# and the notice says so): the rest is for writing the page.
MARKS_SHARE = 0.8


class WhooshBackend(SearchBackend):
    """The index in `index_dir`: generations of a Whoosh index and a `current` symlink."""

    name = "whoosh"
    prepare = staticmethod(documents.prepare)

    def __init__(self, index_dir: str):
        self.index_dir = os.path.abspath(index_dir)
        self._snapshots = SnapshotHolder(self.index_dir)

    @property
    def location(self) -> str:
        return self.index_dir

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> WhooshBackend:
        return cls(config["INDEX_DIR"])

    def snapshot(self) -> Snapshot:
        """The live generation, opened for this thread (reopened when it changed)."""
        return self._snapshots.get()

    # -- reading -----------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchPage:
        snap = self.snapshot()
        data = snap.data
        query = request.query
        budget = request.budget
        began = budget.clock()
        memo: dict = {}  # each field's result of each word, for the counts per scope
        f = filter_query(data, query, budget, memo=memo)
        took = budget.clock() - began  # what evaluating the query once costs
        total = int(np.count_nonzero(f.final))
        notes: list[str] = []  # what the facets say of how they were counted
        facets = {name: self._facet(data, f, request, name, memo, notes)
                  for name in request.facets}
        want = request.start + request.size
        stories = None
        if request.collapse:
            stories, docs = collapse.page(f.match, data, f.final, query.sort, request.start,
                                          request.size)
        else:
            docs = order(f.match, data, f.final, query.sort, want)[request.start:]
        found = self._found(snap, f.match, [int(d) for d in docs], request.snippets,
                            budget)
        if request.collapse:
            found = [self._with_copies(snap, hit, f, query.sort, int(d))
                     for hit, d in zip(found, docs, strict=True)]
        counts = None
        if request.scope_counts and f.match.searched:
            # Each count combines again, for its scope's fields, what the page's own
            # evaluation read (the memo); a scope searching fields the page did not read
            # reads those, at a cost that grows with the fields: given up when that would
            # not fit in what is left of the budget (a query of many wildcards costs ~0.3 s
            # a time), or when the query itself was cut short.
            allowed = f.filters_only(data.n)
            counts = {}
            per_field = took / max(1, len(SCOPES[query.scope]))
            for scope in SCOPES:
                left = budget.left()
                if scope != query.scope and (f.match.cut or (
                        left is not None and left - per_field * len(SCOPES[scope])
                        <= budget.seconds * PAGE_SHARE)):
                    budget.leave_out("the counts per scope")
                    counts = None
                    break
                if scope == query.scope:
                    counts[scope] = total
                    continue
                # A count past the page's share of the budget is given up whole: its
                # scope's parts may expand words the page's own query did not read.
                match = Evaluator(data, scope, budget, share=1 - PAGE_SHARE,
                                  main=False, memo=memo, loose=query.loose).run(query.tree)
                if match.cut:
                    budget.leave_out("the counts per scope")
                    counts = None
                    break
                counts[scope] = int(np.count_nonzero(match.mask & allowed))
        respellings = {}
        if total == 0 and request.suggest:
            if budget.over():
                budget.leave_out("the spelling suggestions")
            else:
                respellings = respell(data, query.tree)
        notices = list(f.match.notices) + notes
        if budget.notice():
            notices.append(budget.notice())
        times = None
        if request.timeline:
            times = timeline(data, f.final, f.undated_base(), request.timeline)
        return SearchPage(total, found, facets, snap.generation, counts, respellings,
                          notices, ranked=f.match.searched, timeline=times, stories=stories)

    @staticmethod
    def _with_copies(snap: Snapshot, hit: Found, f, sort: str, docnum: int) -> Found:
        shown, total = collapse.copies(f.match, snap.data, f.final, sort, docnum)
        return dataclasses.replace(hit, copies=tuple(
            _copy(snap.searcher.stored_fields(int(d))) for d in shown), copies_total=total)

    def _facet(self, data, f, request: SearchRequest, name: str, memo: dict,
               notes: list[str]) -> Facet:
        """One facet's values over the matches filtered by every other facet; the speaker
        and commenter facets per quote (comment) when the words are tied to one
        (entries.entry_facet), or per article, with a note, when that would read more than
        ENTRY_COUNT_MAX articles or runs out of time."""
        query, budget = request.query, request.budget
        size = request.facet_sizes.get(name, DEFAULT_FACET_SIZE)
        selected, excluded = query.filters.get(name, ()), query.exclude.get(name, ())
        options = request.facet_options.get(name, NO_OPTIONS)
        mask = f.without(name)
        rest = untie(query.tree, name)
        if rest is not query.tree:  # its own selection is in the tree too: leave it out
            match = Evaluator(data, query.scope, budget, share=1 - PAGE_SHARE, main=False,
                              memo=memo, loose=query.loose).run(rest)
            mask = match.mask & f.filters_only(data.n, leave_out=name)
        counts = None
        tied = entry_facet(query.tree, query.scope, name)
        kind = KIND_OF_PERSON.get(name, "")[:-1]
        if tied is not None and (many := int(np.count_nonzero(mask))) > ENTRY_COUNT_MAX:
            notes.append(f"the {FACET_LABELS[name].lower()} counts are of articles, not of "
                         f"{kind}s: {many:,} matches are too many to read each {kind}")
        elif tied is not None:
            counts = facet_ops.count_entries(data, name, mask, KIND_OF_PERSON[name], tied[1],
                                             query.scope, budget, share=1 - PAGE_SHARE)
            if counts is None:
                budget.leave_out(f"the {FACET_LABELS[name].lower()} counts per {kind} "
                                 "(counted per article)")
        return facet_ops.count(data, name, mask, size, selected, excluded, options,
                               counts=counts)

    def _found(self, snap: Snapshot, match: Match, docnums: list[int], full: bool,
               budget: Budget | None = None) -> list[Found]:
        """The hits, marked unless the budget is spent (then none are: the notice says).
        The marking itself is given up past MARKS_SHARE of the budget."""
        spans = None
        if not (budget is not None and docnums and match.marks and budget.over()):
            late = None if budget is None else (lambda: budget.over(MARKS_SHARE))
            try:
                spans = self._spans(snap, match, docnums, PARTS if full else (HEADLINE,),
                                    late)
            except OutOfTime:
                pass
        if spans is None:
            budget.leave_out(f"the marked snippets of {len(docnums)} results")
            return [_found(snap, d, match, snap.searcher.stored_fields(d), Highlights())
                    for d in docnums]
        out = []
        for d in docnums:
            stored = snap.searcher.stored_fields(d)
            marks = highlights_of(stored, {f: s.get(d, []) for f, s in spans.items()})
            out.append(_found(snap, d, match, stored, marks))
        return out

    @staticmethod
    def _spans(snap: Snapshot, match: Match, docnums: list[int], fields, out_of_time=None
               ) -> dict[str, dict[int, list]]:
        reader = snap.searcher.reader()
        return {name: occurrences(reader, name, marks, docnums, snap.data, out_of_time)
                for name, marks in match.marks.items() if name in fields}

    def export(self, query: Query, limit: int | None = None, budget: Budget | None = None
               ) -> Iterator[Article]:
        snap = self.snapshot()  # taken now: the whole export reads this one generation
        f = filter_query(snap.data, query, budget)
        docs = order(f.match, snap.data, f.final, query.sort)
        if limit is not None:
            docs = docs[:limit]
        return _exported(snap, docs)

    def export_clustered(self, query: Query, limit: int | None = None,
                         budget: Budget | None = None) -> Iterator[tuple[Article, str]]:
        snap = self.snapshot()
        f = filter_query(snap.data, query, budget)
        docs = order(f.match, snap.data, f.final, query.sort)
        if limit is not None:
            docs = docs[:limit]
        # Not a generator itself: no index is an error now, not once the stream has begun.
        return ((article, snap.data.cluster_of(int(d), article.id))
                for d, article in zip(docs, _exported(snap, docs), strict=True))

    def article(self, article_id: str, query: Query | None = None,
                budget: Budget | None = None) -> ArticlePage | None:
        snap = self.snapshot()
        docnum = snap.searcher.document_number(id=article_id)
        if docnum is None:
            return None
        stored = snap.searcher.stored_fields(docnum)
        article = documents.to_article(stored)
        cluster = snap.data.cluster_of(docnum, article.id)
        others = [int(d) for d in snap.data.cluster_docs(cluster) if d != docnum]
        mine = {"cluster": cluster, "copies": tuple(sorted(
            (_copy(snap.searcher.stored_fields(d)) for d in others), key=lambda c: c.id))}
        if query is None:
            return ArticlePage(article, Highlights(), **mine)
        f = filter_query(snap.data, query, budget)
        notices = (budget.notice(),) if budget is not None and budget.notice() else ()
        marks = Highlights()
        if f.match.searched and f.match.mask[docnum]:
            spans = self._spans(snap, f.match, [docnum], PARTS)
            marks = highlights_of(stored, {name: s.get(docnum, []) for name, s in spans.items()})
        if not f.final[docnum]:
            return ArticlePage(article, marks, total=int(np.count_nonzero(f.final)),
                               notices=notices, **mine)
        docs = order(f.match, snap.data, f.final, query.sort)
        at = int(np.flatnonzero(docs == docnum)[0])

        def id_at(i: int) -> str | None:
            return snap.searcher.stored_fields(int(docs[i]))["id"] if 0 <= i < len(docs) \
                else None

        return ArticlePage(article, marks, matched=True, position=at + 1, total=len(docs),
                           notices=notices, previous=id_at(at - 1), next=id_at(at + 1),
                           **mine)

    def get(self, article_id: str) -> Article | None:
        snap = self.snapshot()
        docnum = snap.searcher.document_number(id=article_id)
        if docnum is None:
            return None
        return documents.to_article(snap.searcher.stored_fields(docnum))

    def document_frequencies(self, terms: Iterable[str]) -> tuple[int, dict[str, int]]:
        data = self.snapshot().data
        out = {}
        for term in terms:
            has = np.zeros(data.n, bool)
            for f in COMBINED_PARTS:
                if f in data.schema:
                    has[data.postings(f, term).ids] = True
            out[term] = int(np.count_nonzero(has & data.live))
        return data.doc_count, out

    def added(self, ids: Iterable[str]) -> dict[str, dt.datetime]:
        snap = self.snapshot()
        return {i: added.as_datetime(t)
                for i, t in added.times_of(snap.searcher, snap.path, ids).items()}

    def newest_added(self) -> float | None:
        data = self.snapshot().data
        times = data.added_times()[data.live]
        return float(times.max()) if len(times) else None

    def health(self) -> Health:
        snap = self.snapshot()
        return Health(snap.data.doc_count, snap.generation)

    def stats(self) -> dict[str, Any]:
        gen = generations.current_path(self.index_dir)
        if gen is None:
            raise IndexUnavailable(f"there is no index in {self.index_dir} yet; build one "
                                   "with `scrapesearch reindex SOURCE...`")
        check_format(generations.read_report(gen) or {})
        with open_generation(gen).reader() as r:
            documents_count = r.doc_count()
            segments = len(list(r.leaf_readers()))
        size = sum(os.path.getsize(os.path.join(gen, n)) for n in os.listdir(gen)
                   if os.path.isfile(os.path.join(gen, n)))
        return {
            "backend": self.name,
            "index_dir": self.index_dir,
            "generation": os.path.basename(gen),
            "documents": documents_count,
            "segments": segments,
            "size_bytes": size,
            "report": generations.read_report(gen) or {},
        }

    # -- writing -----------------------------------------------------------------------------

    def start_build(self, lock_timeout: float = 0.0) -> building.WhooshBuild:
        return building.WhooshBuild(self.index_dir, lock_timeout)

    def start_update(self, lock_timeout: float = 0.0) -> building.WhooshUpdate:
        return building.WhooshUpdate(self.index_dir, lock_timeout)

    def close(self) -> None:
        self._snapshots.close()


# Articles an export reads between two releases of the pages it mapped (~3 kB of stored
# fields each: about 60 MB held at most). Every 2,000 cost ~15% of the export's speed in
# faults mapping the same pages again; every 20,000 was within the noise.
RELEASE_EVERY = 20000


def _found(snap: Snapshot, docnum: int, match: Match, stored: dict, marks: Highlights
           ) -> Found:
    article = documents.to_article(stored)
    return Found(article, float(match.scores[docnum]), marks,
                 cluster=snap.data.cluster_of(docnum, article.id))


def _copy(stored: dict) -> Copy:
    """A copy as a hit's "N copies" line names it, from its stored fields."""
    article = documents.to_article(stored)
    return Copy(article.id, article.source or "", article.headline)


def _exported(snap: Snapshot, docs) -> Iterator[Article]:
    """The articles of `docs`, read from the snapshot's mapped segments. An export reads the
    stored fields of the whole collection: without a release, every page of them stays
    mapped in the worker that served it (578 MB of its private memory after exporting
    200,000 articles). The pages stay in the page cache; the next read maps them again."""
    leaves = [r for r, _ in snap.searcher.reader().leaf_readers()]
    try:
        for i, d in enumerate(docs):
            if i and i % RELEASE_EVERY == 0:
                release_pages(leaves)
            yield documents.to_article(snap.searcher.stored_fields(int(d)))
    finally:
        release_pages(leaves)
