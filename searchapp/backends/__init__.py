"""Search engines behind one interface (base.py), chosen by configuration.

`SCRAPESEARCH_BACKEND` (or `BACKEND` in the instance config.py) names one of BACKENDS;
`whoosh`, embedded, is the default. A backend's module is imported only when chosen, so
an engine's client library is needed only by those who use it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from searchapp.backends.base import BackendError, SearchBackend

DEFAULT = "whoosh"
# name -> "module:class"
BACKENDS = {
    "whoosh": "searchapp.backends.whoosh:WhooshBackend",
    "opensearch": "searchapp.backends.opensearch:OpenSearchBackend",
}


def backend_class(name: str) -> type[SearchBackend]:
    """The backend class called `name`; BackendError with a sentence when there is none."""
    target = BACKENDS.get((name or DEFAULT).strip().lower())
    if target is None:
        raise BackendError(f"there is no search backend called '{name}'; choose one of "
                           f"{', '.join(sorted(BACKENDS))}")
    module, _, cls = target.partition(":")
    return getattr(importlib.import_module(module), cls)


def load_backend(config: Mapping[str, Any]) -> SearchBackend:
    """The backend the configuration names (`BACKEND`), set up from the same configuration."""
    return backend_class(config.get("BACKEND") or DEFAULT).from_config(config)
