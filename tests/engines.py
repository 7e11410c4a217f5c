"""The search backends the tests run against, each made fresh and filled through `reindex`.

The contract suite (tests/contract/) runs once per engine listed in ENGINES. An engine that
needs a running server checks for it in `check()`: it skips with the reason on a user's
clone and fails in CI (CI=true), like every other prerequisite (conftest.need).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from conftest import need, write_jsonl

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

    def cleanup(self) -> None:
        """Remove what the session left in the engine (called once, at the end)."""

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


# The test cluster: .ci/run starts one (opensearch-node/start) and sets this variable.
OPENSEARCH_URL_VAR = "SCRAPESEARCH_TEST_OPENSEARCH_URL"


def opensearch_url() -> str | None:
    return os.environ.get(OPENSEARCH_URL_VAR) or None


def opensearch_up(url: str) -> str | None:
    """None when the cluster at `url` answers with a usable health, else why not."""
    try:
        from opensearchpy import OpenSearch
    except ImportError:
        return "opensearch-py is not installed (pip install -e '.[opensearch]')"
    try:
        health = OpenSearch([url], timeout=5, max_retries=0).cluster.health(
            wait_for_status="yellow", request_timeout=40)
    except Exception as e:  # noqa: BLE001 - any failure is the reason to skip
        return f"OpenSearch at {url} does not answer ({type(e).__name__})"
    if health.get("status") not in ("green", "yellow"):
        return f"OpenSearch at {url} is {health.get('status')}"
    return None


class OpenSearch(Engine):
    """A real OpenSearch cluster (never a mock); each backend gets its own alias."""

    name = "opensearch"

    def __init__(self):
        self.aliases: list[str] = []
        self._checked: str | None = None

    def check(self) -> None:
        url = opensearch_url()
        need(url is not None, f"no test OpenSearch: start one with opensearch-node/start and "
                              f"set {OPENSEARCH_URL_VAR}=http://127.0.0.1:9200")
        if self._checked != url:
            problem = opensearch_up(url)
            need(problem is None, problem or "")
            self._checked = url

    def settings_for(self, alias: str) -> dict:
        return {"BACKEND": "opensearch", "OPENSEARCH_URL": opensearch_url(),
                "OPENSEARCH_INDEX": alias, "OPENSEARCH_GRACE_SECONDS": 0}

    def new(self, tmp: Path) -> SearchBackend:
        from searchapp.backends.opensearch import OpenSearchBackend

        alias = f"test-{secrets.token_hex(4)}"
        self.aliases.append(alias)
        return OpenSearchBackend.from_config(self.settings_for(alias))

    def settings(self, backend) -> dict:
        return self.settings_for(backend.alias)

    def cleanup(self) -> None:
        url = opensearch_url()
        if not url or not self.aliases:
            return
        from opensearchpy import OpenSearch as Client

        client = Client([url], timeout=60)
        for alias in self.aliases:
            client.indices.delete(index=f"{alias}-*", ignore=[404])
        self.aliases.clear()


ENGINES: dict[str, Engine] = {"whoosh": Whoosh(), "opensearch": OpenSearch()}
