"""What one extraction worker does with a batch of input items (runs in a process pool).

Each article is hashed and handed to the search backend's `prepare` (analysis, postings,
the engine's document) here, in the worker, so that the one writer only files results.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from indexer import dedup, dedup_store
from indexer.article import Article, content_hash
from indexer.digest import input_digest
from indexer.discover import Item
from indexer.errors import ExtractError
from indexer.extract import extract_file, extract_jsonl_line
from indexer.extract.warc import extract_page
from indexer.limits import (
    Limits,
    TookTooLong,
    hard_stop_watch,
    limit_memory,
    time_bound,
    too_slow_reason,
)

# Set by init_worker in a pool worker; an in-process run reads the environment each time.
_worker_limits: Limits | None = None
# The content hashes the index already has (hash_keys), set for an `update` by init_worker
# or `skipping`: an article with one of them is not prepared (analysis and postings are
# most of a worker's time, and an update mostly reads articles that did not change).
_unchanged: np.ndarray | None = None


# (Article, its content hash) -> what the index writer files: a backend's `prepare`.
# None keeps the Article as it is.
Prepare = Callable[[Article, str], Any] | None


@dataclass(frozen=True, slots=True)
class Extracted:
    """An article ready for the writer: its id, path, content hash, and prepared form."""

    id: str
    path: str
    hash: str
    doc: Any  # what `prepare` made of the Article (the Article itself without one)
    warnings: tuple[str, ...] = ()
    # Its input's path below the source folder it was found in ("" for a file given by
    # itself): how `update` recognises a folder that has moved.
    rel: str = ""
    # False: its hash was among the index's, so `doc` is the Article, not prepared (the
    # writer prepares it if it turns out to have changed after all: another id or path).
    prepared: bool = True
    # The digest of the input item it came from (digest.py): what a later `update`
    # compares to skip the item without reading it ("" when its file could not be read).
    input: str = ""
    # Its near-duplicate fingerprint (indexer/dedup_store.encode), made here in the worker
    # with the rest; "" when it was not prepared (then the writer makes it if needed).
    fingerprint: str = ""


def hash_keys(hashes: Iterable[str]) -> np.ndarray:
    """Content hashes in the compact form the workers look them up in: the first 64 bits,
    sorted (a worker gets them once; 8 bytes an article)."""
    return np.unique(np.fromiter((int(h[:16], 16) for h in hashes if h), dtype=np.uint64))


def _known_hash(digest: str) -> bool:
    keys = _unchanged
    if keys is None or not len(keys):
        return False
    key = np.uint64(int(digest[:16], 16))
    i = int(np.searchsorted(keys, key))
    return i < len(keys) and keys[i] == key


@contextlib.contextmanager
def skipping(unchanged: np.ndarray | None) -> Iterator[None]:
    """Skip preparing articles with these hashes in this process (a run without a pool)."""
    global _unchanged
    before, _unchanged = _unchanged, unchanged
    try:
        yield
    finally:
        _unchanged = before


@dataclass(frozen=True, slots=True)
class Failed:
    path: str
    reason: str


def init_worker(parent_pid: int, limits: Limits | None = None,
                unchanged: np.ndarray | None = None) -> None:
    """Pool initializer: bound the worker's memory and each item's time (limits.py), and
    exit when the indexing process is gone (e.g. killed with SIGKILL).

    Pool workers otherwise wait forever for work that will never come. The limits come
    from the parent: forkserver workers do not see its later changes to the environment.
    """
    global _worker_limits, _unchanged
    _worker_limits = limits or Limits.from_env()
    _unchanged = unchanged
    limit_memory(_worker_limits.worker_memory_mb)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def extract_item(item: Item, prepare: Prepare = None) -> list[Extracted | Failed]:
    """The documents of one item, or why it has none; never raises."""
    limits = _worker_limits or Limits.from_env()
    # The hard stop exits the process: only where a pool will replace it.
    hard_stop = limits.hard_stop if _worker_limits else 0.0
    try:
        with time_bound(limits.item_seconds, hard_stop):
            # The digest first: the bytes extraction reads are those it stands for (a
            # file rewritten in between gives the new digest, read again next time).
            digest = item.digest or input_digest(item)
            return [_extracted(a, prepare, item.key, digest) for a in _articles(item)]
    except TookTooLong:
        return [Failed(item.path, too_slow_reason(limits.item_seconds))]
    except ExtractError as e:
        return [Failed(item.path, e.reason)]
    except RecursionError:
        return [Failed(item.path, "it is nested too deeply to read")]
    except MemoryError:
        return [Failed(item.path, "it needs more memory than one article may use")]
    except Exception as e:  # noqa: BLE001 - one bad input must never stop a run
        return [Failed(item.path, f"the extractor failed ({e.__class__.__name__}: {e})")]


def _articles(item: Item) -> list:
    if item.format == "warc":
        return [extract_page(item.data or b"", item.path, url=item.url, fetched=item.fetched,
                             content_type=item.content_type, key=item.key or None)]
    if item.data is not None:
        return [extract_jsonl_line(item.data, item.path, item.key or None)]
    return extract_file(item.path, item.key or None)


def _extracted(article: Article, prepare: Prepare, rel: str = "", source: str = ""
               ) -> Extracted:
    digest = content_hash(article)
    if prepare is not None and _known_hash(digest):
        return Extracted(article.id, article.path, digest, article, article.warnings, rel,
                         prepared=False, input=source)
    doc = prepare(article, digest) if prepare is not None else article
    return Extracted(article.id, article.path, digest, doc, article.warnings, rel,
                     input=source, fingerprint=fingerprint_of(article))


def fingerprint_of(article: Article) -> str:
    """The article's near-duplicate fingerprint, encoded (0.2 ms on a wire story)."""
    return dedup_store.encode(dedup.fingerprint(article.headline, article.body))


def extract_batch(items: list[Item], prepare: Prepare = None) -> list[Extracted | Failed]:
    """Each item's results in order (the pool's unit of work)."""
    out: list[Extracted | Failed] = []
    with hard_stop_watch():  # one arming of the hard stop for many items (limits.py)
        for item in items:
            out.extend(extract_item(item, prepare))
    return out
