"""The client, from the settings, and the engine's failures as our one-sentence errors.

Settings (instance config.py or the environment, see searchapp/config.py):
OPENSEARCH_URL (one or more hosts, comma-separated), OPENSEARCH_USER and
OPENSEARCH_PASSWORD, OPENSEARCH_CA_CERTS (a CA bundle for https), OPENSEARCH_VERIFY_CERTS
(on unless set to false), OPENSEARCH_INDEX (the name of the alias searches read, and the
prefix of the indexes behind it), OPENSEARCH_TIMEOUT (seconds per request),
OPENSEARCH_SHARDS and OPENSEARCH_REPLICAS (of a new index; replicas "auto": one copy on
another node when there is one), OPENSEARCH_GRACE_SECONDS (how long a replaced index is
kept for exports still reading it), OPENSEARCH_DFS (ranking by the statistics of the
whole index rather than each shard's: on unless false).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from searchapp.backends.base import BackendError, IndexUnavailable

try:
    import opensearchpy
    from opensearchpy import OpenSearch
except ImportError as e:  # pragma: no cover - depends on what is installed
    raise BackendError("the OpenSearch backend needs the OpenSearch client: "
                       "pip install 'scrapesearch[opensearch]'") from e

DEFAULT_URL = "http://127.0.0.1:9200"
DEFAULT_INDEX = "scrapesearch"
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Settings:
    hosts: tuple[str, ...]
    index: str
    user: str | None = None
    password: str | None = None
    ca_certs: str | None = None
    verify_certs: bool = True
    timeout: float = 10.0
    shards: int = 1
    replicas: int | None = None  # None: one copy more when the cluster has two nodes
    grace_seconds: float = 600.0
    dfs: bool = True  # relevance from the whole index's statistics (dfs_query_then_fetch)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        raw = str(config.get("OPENSEARCH_URL") or DEFAULT_URL)
        hosts = tuple(h.strip() for h in raw.split(",") if h.strip())
        if not hosts:
            raise BackendError("OPENSEARCH_URL names no host; give one like "
                               "https://search.example.org:9200")
        for h in hosts:
            parts = urlsplit(h if "://" in h else f"http://{h}")
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise BackendError(f"'{_safe(h)}' in OPENSEARCH_URL is not an http(s) address")
        index = str(config.get("OPENSEARCH_INDEX") or DEFAULT_INDEX).strip().lower()
        if not index or not all(c.isalnum() or c in "-_" for c in index) \
                or index[0] in "-_":
            raise BackendError(f"OPENSEARCH_INDEX '{index}' is not a usable index name; use "
                               "lowercase letters, digits, - and _")
        ca = config.get("OPENSEARCH_CA_CERTS") or None
        if ca and not os.path.isfile(ca):
            raise BackendError(f"the CA bundle {ca} named by OPENSEARCH_CA_CERTS does not exist")
        verify = _flag(config.get("OPENSEARCH_VERIFY_CERTS", True))
        try:
            return cls(hosts=hosts, index=index, user=config.get("OPENSEARCH_USER") or None,
                       password=config.get("OPENSEARCH_PASSWORD") or None, ca_certs=ca,
                       verify_certs=verify, dfs=_flag(config.get("OPENSEARCH_DFS", True)),
                       timeout=float(_given(config, "OPENSEARCH_TIMEOUT", 10.0)),
                       shards=int(_given(config, "OPENSEARCH_SHARDS", 1)),
                       replicas=_int_or_none(config.get("OPENSEARCH_REPLICAS")),
                       grace_seconds=float(_given(config, "OPENSEARCH_GRACE_SECONDS", 600)))
        except ValueError as e:
            raise BackendError(f"an OPENSEARCH_ setting is not a number: {e}") from None

    @property
    def where(self) -> str:
        """The hosts as shown in messages (never with a password)."""
        return ", ".join(_safe(h) for h in self.hosts)


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in _FALSE
    return bool(value)


def _given(config: Mapping[str, Any], key: str, default):
    value = config.get(key)
    return default if value is None or str(value).strip() == "" else value


def _int_or_none(value) -> int | None:
    return None if value is None or str(value).strip() in ("", "auto") else int(value)


def _safe(url: str) -> str:
    """`url` without the user and password it may carry."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


class Connection:
    """One client per process (gunicorn forks after the app is made), made on first use."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client: OpenSearch | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def client(self, timeout: float | None = None) -> OpenSearch:
        with self._lock:
            if self._client is None or self._pid != os.getpid():
                s = self.settings
                auth = (s.user, s.password or "") if s.user else None
                self._client = OpenSearch(
                    hosts=list(s.hosts), http_auth=auth, verify_certs=s.verify_certs,
                    ca_certs=s.ca_certs, ssl_show_warn=False, timeout=s.timeout,
                    max_retries=2, retry_on_timeout=False, http_compress=True)
                self._pid = os.getpid()
            return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None and self._pid == os.getpid():
                with contextlib.suppress(Exception):
                    self._client.close()
            self._client = None


def alias_targets(client, alias: str) -> list[str]:
    """The indexes `alias` points at (sorted; none when there is no such alias)."""
    got = client.indices.get_alias(name=alias, ignore=[404])
    return sorted(k for k in got if k not in ("error", "status"))


def describe(e: Exception, where: str, index: str) -> BackendError:
    """The engine's error as one of ours, with one sentence (never a traceback)."""
    if isinstance(e, BackendError):
        return e
    if isinstance(e, opensearchpy.ConnectionTimeout):
        return IndexUnavailable(f"OpenSearch at {where} did not answer in time")
    if isinstance(e, opensearchpy.SSLError):
        return IndexUnavailable(f"the TLS connection to OpenSearch at {where} failed "
                                f"({_reason(e)}); check OPENSEARCH_CA_CERTS")
    if isinstance(e, opensearchpy.ConnectionError):
        return IndexUnavailable(f"OpenSearch at {where} cannot be reached")
    if isinstance(e, opensearchpy.TransportError) and str(e.error) in BLOCKS:
        return blocked(_reason(e), where)  # a 403 or a 429 that retrying would not help
    if isinstance(e, opensearchpy.AuthenticationException | opensearchpy.AuthorizationException):
        return IndexUnavailable(f"OpenSearch at {where} refused the credentials "
                                "(OPENSEARCH_USER, OPENSEARCH_PASSWORD)")
    if isinstance(e, opensearchpy.NotFoundError) and "index_not_found" in str(e.error):
        return IndexUnavailable(f"there is no index '{index}' in OpenSearch at {where} yet; "
                                "build one with `scrapesearch reindex SOURCE...`")
    if isinstance(e, opensearchpy.TransportError):
        status = e.status_code if isinstance(e.status_code, int) else 0
        if status in (429, 502, 503, 504):
            return IndexUnavailable(f"OpenSearch at {where} is overloaded or unavailable "
                                    f"(HTTP {status}); try again shortly")
        return BackendError(f"OpenSearch at {where} answered HTTP {status}: {_reason(e)}")
    return BackendError(f"OpenSearch at {where} failed: {type(e).__name__}")


# Errors of a write the cluster refuses outright: sending it again does not help.
BLOCKS = ("cluster_block_exception", "index_create_block_exception")
# What OpenSearch says when a node's disk is past the flood-stage watermark (every index
# with a shard there becomes read-only) or every node is past the high watermark (no new
# index can be made).
_DISK_FULL = ("flood-stage watermark", "read-only-allow-delete", "read_only_allow_delete")
_NO_NEW_INDEX = "create-index blocked"


def blocked(reason: str, where: str) -> BackendError:
    """A write refused by a block on the cluster or an index, as one sentence."""
    if any(s in reason for s in _DISK_FULL):
        return BackendError(f"the OpenSearch cluster at {where} refused the write because its "
                            "disk is full (flood-stage watermark); free space, then run again")
    if _NO_NEW_INDEX in reason:
        return BackendError(f"the OpenSearch cluster at {where} refused to create an index "
                            "(cluster.blocks.create_index, set when every node's disk is "
                            "past the high watermark); free space, then run again")
    return BackendError(f"OpenSearch at {where} refused the write: {reason}")


def _reason(e: Exception) -> str:
    info = getattr(e, "info", None)
    if isinstance(info, dict):
        err = info.get("error")
        if isinstance(err, dict):
            root = (err.get("root_cause") or [err])[0]
            return str(root.get("reason") or root.get("type") or err.get("type"))[:300]
        if err:
            return str(err)[:300]
    return str(getattr(e, "error", "") or type(e).__name__)[:300]


@contextlib.contextmanager
def translated(where: str, index: str) -> Iterator[None]:
    """Run a block of client calls, raising our errors in place of the client's."""
    try:
        yield
    except opensearchpy.exceptions.OpenSearchException as e:
        raise describe(e, where, index) from None
    except OSError as e:
        raise IndexUnavailable(f"OpenSearch at {where} cannot be reached ({e})") from None
