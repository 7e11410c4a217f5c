"""What contract tests do with a backend: search it, list its matches, serve it."""

from __future__ import annotations

from searchapp.backends.base import SearchBackend
from searchapp.search.params import SearchParams
from searchapp.search.service import iter_articles, run_search


def app_of(engine, backend, tmp):
    """The Flask app over `backend`, for tests."""
    from searchapp import create_app

    return create_app({"TESTING": True, **engine.settings(backend)},
                      instance_path=str(tmp / "instance"))


def search(backend, **args):
    """run_search with the request arguments `args` (values as a browser sends them)."""
    return run_search(backend, SearchParams.from_args(args))


def ids(backend: SearchBackend, **args) -> list[str]:
    """Every matching id of a search, in its order (the export)."""
    return [a.id for a in iter_articles(backend, SearchParams.from_args(args))]


def articles(backend: SearchBackend) -> dict:
    """Every article the backend holds, by id (and a check that ids are unique)."""
    found = list(iter_articles(backend, SearchParams()))
    by_id = {a.id: a for a in found}
    assert len(by_id) == len(found), [a.id for a in found]
    assert backend.health().documents == len(found)
    return by_id
