"""The search backend interface: the one door between scrapesearch and an engine (DESIGN 2, 5).

Views, templates, the feed and the command line speak only to a `SearchBackend`; which
engine answers is configuration (`SCRAPESEARCH_BACKEND`). Everything that crosses this
door is engine-neutral: queries are our parsed query tree, results carry article ids and
Articles (never engine document numbers), highlights are character spans in the
Article's own text. `tests/contract/` runs the same tests against every backend.

Reading (the web app and `scrapesearch search`, any number of processes):

    search(request)        the whole result page of one search
    export(query)          every match, streamed in order, from one snapshot
    export_clustered(query) the same, each with its cluster id (copies of one story)
    (search's timeline: the matches per day, week, month or year, and the undated ones)
    article(id, query)     one article, the query's matches marked, its neighbours
    get(id)                one article by id
    added(ids)             when articles entered the index (the Atom feed's `updated`)
    newest_added()         when the last of them entered it (saved searches' marks)
    health()               documents and generation (for /healthz)
    stats()                what `scrapesearch stats` shows

Writing (the command line only, one writer at a time):

    prepare(article, hash) in the extraction worker processes: the engine's own form
    start_build()          a new, invisible index; `commit()` switches to it atomically
    start_update()         new, changed and vanished articles of the live index
"""

from __future__ import annotations

import datetime as dt
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from indexer.article import Article
from indexer.errors import ScrapesearchError
from searchapp.search.dates import DateRange
from searchapp.search.timeline import Timeline

Span = tuple[int, int]  # (start, end) character offsets in one part of an Article


class BackendError(ScrapesearchError):
    """The engine cannot be used as configured; the message is one sentence."""


class IndexUnavailable(BackendError):
    """No complete, readable index (a 503 for the web app, exit code 3 for the CLI)."""


class IndexBusy(BackendError):
    """Another reindex or update is writing the index."""


# What every backend says of an index in a layout this code does not read.
OLDER = "this index was built by an older scrapesearch; run `scrapesearch reindex`"
NEWER = ("this index was built by a newer scrapesearch; upgrade scrapesearch, or run "
         "`scrapesearch reindex` to rebuild it with this one")


def check_format_version(found: int | None, current: int) -> None:
    """IndexUnavailable with one sentence when an index's format is not `current`."""
    if found is None or found < current:
        raise IndexUnavailable(OLDER)
    if found > current:
        raise IndexUnavailable(NEWER)


# -- what to search --------------------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    """What matches, in which order: the engine-neutral form of a search.

    `tree` is `searchapp.search.parser`'s tree (None matches every article); `scope` names
    the parts a word without a field prefix searches (`searchapp.fields.SCOPES`); `dates`
    is one inclusive range of publication days, already merged from the query's `date:`
    and the `from`/`to` arguments; `filters` are facet values (values of one facet OR
    together, facets AND together); `exclude` are facet values left out (an article with
    any excluded value of a facet is not a match). `sort` is one of
    `searchapp.fields.SORTS`; relevance without words to rank by lists the newest first.
    Ties keep index order.

    `undated` (UNDATED): what a date range does with the articles that have no date.

    `loose`: the words of a top-level AND read loosely (a long query that found few
    articles with all of them, searchapp.search.service): an article with any of them
    matches, ranked by score (plus LOOSE_WEIGHT a word it has, and PROXIMITY_WEIGHT of a
    neighbouring pair's score where the two are near each other); excluded words and
    filters still hold.

    `cluster`: only the articles of this cluster of copies (a cluster id: see Found.cluster).

    `added_after`: only articles that entered the index (`added`) strictly after this time,
    in seconds since the epoch (saved searches: what is new since they were last seen).
    `sort` may also be ADDED_SORT: the articles that entered the index last first (not a
    choice of the search page; the saved searches' feeds and alerts use it).
    """

    tree: object | None = None
    scope: str = "all"
    dates: DateRange | None = None
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    exclude: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    loose: bool = False
    # Matches without a publication date: None, left out by a date range (and kept without
    # one); "include": kept by a date range too; "only": only they match (dates ignored).
    undated: str | None = None
    added_after: float | None = None
    cluster: str | None = None


# Query.sort: the articles that entered the index last first, ties in index order.
ADDED_SORT = "added"


# What each word of a loose query an article has adds to its score. Ranking by how many
# of the words an article has first (1000: above any BM25 sum) was measured worse than
# by score alone on the tune halves of bench/relevance.py (nDCG@10 TIME 0.469 / CISI
# 0.237 at 1000, 0.503 / 0.314 at 5, 0.583 / 0.339 at 0), so it adds nothing.
LOOSE_WEIGHT = 0.0

# Words typed next to each other and found near each other: in a loose reading, each pair
# of neighbouring plain words (the first PROXIMITY_PAIRS of them) found in that order with
# at most PROXIMITY_SLOP words between them, in one part, adds PROXIMITY_WEIGHT times the
# pair's own score there ("premier khrushchev" in "Premier Nikita Khrushchev"). Chosen on
# the tune half of bench/relevance.py from weights 0.1, 0.2, 0.3 and slops 2, 6: nDCG@10
# TIME 0.665 -> 0.690, CISI 0.439 -> 0.448 (at 0.2 CISI fell to 0.421). At most 16 pairs
# keep a 128-word question within OpenSearch's 1,024 clauses (160 more in five parts).
PROXIMITY_WEIGHT = 0.1
PROXIMITY_SLOP = 6
PROXIMITY_PAIRS = 16


def proximity_pairs(items) -> list[tuple[str, str]]:
    """The neighbouring pairs of plain words (no field, wildcard or fuzziness) among a loose
    AND's items, in typed order, the first PROXIMITY_PAIRS."""
    from searchapp.search.parser import Word

    def plain(x) -> bool:
        return isinstance(x, Word) and not x.field and not x.prefix and not x.fuzzy

    pairs = [(a.text, b.text) for a, b in zip(items, items[1:], strict=False)
             if plain(a) and plain(b)]
    return pairs[:PROXIMITY_PAIRS]


class Budget:
    """The time one search may take before it gives up its extras, and says which.

    Past the budget a backend leaves out what costs most and is least needed: the marked
    snippets of the hits not yet highlighted, the per-scope counts, the respellings; a
    backend that evaluates queries itself may also stop expanding wildcard and fuzzy words
    (Whoosh: evaluate.EXPANSION_SHARE). Whatever is left out is named in `notice()`.
    `seconds=None` is no limit; a zero budget is over from the start (what tests use: no
    timing); `clock` can be replaced.
    """

    def __init__(self, seconds: float | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self.started = clock()
        self.left_out: list[str] = []  # what was given up, in the notice's words

    def left(self) -> float | None:
        """Seconds left (0 when over), or None when there is no limit."""
        if self.seconds is None:
            return None
        return max(0.0, self.seconds - (self.clock() - self.started))

    def over(self, share: float = 1.0) -> bool:
        """True once `share` of the budget (all of it by default) is spent."""
        return (self.seconds is not None
                and self.clock() - self.started >= self.seconds * share)

    def leave_out(self, what: str) -> None:
        if what not in self.left_out:
            self.left_out.append(what)

    def notice(self) -> str | None:
        """What the page says when something was given up, else None."""
        if not self.left_out:
            return None
        return f"the search ran out of time; left out: {', '.join(self.left_out)}"


# FacetOptions.sort: by count (ties by value), or by name: case and accents aside
# (`searchapp.facetnames.folded`), then the value. The default is the facet's own order:
# by count, the year by year (fields.VALUE_ORDER).
FACET_SORTS = ("count", "name")


@dataclass(frozen=True)
class FacetOptions:
    """Which of a facet's values to list beyond the top ones: those whose name contains a
    text (case and accents aside), in another order, from further down the list."""

    contains: str = ""  # as typed, compared folded (facetnames.folded); "" lists all
    sort: str | None = None  # None (the facet's own order) or one of FACET_SORTS
    offset: int = 0  # values skipped, in that order (for paging)

    @property
    def by_name(self) -> bool:
        """True when ties (and the name order) go by name rather than by value: with
        `contains` or a name sort (the OpenSearch backend then reads its name keys)."""
        return bool(self.contains) or self.sort == "name"


NO_OPTIONS = FacetOptions()

UNDATED = ("include", "only")  # Query.undated besides None


@dataclass(frozen=True)
class SearchRequest:
    """One result page: the query, which slice of its matches, and what else to count."""

    query: Query
    start: int = 0  # matches skipped before the first hit
    size: int = 10  # hits wanted
    facets: tuple[str, ...] = ()  # facets to count (each over the matches filtered by
    # every *other* facet, so that a second value of a facet can be added)
    facet_sizes: Mapping[str, int] = field(default_factory=dict)  # values wanted per facet
    facet_options: Mapping[str, FacetOptions] = field(default_factory=dict)
    snippets: bool = True  # False: highlights of the headline only
    scope_counts: bool = False  # the total in every scope, with the same filters
    suggest: bool = True  # respell misspelt words when nothing matches
    # The matches over time (SearchPage.timeline): None for none, "auto" for buckets of the
    # interval searchapp.search.timeline.choose picks from the first and last dated match,
    # or one of timeline.INTERVALS.
    timeline: str | None = None
    # One hit per cluster of copies (Found.cluster): the best ranked of each, with the other
    # matches of its cluster in Found.copies; `start` and `size` count clusters then, and
    # SearchPage.stories says how many clusters the matches make. The total, the facet
    # counts and the timeline still count articles.
    collapse: bool = False
    # Past it the page keeps its matches and gives up snippets, scope counts, respellings
    # (and the engine's own search may stop early); what was given up goes in its notice.
    budget: Budget = field(default_factory=Budget)


# -- what comes back -------------------------------------------------------------------------

@dataclass(frozen=True)
class Highlights:
    """Where the query matched, as spans in each part of the Article (entries by position)."""

    headline: list[Span] = field(default_factory=list)
    body: list[Span] = field(default_factory=list)
    captions: list[list[Span]] = field(default_factory=list)
    quotes: list[list[Span]] = field(default_factory=list)
    comments: list[list[Span]] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Marked places in the whole article."""
        entries = (self.captions, self.quotes, self.comments)
        return len(self.headline) + len(self.body) + sum(len(s) for e in entries for s in e)


# Copies of a hit listed with it in a collapsed search (the rest are counted): the page
# names their sources in one line, and links to all of them.
COPIES_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Copy:
    """Another article of a hit's cluster, as the hit's "N copies" line names it."""

    id: str
    source: str  # its first source ("" when it has none)
    headline: str


@dataclass(frozen=True)
class Found:
    """One matching article as a backend returns it: the page cuts its snippets.

    `cluster` is its cluster of copies and light rewrites (indexer/dedup.py): the smallest
    article id of the cluster, its own id when it has no copy. In a collapsed search,
    `copies_total` counts the other matches of its cluster and `copies` lists the first
    COPIES_SHOWN of them in the query's order; both are empty otherwise.
    """

    article: Article
    score: float
    highlights: Highlights
    cluster: str = ""
    copies: tuple[Copy, ...] = ()
    copies_total: int = 0


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    count: int
    selected: bool
    excluded: bool = False  # the search leaves out articles with this value

    def to_dict(self) -> dict:
        return {"value": self.value, "count": self.count, "selected": self.selected,
                "excluded": self.excluded}


@dataclass(frozen=True, slots=True)
class Facet:
    """A facet's top values by count (by value for the year: the histogram), selected and
    excluded ones always listed, even at zero (on the first page of an unfiltered list).

    Counts are taken over the matches filtered by every *other* facet: its own selection
    and exclusions left out, so that an excluded value shows what putting it back adds.
    With FacetOptions, `values` are those after `offset` in the options' order, among the
    values containing `contains`; `total_values` counts those values.
    """

    name: str
    label: str
    values: list[FacetValue]
    total_values: int  # how many values (containing `contains`) have at least one match
    size: int  # how many were asked for
    offset: int = 0  # values skipped before the first listed

    @property
    def more(self) -> bool:
        """True when values with matches are left out of this list (after it)."""
        return self.total_values > self.offset + len([v for v in self.values if v.count])


@dataclass
class SearchPage:
    """What a backend answers for a SearchRequest."""

    total: int  # exact
    found: list[Found]
    facets: dict[str, Facet]
    generation: str
    scope_counts: dict[str, int] | None = None  # by scope name, when asked for
    # When nothing matched: misspelt words of the query -> the word as articles write it
    # (the page puts them in the query as typed: "Did you mean").
    respellings: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # how the engine read the words
    ranked: bool = True  # False when there were no words to rank by
    timeline: Timeline | None = None  # when the request asked for one
    stories: int | None = None  # clusters among the matches, when the request collapsed


@dataclass(frozen=True)
class ArticlePage:
    """One article with a query's matches marked, and where it sits among the matches."""

    article: Article
    highlights: Highlights
    matched: bool = False  # the article is one of the query's matches
    position: int | None = None  # 1-based rank among the matches, when matched
    total: int = 0  # the query's matches
    previous: str | None = None  # id of the match before it
    next: str | None = None  # id of the match after it
    notices: tuple[str, ...] = ()  # what the search gave up, out of time (see Budget)
    cluster: str = ""  # its cluster of copies (Found.cluster)
    copies: tuple[Copy, ...] = ()  # every other article of its cluster, by id


@dataclass(frozen=True)
class Health:
    documents: int
    generation: str


@dataclass(frozen=True, slots=True)
class Known:
    """What the index holds for an id, for `update` to compare against: its path, its
    content hash, and the digest of the input item it was read from (indexer/digest.py;
    "" when the index does not know it: the item is read again)."""

    path: str
    hash: str
    input: str = ""


# -- the interface ---------------------------------------------------------------------------

class StoredDuplicates(ABC):
    """What an index keeps of its articles' fingerprints and clusters (indexer/dedup.py),
    read by `update` to re-cluster only what its changes touch (searchapp/duplicates.py)."""

    @abstractmethod
    def sharing_bands(self, prints: Mapping[str, Any]) -> set[str]:
        """Ids of the articles sharing an LSH band (dedup.band_keys) with any of these
        fingerprints (id -> dedup.Fingerprint): the only ones that can be their copies."""

    @abstractmethod
    def clusters_of(self, ids: Iterable[str]) -> dict[str, str]:
        """id -> cluster id, for the ids the index holds (its own id when alone)."""

    @abstractmethod
    def members(self, clusters: Iterable[str]) -> dict[str, str]:
        """id -> cluster id of every article of these clusters."""

    @abstractmethod
    def prints(self, ids: Iterable[str]) -> dict[str, Any]:
        """id -> dedup.Fingerprint kept for these ids (left out: none kept)."""


class Build(ABC):
    """A new index being filled; searches keep the old one until `commit()` switches."""

    generation: str

    @abstractmethod
    def add(self, doc) -> bool:
        """Add a prepared article (`indexer.work.Extracted`); True when it replaced an
        earlier one with the same id (the later input wins)."""

    @abstractmethod
    def set_clusters(self, clusters: Mapping[str, str]) -> None:
        """Keep these cluster ids (article id -> cluster id, for the articles of clusters
        of two or more; every other article is its own cluster), found by
        `searchapp.duplicates` over the fingerprints of everything added (Extracted.
        fingerprint), which the engine keeps too, for later updates. Called once, after
        the last `add` and before `finish`."""

    @abstractmethod
    def finish(self) -> dict[str, Any]:
        """Write out everything added (searches still see the old index); return what the
        build report should say about the new index (its segments, say), and under
        "rejected" the articles the engine refused: [{"id": ..., "reason": ...}]."""

    @abstractmethod
    def commit(self, report: dict[str, Any]) -> None:
        """Make the finished index the live one in one atomic step, with its build report."""

    @abstractmethod
    def abort(self) -> None:
        """Throw the unfinished index away; the live one is untouched."""

    def __enter__(self) -> Build:
        return self

    def __exit__(self, kind, value, tb) -> None:
        self.abort()  # after a commit there is nothing left to abort


class Update(ABC):
    """Changes to the live index, by article id; `commit()` finishes them. The Whoosh
    backend makes them visible all at once, in `commit()` (issue 9)."""

    generation: str

    @abstractmethod
    def known(self) -> dict[str, Known]:
        """Path, content hash and input digest of every article in the index, by id."""

    @abstractmethod
    def put(self, doc) -> None:
        """Add a prepared article, or replace the one with its id."""

    @abstractmethod
    def remove(self, ids: Iterable[str]) -> None:
        """Remove the articles with these ids."""

    def relabel(self, article_id: str, input_digest: str) -> bool:
        """Record a new input digest for an article whose content did not change, without
        rewriting it; False when the engine cannot (then the caller `put`s it again)."""
        return False

    @abstractmethod
    def duplicates(self) -> StoredDuplicates:
        """The fingerprints and clusters of the index as it was before this update."""

    @abstractmethod
    def set_clusters(self, changes: Mapping[str, str]) -> None:
        """Article id -> its new cluster id, for the articles whose cluster the update
        changed (an article `put` is its own cluster until told otherwise). Called once,
        after the last `put` and `remove`, before `commit`."""

    @abstractmethod
    def commit(self, report: dict) -> None:
        """Finish the changes and keep the update's report."""

    @abstractmethod
    def abort(self) -> None:
        """Stop; changes not yet made visible are dropped."""

    def __enter__(self) -> Update:
        return self

    def __exit__(self, kind, value, tb) -> None:
        self.abort()


class SearchBackend(ABC):
    """An engine that stores Articles and answers searches in our query language."""

    name: ClassVar[str]
    # (Article, its content hash) -> the engine's own form of it, run in the extraction
    # worker processes: a module-level function, so that the pool can send it by name.
    prepare: ClassVar[Callable[[Article, str], Any]]

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the index lives, as messages name it (a directory, an alias on a cluster)."""

    @classmethod
    @abstractmethod
    def from_config(cls, config: Mapping[str, Any]) -> SearchBackend:
        """The backend set up from the settings of searchapp/config.py (INDEX_DIR, ...)."""

    # -- reading ---------------------------------------------------------------------------

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchPage:
        """The whole result page: the hits of one slice with their highlights, the exact
        total, facet counts (the year facet is the histogram over time), per-scope totals,
        and respellings of misspelt words when nothing matched."""

    @abstractmethod
    def export(self, query: Query, limit: int | None = None, budget: Budget | None = None
               ) -> Iterator[Article]:
        """Every match in the query's order (no cap unless `limit`), streamed from one
        snapshot of the index, so that a reindex half-way changes nothing. With a `budget`
        (the feed, not the exports: they are whole), matching may give up what the budget
        allows and say so in `budget.notice()`."""

    @abstractmethod
    def export_clustered(self, query: Query, limit: int | None = None,
                         budget: Budget | None = None) -> Iterator[tuple[Article, str]]:
        """`export`, each article with its cluster id (Found.cluster)."""

    @abstractmethod
    def article(self, article_id: str, query: Query | None = None,
                budget: Budget | None = None) -> ArticlePage | None:
        """The article with the query's matches marked; None when no article has that id.
        With a `budget`, matching may give up what the budget allows (as in `search`), and
        the page's `notices` say what."""

    @abstractmethod
    def get(self, article_id: str) -> Article | None:
        """The Article stored under `article_id`, or None."""

    @abstractmethod
    def document_frequencies(self, terms: Iterable[str]) -> tuple[int, dict[str, int]]:
        """(live articles, {term: live articles having it in their own text}): for terms as
        the parts index them (analysis.terms, stemmed), counted over the headline, body
        and captions together (fields.COMBINED_PARTS); a term no article has counts 0.
        What "more like this" weighs an article's words by."""

    @abstractmethod
    def added(self, ids: Iterable[str]) -> dict[str, dt.datetime]:
        """When each of these articles first entered the index (UTC), by id; ids the index
        does not hold are left out. The time is kept when `update` replaces an article and
        across full rebuilds; an index built before times were kept answers with the time
        its generation was built."""

    @abstractmethod
    def newest_added(self) -> float | None:
        """When the last article to enter the index entered it (seconds since the epoch),
        None for an empty index. Every article a later `reindex` or `update` adds has a
        later time (it is the time that run started), so `Query(added_after=...)` of this
        value finds what entered after the moment it was read, however long the run."""

    @abstractmethod
    def health(self) -> Health:
        """Documents and generation of the live index; IndexUnavailable when there is none."""

    @abstractmethod
    def stats(self) -> dict[str, Any]:
        """What `scrapesearch stats` shows: documents, generation, size, the last report."""

    # -- writing (the command line only) ---------------------------------------------------

    @abstractmethod
    def start_build(self, lock_timeout: float = 0.0) -> Build:
        """Start a full rebuild; IndexBusy when another build or update runs past
        `lock_timeout` seconds."""

    @abstractmethod
    def start_update(self, lock_timeout: float = 0.0) -> Update:
        """Start an incremental update of the live index; IndexUnavailable when there is
        none, IndexBusy as for `start_build`."""

    def close(self) -> None:  # noqa: B027 - most engines hold nothing to let go of
        """Let go of what this thread holds open (an open index, a connection)."""
