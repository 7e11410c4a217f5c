"""The full list of one facet's values over a search's matches: /facets/<name>, /speakers,
/commenters and their JSON twins (paged, by count or by name, searchable within).

One backend search that counts only that facet (no hits, no snippets, no scope counts);
the page of values is the facet's `F_page`, its order `F_sort`, its text `F_contains`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from searchapp.backends.base import Budget, Facet, SearchBackend, SearchRequest
from searchapp.fields import COMMENTER, SPEAKER, VALUE_ORDER
from searchapp.people import slug
from searchapp.search.params import MAX_FACET_PAGE, SearchParams
from searchapp.search.service import facet_options, to_query

FACET_PAGE_SIZE = 100  # values per page of a facet's full list
PEOPLE = (SPEAKER, COMMENTER)  # facets whose values have pages of their own (people.slug)


@dataclass
class FacetList:
    """One page of a facet's values, with what the page says about them."""

    params: SearchParams
    name: str
    facet: Facet
    total: int  # the search's matches (the articles the counts are taken over)
    generation: str
    took_ms: float
    notices: list[str]

    @property
    def page(self) -> int:
        return self.params.facet_page.get(self.name, 1)

    @property
    def per_page(self) -> int:
        return FACET_PAGE_SIZE

    @property
    def pages(self) -> int:
        """Pages of values (only the first MAX_FACET_PAGE can be browsed)."""
        return max(1, math.ceil(self.facet.total_values / FACET_PAGE_SIZE))

    @property
    def sort(self) -> str:
        """The order shown: "count" or "name" (the year's own order counts as by name)."""
        chosen = self.params.facet_sort.get(self.name)
        return chosen or ("name" if self.name in VALUE_ORDER else "count")

    @property
    def contains(self) -> str:
        return self.params.facet_contains.get(self.name, "")

    @property
    def searched(self) -> bool:
        """True when the counts are over a search's matches rather than every article."""
        p = self.params
        return bool(p.q or p.filters or p.exclude or p.date_from or p.date_to)

    def to_dict(self) -> dict:
        values = []
        for v in self.facet.values:
            entry = v.to_dict()
            if self.name in PEOPLE:
                entry["slug"] = slug(v.value)
            values.append(entry)
        return {
            "facet": self.name,
            "label": self.facet.label,
            "query": self.params.q,
            "total": self.total,
            "contains": self.contains,
            "sort": self.sort,
            "page": self.page,
            "pages": self.pages,
            "per_page": self.per_page,
            "total_values": self.facet.total_values,
            "values": values,
            "took_ms": round(self.took_ms, 2),
            "generation": self.generation,
            "notices": self.notices,
        }


def facet_list(backend: SearchBackend, params: SearchParams, name: str,
               budget: Budget | None = None) -> FacetList:
    """Page `params.facet_page[name]` of facet `name`'s values over the search's matches."""
    started = time.perf_counter()
    query, parsed = to_query(params)
    options = facet_options(params, name, FACET_PAGE_SIZE)
    page = backend.search(SearchRequest(
        query=query, start=0, size=0, facets=(name,), facet_sizes={name: FACET_PAGE_SIZE},
        facet_options={name: options}, snippets=False, scope_counts=False, suggest=False,
        budget=Budget(None) if budget is None else budget))
    notices = list(params.notices) + parsed.notices + page.notices
    if params.facet_page.get(name, 1) >= MAX_FACET_PAGE and page.facets[name].more:
        notices.append(f"only the first {MAX_FACET_PAGE * FACET_PAGE_SIZE:,} values can be "
                       "listed; search within them to find the others")
    return FacetList(params, name, page.facets[name], page.total, page.generation,
                     (time.perf_counter() - started) * 1000, notices)
