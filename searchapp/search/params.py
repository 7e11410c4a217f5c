"""Search arguments -> a validated, clamped SearchParams (pure; nothing else reads the request).

The same arguments serve every search route (DESIGN 3.3). Values that cannot be meant
(an unknown sort, a page that is not a number) raise ParamError with a sentence for a 400;
values that are merely too big are clamped and the response says so.

Per facet F besides its filter `F`: `not_F` (repeatable) leaves out the articles with that
value; `F_size` lists more values, `F_contains` only those whose name contains a text
(case and accents aside), `F_sort` (`count` or `name`) orders them, `F_page` pages them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from searchapp.fields import FACETS, SCOPES, SORTS
from searchapp.search.dates import NoSuchDay, day_bound

DEFAULT_PER_PAGE = 10
MATCHES = ("auto", "all", "any")
UNDATED = ("include", "only")  # backends.base.UNDATED
# Copies of one story (SearchRequest.collapse): "collapse" lists each cluster once, "all"
# every copy. Unset, the page and /api/search collapse, the exports list every copy.
COPIES = ("collapse", "all")
MAX_CLUSTER_CHARS = 512  # a cluster id is an article id
MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_FILTER_VALUES = 50
MAX_VALUE_CHARS = 300
DEFAULT_FACET_SIZE = 10
MAX_FACET_SIZE = 500
# Pages of a facet's values (F_page). The OpenSearch backend asks for every value up to the
# page's last (at most 100 x 500 = 50,000, within its `search.max_buckets` of 65,535).
MAX_FACET_PAGE = 100
# Of the text searched for within a facet's values (F_contains): OpenSearch's regular
# expression of it (facetnames.contains_pattern) stays within its limit of 1,000 characters.
MAX_CONTAINS_CHARS = 100
FACET_SORTS = ("count", "name")
EXCLUDE_PREFIX = "not_"
HUGE = 10**18


class ParamError(ValueError):
    """A search argument that cannot be read; the message is one sentence for the user."""


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    scope: str = "all"
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    facets: tuple[str, ...] = FACETS
    facet_size: dict[str, int] = field(default_factory=dict)
    snippets: bool = True
    notices: tuple[str, ...] = ()
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)  # not_F
    facet_contains: dict[str, str] = field(default_factory=dict)  # F_contains, as typed
    facet_sort: dict[str, str] = field(default_factory=dict)  # F_sort
    facet_page: dict[str, int] = field(default_factory=dict)  # F_page, only past the first
    # "all": only articles with every word; "any": a long query read loosely (the most of
    # its words first); "auto": "any" when "all" finds few (service.LOOSE_BELOW).
    match: str = "auto"
    # Articles without a publication date: None, left out by a date range; "include": kept
    # by it; "only": only they are listed (the date range set aside).
    undated: str | None = None
    # Only articles that entered the index after this index time (saved searches: what
    # is new since they were last seen). Never read from the request, never in links.
    added_after: float | None = None
    copies: str | None = None  # COPIES
    cluster: str | None = None  # only the copies of this story (Query.cluster)

    @property
    def collapse(self) -> bool:
        """Whether a result page lists each story once: unless every copy is asked for,
        or the page is one story's copies already."""
        return self.copies != "all" and not self.cluster

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> SearchParams:
        """Read request arguments (a MultiDict, or a plain dict of strings or lists)."""
        notices: list[str] = []
        q = _clean(_one(args, "q") or "")
        scope = _one(args, "scope") or "all"
        if scope not in SCOPES:
            raise ParamError(f"scope must be one of {', '.join(SCOPES)}, not '{scope[:40]}'")
        sort = _one(args, "sort") or "relevance"
        if sort not in SORTS:
            raise ParamError(f"sort must be one of {', '.join(SORTS)}, not '{sort[:40]}'")
        filters, exclude = {}, {}
        for name in FACETS:
            values = _values(args, name, name, "selected")
            if values:
                filters[name] = values
            left_out = _values(args, EXCLUDE_PREFIX + name, name, "excluded")
            both = set(values) & set(left_out)
            if both:
                raise ParamError(f"'{min(both)[:40]}' cannot be both selected and excluded "
                                 f"in {name}")
            if left_out:
                exclude[name] = left_out
        date_from = _date(args, "from", upper=False)
        date_to = _date(args, "to", upper=True)
        if date_from and date_to and date_from > date_to:
            raise ParamError(f"from ({date_from}) is after to ({date_to})")
        page = _int(args, "page", 1)
        if page < 1:
            raise ParamError("page must be 1 or more")
        if page > MAX_PAGE:
            notices.append(f"only the first {MAX_PAGE:,} pages can be shown")
            page = MAX_PAGE
        per_page = _int(args, "per_page", DEFAULT_PER_PAGE)
        if per_page < 1:
            raise ParamError("per_page must be 1 or more")
        if per_page > MAX_PER_PAGE:
            notices.append(f"at most {MAX_PER_PAGE} results are shown per page")
            per_page = MAX_PER_PAGE
        facets = _facet_list(_one(args, "facets"))
        facet_size = {}
        for name in FACETS:
            size = _int(args, f"{name}_size", DEFAULT_FACET_SIZE)
            if size < 1:
                raise ParamError(f"{name}_size must be 1 or more")
            facet_size[name] = min(size, MAX_FACET_SIZE)
        contains, sorts, pages = {}, {}, {}
        for name in FACETS:
            text = _clean(_one(args, f"{name}_contains") or "")
            if len(text) > MAX_CONTAINS_CHARS:
                raise ParamError(f"{name}_contains is longer than {MAX_CONTAINS_CHARS} "
                                 "characters")
            if text:
                contains[name] = text
            how = _one(args, f"{name}_sort") or ""
            if how and how not in FACET_SORTS:
                raise ParamError(f"{name}_sort must be count or name, not '{how[:40]}'")
            if how:
                sorts[name] = how
            page_of = _int(args, f"{name}_page", 1)
            if page_of < 1:
                raise ParamError(f"{name}_page must be 1 or more")
            if page_of > MAX_FACET_PAGE:
                notices.append(f"only the first {MAX_FACET_PAGE} pages of a facet's values "
                               "can be shown; search within them to find the others")
                page_of = MAX_FACET_PAGE
            if page_of > 1:
                pages[name] = page_of
        match = _one(args, "match") or "auto"
        if match not in MATCHES:
            raise ParamError(f"match must be one of {', '.join(MATCHES)}, not '{match[:40]}'")
        undated = _one(args, "undated") or None
        if undated is not None and undated not in UNDATED:
            raise ParamError(f"undated must be include or only, not '{undated[:40]}'")
        copies = _one(args, "copies") or None
        if copies is not None and copies not in COPIES:
            raise ParamError(f"copies must be collapse or all, not '{copies[:40]}'")
        cluster = _clean(_one(args, "cluster") or "") or None
        if cluster is not None and len(cluster) > MAX_CLUSTER_CHARS:
            raise ParamError(f"cluster is longer than {MAX_CLUSTER_CHARS} characters")
        snippets_arg = _one(args, "snippets") or "all"
        if snippets_arg not in ("all", "none"):
            raise ParamError("snippets must be all or none")
        return cls(q=q, scope=scope, filters=filters, date_from=date_from, date_to=date_to,
                   sort=sort, page=page, per_page=per_page, facets=facets,
                   facet_size=facet_size, snippets=snippets_arg == "all",
                   notices=tuple(notices), exclude=exclude, facet_contains=contains,
                   facet_sort=sorts, facet_page=pages, match=match, undated=undated,
                   copies=copies, cluster=cluster)

    def with_(self, **changes) -> SearchParams:
        return replace(self, **changes)

    def to_args(self) -> list[tuple[str, str]]:
        """The arguments that reproduce these params (for links), defaults left out."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        if self.scope != "all":
            out.append(("scope", self.scope))
        for name in FACETS:
            out.extend((name, v) for v in self.filters.get(name, ()))
        for name in FACETS:
            out.extend((EXCLUDE_PREFIX + name, v) for v in self.exclude.get(name, ()))
        if self.date_from:
            out.append(("from", self.date_from))
        if self.date_to:
            out.append(("to", self.date_to))
        if self.undated:
            out.append(("undated", self.undated))
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.match != "auto":
            out.append(("match", self.match))
        if self.cluster:
            out.append(("cluster", self.cluster))
        if self.copies:
            out.append(("copies", self.copies))
        if self.per_page != DEFAULT_PER_PAGE:
            out.append(("per_page", str(self.per_page)))
        for name, size in self.facet_size.items():
            if size != DEFAULT_FACET_SIZE:
                out.append((f"{name}_size", str(size)))
        for name in FACETS:
            if self.facet_contains.get(name):
                out.append((f"{name}_contains", self.facet_contains[name]))
            if self.facet_sort.get(name):
                out.append((f"{name}_sort", self.facet_sort[name]))
            if self.facet_page.get(name, 1) != 1:
                out.append((f"{name}_page", str(self.facet_page[name])))
        if self.facets != FACETS:
            out.append(("facets", ",".join(self.facets) or "none"))
        if not self.snippets:
            out.append(("snippets", "none"))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out


def _values(args: Mapping[str, Any], arg: str, name: str, what: str) -> tuple[str, ...]:
    """The distinct values of a repeatable facet argument, checked."""
    values = tuple(dict.fromkeys(v for v in (_clean(x) for x in _many(args, arg)) if v))
    if len(values) > MAX_FILTER_VALUES:
        raise ParamError(f"at most {MAX_FILTER_VALUES} values of {name} can be {what}")
    if any(len(v) > MAX_VALUE_CHARS for v in values):
        raise ParamError(f"a {name} value is longer than {MAX_VALUE_CHARS} characters")
    return values


def _many(args: Mapping[str, Any], name: str) -> list[str]:
    if hasattr(args, "getlist"):
        return [str(v) for v in args.getlist(name)]
    v = args.get(name)
    if v is None:
        return []
    return [str(x) for x in v] if isinstance(v, list | tuple) else [str(v)]


def _one(args: Mapping[str, Any], name: str) -> str | None:
    values = _many(args, name)
    return values[0].strip() if values else None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _clean(s: str) -> str:
    """Argument text without control characters or lone surrogates, spaces collapsed."""
    return " ".join(_CONTROL.sub(" ", s).split())


def _int(args: Mapping[str, Any], name: str, default: int) -> int:
    raw = _one(args, name)
    if raw in (None, ""):
        return default
    if not re.fullmatch(r"[+-]?\d+", raw):
        raise ParamError(f"{name} must be a whole number, not '{raw[:40]}'")
    # Any whole number is read (and then clamped by the caller); very long ones are only
    # "huge", which also keeps int() away from Python's limit on digits.
    if len(raw) > 18:
        return -HUGE if raw.startswith("-") else HUGE
    return int(raw)


def _date(args: Mapping[str, Any], name: str, upper: bool) -> str | None:
    raw = _one(args, name)
    if not raw:
        return None
    try:
        return day_bound(raw, upper)
    except NoSuchDay:
        raise ParamError(f"{name} is not a real date: '{raw[:40]}'") from None
    except ValueError:
        raise ParamError(f"{name} must be a date like 2019-06-30 (or 2019-06, or 2019)") from None


def _facet_list(raw: str | None) -> tuple[str, ...]:
    if raw in (None, "", "all"):
        return FACETS
    if raw == "none":
        return ()
    names = tuple(n.strip() for n in raw.split(",") if n.strip())
    unknown = [n for n in names if n not in FACETS]
    if unknown:
        raise ParamError(f"facets must be none, all, or names from {', '.join(FACETS)}")
    return names
