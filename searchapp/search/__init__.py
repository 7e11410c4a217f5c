"""The search layer: params -> parsed query -> engine -> facets -> highlights -> response.

Nothing here imports Flask, so the CLI's `search` command uses it too.
"""

from searchapp.search.params import ParamError, SearchParams
from searchapp.search.service import OpenIndex, SearchResponse, get_article, run_search

__all__ = ["ParamError", "SearchParams", "OpenIndex", "SearchResponse", "run_search",
           "get_article"]
