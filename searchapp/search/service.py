"""run_search() and its siblings: search arguments -> a Query -> the backend -> a page's content.

Every view (HTML, JSON, export, feed, article page) and `scrapesearch search` call these;
none of them, and nothing here, knows which engine answers (DESIGN 5). The query language
is read here, once, so every backend gets the same tree; what the page says about the
query (how it was read, the OR version, the respelt query) is written here too.
"""

from __future__ import annotations

import html
import math
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from markupsafe import Markup

from indexer.article import Article
from searchapp import people
from searchapp.backends.base import (
    BackendError,
    Budget,
    Copy,
    Facet,
    FacetOptions,
    Found,
    Query,
    SearchBackend,
    SearchRequest,
)
from searchapp.fields import BODY, COMMENTER, SCOPES, YEAR
from searchapp.search import highlight
from searchapp.search.article import ArticleView, article_view
from searchapp.search.dates import DateRange, intersect
from searchapp.search.params import DEFAULT_FACET_SIZE, SearchParams
from searchapp.search.parser import And, Exact, Not, Or, Parsed, Phrase, Word, parse, read_as
from searchapp.search.timeline import Timeline


@dataclass
class QueryInfo:
    text: str
    read_as: str
    notices: list[str]
    or_version: str | None = None  # offered when an AND query found nothing
    # The long query was read loosely (Query.loose): its words, and how many articles
    # have all of them (None: not counted, the loose reading was asked for).
    loose_words: int = 0
    strict_total: int | None = None
    # A short query (LONG_QUERY_WORDS) whose words all together find 1 to LOOSE_BELOW - 1
    # articles is read strictly, as typed; the page offers its loose reading (match=any).
    broader: bool = False

    @property
    def broader_line(self) -> str | None:
        if not self.broader:
            return None
        return "Few articles have all the words."

    @property
    def loose_line(self) -> str | None:
        """The one line that says the query was read loosely."""
        if not self.loose_words:
            return None
        n = self.loose_words
        if self.strict_total is None:
            return f"Articles with any of the {n} words, the best matches first."
        if self.strict_total == 0:
            return f"No article has all {n} words: these have some of them, the best first."
        has = "article has" if self.strict_total == 1 else "articles have"
        return (f"Only {self.strict_total:,} {has} all {n} words: articles with any of them "
                "are listed too, the best matches first.")


@dataclass
class Hit:
    id: str
    headline_text: str
    url: str | None
    source: str | None
    published: str | None
    score: float
    ncomments: int
    snippets: highlight.Snippets
    cluster: str = ""  # its story's cluster of copies (Found.cluster)
    copies: tuple[Copy, ...] = ()  # in a collapsed page: the first of its other matches
    copies_total: int = 0  # ... and how many there are

    @classmethod
    def of(cls, found: Found, full: bool) -> Hit:
        a = found.article
        return cls(a.id, a.headline, a.url, a.source, a.published, found.score,
                   len(a.comments), highlight.snippets(a, found.highlights, full),
                   found.cluster or a.id, found.copies, found.copies_total)

    @property
    def copies_line(self) -> str:
        """"3 copies: Reuters, AP …": how many other matches its story has, and their
        sources (those of the copies listed; "…" when there are more)."""
        n = self.copies_total
        if not n:
            return ""
        line = f"{n:,} {'copy' if n == 1 else 'copies'}"
        sources = list(dict.fromkeys(c.source for c in self.copies if c.source))
        if sources:
            line += ": " + ", ".join(sources) + (" …" if n > len(self.copies) else "")
        return line

    @property
    def headline(self) -> Markup:
        return self.snippets.headline

    def plain_snippets(self) -> list[str]:
        """Snippets as plain text (for the terminal)."""
        def plain(m):
            return " ".join(html.unescape(re.sub(r"</?mark>", "", str(m))).split())

        out = [plain(s) for s in self.snippets.body]
        out += [f"{plain(t)} — {s or 'unattributed'}" for t, s in self.snippets.quotes]
        out += [f"[{a or 'anonymous'}] {plain(t)}" for t, a, _ in self.snippets.comments]
        return out

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "headline": self.headline_text,
            "url": self.url,
            "source": self.source,
            "published": self.published,
            "score": round(self.score, 4),
            "comments": self.ncomments,
            "snippets": self.snippets.to_dict(),
            "cluster": self.cluster,
            "copies_total": self.copies_total,
            "copies": [{"id": c.id, "source": c.source or None, "headline": c.headline}
                       for c in self.copies],
        }


@dataclass
class SearchResponse:
    params: SearchParams
    query: QueryInfo
    total: int
    took_ms: float
    generation: str
    results: list[Hit] = field(default_factory=list)
    facets: dict[str, Facet] = field(default_factory=dict)
    scope_counts: dict[str, int] | None = None
    suggestion: str | None = None
    ranked: bool = True  # False when there were no words to rank by (newest come first)
    timeline: Timeline | None = None  # the matches over time, when the facets include year
    stories: int | None = None  # the clusters of copies the matches make, when collapsed

    @property
    def listed(self) -> int:
        """What the pages list: the stories when collapsed, else the matches."""
        return self.total if self.stories is None else self.stories

    @property
    def page(self) -> int:
        return self.params.page

    @property
    def per_page(self) -> int:
        return self.params.per_page

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.listed / self.per_page))

    def to_dict(self) -> dict:
        return {
            "query": self.query.text,
            "read_as": self.query.read_as,
            "notices": self.query.notices,
            "scope": self.params.scope,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "took_ms": round(self.took_ms, 2),
            "generation": self.generation,
            "results": [h.to_dict() for h in self.results],
            "facets": {name: [v.to_dict() for v in f.values] for name, f in self.facets.items()},
            "scope_counts": self.scope_counts,
            "suggestion": self.suggestion,
            "or_query": self.query.or_version,
            "match": "any" if self.query.loose_words else "all",
            "strict_total": self.query.strict_total,
            "broader": self.query.broader,
            "undated": self.params.undated,
            "timeline": self.timeline.to_dict() if self.timeline else None,
            "copies": "collapse" if self.stories is not None else "all",
            "stories": self.stories,
            "cluster": self.params.cluster,
            "facet_counts": "articles",  # copies count: see `stories` for the stories
        }


# Fuzzy words (word~) searched for similar words in one query; later ones are read as
# typed. Finding the candidates reads a field's whole lexicon: each word~2 cost about
# 0.25 s of CPU on the 20,000-article collection, and no expansion cap bounds that.
MAX_FUZZY_WORDS = 4


def _fewer_fuzzy(tree, seen: list[int]):
    """`tree` with every fuzzy word after the first MAX_FUZZY_WORDS read as typed."""
    if isinstance(tree, Word) and tree.fuzzy:
        seen[0] += 1
        return tree if seen[0] <= MAX_FUZZY_WORDS else replace(tree, fuzzy=0)
    if isinstance(tree, Not):
        return Not(_fewer_fuzzy(tree.item, seen))
    if isinstance(tree, And | Or):
        return type(tree)(tuple(_fewer_fuzzy(x, seen) for x in tree.items))
    return tree


def to_query(params: SearchParams) -> tuple[Query, Parsed]:
    """The engine-neutral Query of a search's arguments, and how its text was read."""
    # Here, not at the top: the entries are analysed, and the command line must start
    # without loading the analysis' Whoosh (tests/test_layout.py).
    from searchapp.search import entries
    parsed = parse(params.q)
    seen = [0]
    tree = _fewer_fuzzy(parsed.tree, seen)
    if seen[0] > MAX_FUZZY_WORDS:
        parsed = replace(parsed, tree=tree, notices=[*parsed.notices, (
            f"only the first {MAX_FUZZY_WORDS} fuzzy words (word~) were searched for similar "
            "words; the others as typed")])
    dates = parsed.dates
    if params.date_from or params.date_to:
        dates = intersect(dates, DateRange(params.date_from, params.date_to))
    # The speaker and commenter filters go beside the words too, where they are tied to
    # the quote (comment) the words match in (entries.tie); `parsed` keeps the words only.
    filters, exclude = dict(params.filters), dict(params.exclude)
    for chosen in (filters, exclude):
        if COMMENTER in chosen:  # a commenter is a handle, whatever its case (people.handle)
            chosen[COMMENTER] = tuple(dict.fromkeys(people.handle(v) for v in chosen[COMMENTER]))
    tree = entries.tie(parsed.tree, filters)
    query = Query(tree=tree, scope=params.scope, dates=dates, filters=filters,
                  sort=params.sort, exclude=exclude, undated=params.undated,
                  added_after=params.added_after, cluster=params.cluster)
    loose = loose_tree(tree, params.scope, least=2) if params.match == "any" else None
    if loose is not None:
        query = replace(query, tree=loose, loose=True)
    return query, parsed


# A query of at least this many words as typed (stop words included: "successor to
# premier khrushchev" is a question, "premier khrushchev successor" keywords) is long:
# when all of them together find fewer than LOOSE_BELOW articles, it is read loosely
# (Query.loose), unless the search asks for `match=all`. Questions typed as they are run to
# 8-20 words; keyword searches are 1-3 and behave as before, with a link to the loose
# reading (match=any, for two words or more) when they find fewer than LOOSE_BELOW.
# Counting the searchable words only (4 of them) gave nDCG@10 0.643 on the tune half of
# bench/relevance.py's TIME, counting as typed 0.657; CISI's questions are long either way.
LONG_QUERY_WORDS = 4
LOOSE_BELOW = 10


def loose_tree(tree, scope: str, least: int = LONG_QUERY_WORDS):
    """The tree a long query is read loosely by (Query.loose), or None when it is not one.

    Its words and phrases, wherever they sit under its ANDs and ORs ("russia OR a
    four-power summit", typed in capitals, reads OR as the operator), as one top-level AND
    with the excluded words and person filters beside them: at least `least` words as
    typed, two of them searchable (stop words are not searched). Not when some words must
    meet in one quote or comment (entries.entry_groups), which a loose reading would undo."""
    from searchapp.search import entries, matcher

    if not isinstance(tree, And | Or):
        return None
    words: list = []
    held: list = []

    def walk(node, top: bool) -> bool:
        if isinstance(node, Word | Phrase):
            words.append(node)
        elif isinstance(node, Not | Exact) and top:
            held.append(node)
        elif isinstance(node, And | Or):
            if isinstance(node, And) and entries.entry_groups(node.items, scope)[0]:
                return False
            return all(walk(x, top and isinstance(node, And)) for x in node.items)
        else:
            return False  # a NOT inside an OR: no bag of words says it
        return True

    if not walk(tree, True):
        return None
    searched = [w for w in words if matcher.analyze(
        BODY, w.text if isinstance(w, Word) else " ".join(w.words))]
    if len(words) < least or len(searched) < 2:
        return None
    content = [w for w in searched if not _function_word(w)]
    return And((*(content if len(content) >= 2 else searched), *held))


# English function words: pronouns, determiners, auxiliaries, prepositions, conjunctions,
# question words. The index leaves out only the commonest (analysis.STOP); a question read
# loosely leaves these out too ("what criteria have been developed for the evaluation of
# ..."): each adds a little score to most articles, and over a question's 10-50 words that
# noise reorders the best matches. On the tune half of bench/relevance.py nDCG@10 went
# from 0.657 to 0.665 on TIME and from 0.427 to 0.439 on CISI. A wildcard, fuzzy or
# field-bound word is kept, and so is every word when fewer than two others are left.
FUNCTION_WORDS = frozenset("""
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves one ones
    what which who whom whose this that these those whatever whichever whoever
    am is are was were be been being have has had having do does did doing done
    will would shall should can could may might must ought
    a an the and but if or nor because as until while although though whether either neither
    of at by for with about against between among into through during before after above below
    to from up down in out on off over under within without upon onto toward towards across
    along around behind beyond beside besides via per
    again further then once here there when where why how all any both each few more most
    other others another some such no not only own same so than too very just also
    s t d ll m re ve y don doesn didn isn aren wasn weren hasn haven hadn won wouldn shouldn
    couldn mustn needn now ever even yet still already rather quite
""".split())


def _function_word(node) -> bool:
    return (isinstance(node, Word) and node.field is None and not node.prefix
            and not node.fuzzy and node.text.lower() in FUNCTION_WORDS)


def typed_words(tree) -> int:
    """How many searchable words and phrases a query has outside its NOTs: the "all N
    words" of the loose line (function words included, as typed; the loose reading itself
    leaves them out)."""
    from searchapp.search import matcher

    if isinstance(tree, Word | Phrase):
        text = tree.text if isinstance(tree, Word) else " ".join(tree.words)
        return 1 if matcher.analyze(BODY, text) else 0
    if isinstance(tree, And | Or):
        return sum(typed_words(x) for x in tree.items)
    return 0


# Seconds a search may take before it gives up its extras (config SEARCH_BUDGET_SECONDS).
DEFAULT_BUDGET_SECONDS = 1.0


def search_budget(config: Mapping[str, Any]) -> Budget:
    """A new search's Budget from the settings (SEARCH_BUDGET_SECONDS, env var or config)."""
    raw = config.get("SEARCH_BUDGET_SECONDS", DEFAULT_BUDGET_SECONDS)
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        raise BackendError(f"SEARCH_BUDGET_SECONDS must be a number of seconds, not "
                           f"'{str(raw)[:40]}'") from None
    return Budget(max(seconds, 0.0))


def facet_options(params: SearchParams, name: str, size: int) -> FacetOptions:
    """What the arguments ask of facet `name`'s list of `size` values (F_contains, ...)."""
    return FacetOptions(contains=params.facet_contains.get(name, ""),
                        sort=params.facet_sort.get(name),
                        offset=(params.facet_page.get(name, 1) - 1) * size)


def run_search(backend: SearchBackend, params: SearchParams, scope_counts: bool = False,
               budget: Budget | None = None, suggest: bool = True) -> SearchResponse:
    """Search, filter, count facets, order, page and highlight; the whole result page.

    Past `budget` the page leaves out what the budget allows (snippets, scope counts,
    respellings; on Whoosh late wildcard words too), with a notice saying so. Without one
    there is no limit: the web views pass the configured budget (search_budget), and the
    command line and the tests get answers that do not depend on the machine's load."""
    started = time.perf_counter()
    budget = Budget(None) if budget is None else budget
    query, parsed = to_query(params)
    sizes = {name: params.facet_size.get(name, DEFAULT_FACET_SIZE) for name in params.facets}
    request = SearchRequest(
        query=query, start=(params.page - 1) * params.per_page, size=params.per_page,
        facets=params.facets, facet_sizes=sizes,
        facet_options={name: facet_options(params, name, sizes[name])
                       for name in params.facets},
        snippets=params.snippets, scope_counts=scope_counts, suggest=suggest, budget=budget,
        timeline="auto" if YEAR in params.facets else None, collapse=params.collapse)
    page = backend.search(request)
    strict_total = None
    loose = loose_tree(query.tree, query.scope) if params.match == "auto" else None
    if loose is not None and page.total < LOOSE_BELOW:
        # Few articles have every word of a long query: any of them, best first, instead.
        looser = replace(request, query=replace(query, tree=loose, loose=True))
        loose_page = backend.search(looser)
        if loose_page.total > page.total:
            strict_total, page, request, query = page.total, loose_page, looser, looser.query
            params = params.with_(match="any")  # links keep this reading
    from searchapp.search import entries

    hits = [Hit.of(replace(f, highlights=entries.only_tied(f.article, f.highlights, query.tree,
                                                           query.scope)), params.snippets)
            for f in page.found]
    tree = parsed.tree
    # The query's own `date:` only: the from/to arguments are shown as a chip, not as a
    # reading of the query.
    read = read_as(tree, parsed.dates) if tree is not None or parsed.dates else ""
    notices = list(params.notices) + parsed.notices + page.notices
    broader = (params.match == "auto" and loose is None and 0 < page.total < LOOSE_BELOW
               and loose_tree(query.tree, query.scope, least=2) is not None)
    info = QueryInfo(params.q, read, notices, _or_version(tree) if page.total == 0 else None,
                     loose_words=typed_words(parsed.tree) if query.loose else 0,
                     strict_total=strict_total, broader=broader)
    suggestion = respelt(params.q, page.respellings) if page.total == 0 else None
    took = (time.perf_counter() - started) * 1000
    counts = page.scope_counts
    if counts is not None:
        counts = {scope: counts[scope] for scope in SCOPES if scope in counts}
    return SearchResponse(params, info, page.total, took, page.generation, hits, page.facets,
                          counts, suggestion, ranked=page.ranked, timeline=page.timeline,
                          stories=page.stories)


def respelt(q: str, respellings: dict[str, str] | None) -> str | None:
    """The query as typed with its misspelt words respelt, or None when nothing changes."""
    if not respellings:
        return None
    changed = q
    for word, better in respellings.items():
        changed = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", better, changed, count=1)
    return changed if changed != q else None


def _or_version(tree) -> str | None:
    """"a b -c" read as "(a OR b) -c": the words loosened, the exclusions kept."""
    if not isinstance(tree, And):
        return None
    words = [x for x in tree.items if not isinstance(x, Not)]
    if len(words) < 2:
        return None
    excluded = [x for x in tree.items if isinstance(x, Not)]
    return read_as(And((Or(tuple(words)), *excluded)) if excluded else Or(tuple(words)))


def iter_articles(backend: SearchBackend, params: SearchParams, limit: int | None = None,
                  budget: Budget | None = None) -> Iterator[Article]:
    """Every matching article in the search's order; no cap unless `limit` is given. With
    a `budget` (the feed), past it the search may leave words out: `budget.notice()`."""
    return backend.export(to_query(params)[0], limit=limit, budget=budget)


def iter_clustered(backend: SearchBackend, params: SearchParams
                   ) -> Iterator[tuple[Article, str]]:
    """Every match with its cluster id, for the exports: every copy unless the search asks
    for `copies=collapse`, then each story's first match only."""
    rows = backend.export_clustered(to_query(params)[0])
    if params.copies != "collapse" or params.cluster:
        return rows
    return _first_of_each(rows)


def _first_of_each(rows: Iterator[tuple[Article, str]]) -> Iterator[tuple[Article, str]]:
    seen: set[str] = set()
    for article, cluster in rows:
        if cluster not in seen:
            seen.add(cluster)
            yield article, cluster


def article_page(backend: SearchBackend, article_id: str, params: SearchParams | None = None,
                 budget: Budget | None = None) -> ArticleView | None:
    """The article page, with the search's matches marked when it comes from one."""
    query = to_query(params)[0] if params is not None else None
    page = backend.article(article_id, query, budget)
    if page is None:
        return None
    if query is not None:
        from searchapp.search import entries

        page = replace(page, highlights=entries.only_tied(page.article, page.highlights,
                                                          query.tree, query.scope))
    return article_view(page, params.q if params is not None else "")


def get_article(backend: SearchBackend, article_id: str) -> Article | None:
    """The Article stored under `article_id`, or None."""
    return backend.get(article_id)
