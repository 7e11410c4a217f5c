"""The search backends the tests run against, each made fresh and filled through `reindex`.

The contract suite (tests/contract/) runs once per engine listed in ENGINES. An engine that
needs a running server checks for it in `check()`: it skips with the reason on a user's
clone and fails in CI (CI=true), like every other prerequisite (conftest.need).
"""

from __future__ import annotations

from pathlib import Path

from conftest import write_jsonl

from searchapp.backends.base import SearchBackend
from searchapp.indexing import reindex


class Engine:
    """How the tests make one kind of backend."""

    name = ""

    def check(self) -> None:
        """Skip (or, in CI, fail) when the engine cannot run here."""

    def new(self, tmp: Path) -> SearchBackend:
        """A backend with nothing indexed yet, its data under `tmp`."""
        raise NotImplementedError

    def settings(self, backend: SearchBackend) -> dict:
        """The web app's settings that open `backend`."""
        raise NotImplementedError

    def build(self, tmp: Path, records: list[dict], **reindex_args) -> SearchBackend:
        """A backend holding `records` (Article JSON), indexed through the real pipeline."""
        src = write_jsonl(tmp / "input.jsonl", records)
        backend = self.new(tmp)
        reindex([str(src)], backend, **{"jobs": 1, **reindex_args})
        return backend


class Whoosh(Engine):
    name = "whoosh"

    def new(self, tmp: Path) -> SearchBackend:
        from searchapp.backends.whoosh import WhooshBackend

        return WhooshBackend(str(tmp / "index"))

    def settings(self, backend) -> dict:
        return {"BACKEND": "whoosh", "INDEX_DIR": backend.index_dir}


ENGINES: dict[str, Engine] = {"whoosh": Whoosh()}
