"""Incremental updates of the live generation: new and changed articles in, vanished ones out.

Runs under the same build lock as reindex (an update written into a generation that a
reindex is about to replace would be lost, reliability.md B5). Changes are written in
batches, each committed before the next, so `update_document` always replaces a committed
document (it keeps both copies of an id added twice in one writer, A5).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from whoosh import index as whoosh_index

from indexer import generations
from indexer.build import Progress, RunReport, _batches, extract_all
from indexer.discover import Skip, iter_items, total_size
from indexer.errors import NoIndexError
from indexer.schema import HASH, ID, PATH
from indexer.work import Extracted, Failed

BATCH_DOCS = 2000
UPDATE_REPORT = "last-update.json"


@dataclass
class UpdateReport(RunReport):
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0

    def as_dict(self) -> dict:
        return {"generation": self.generation, "sources": self.sources, "added": self.added,
                "changed": self.changed, "unchanged": self.unchanged, "removed": self.removed,
                "skipped_total": self.skipped_total, "skipped": self.skipped_list(),
                "seconds": round(self.seconds, 2),
                "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def _file_of(item_path: str) -> str:
    """The file an item came from: `data/x.jsonl#12` -> `data/x.jsonl`."""
    head, sep, tail = item_path.rpartition("#")
    return head if sep and tail.isdigit() else item_path


def _under(path: str, sources: list[str]) -> bool:
    """True when `path` was read from one of the sources (a file or a directory)."""
    p = os.path.abspath(path)
    for s in sources:
        s = os.path.abspath(s)
        if p == s or p.startswith(s.rstrip(os.sep) + os.sep):
            return True
    return False


def update(sources: list[str], index_dir: str, jobs: int | None = None,
           progress: Progress | None = None, lock_timeout: float = 0.0,
           clock: Callable[[], float] = time.monotonic) -> UpdateReport:
    """Bring the live index in line with `sources` without rebuilding it."""
    jobs = jobs or os.cpu_count() or 1
    progress = progress or Progress()
    report = UpdateReport(sources=list(sources))
    started = clock()
    with generations.build_lock(index_dir, timeout=lock_timeout):
        gen = generations.current_path(index_dir)
        if gen is None:
            raise NoIndexError(f"there is no index in {index_dir} to update; build one with "
                               "`scrapesearch reindex SOURCE...` first")
        report.generation = os.path.basename(gen)
        ix = whoosh_index.open_dir(gen)
        known: dict[str, tuple[str, str]] = {}  # id -> (path, hash)
        with ix.searcher() as s:
            for fields in s.all_stored_fields():
                known[fields[ID]] = (fields.get(PATH) or "", fields.get(HASH) or "")
        # Ids read this time: any other id read from these sources before is gone...
        seen_ids: set[str] = set()
        # ...unless the input it came from failed now (an item, or a whole file that exists).
        failed_paths: set[str] = set()
        pending: dict[str, Extracted] = {}

        def note_skips(entries):
            for entry in entries:
                if isinstance(entry, Skip) and os.path.lexists(_file_of(entry.path)):
                    failed_paths.add(os.path.abspath(entry.path))
                yield entry

        def flush() -> None:
            if not pending:
                return
            with ix.writer(timeout=5.0) as w:
                for doc in pending.values():
                    w.update_document(**doc.fields)
            pending.clear()

        progress.start(total_size(sources))
        done = 0
        try:
            entries = note_skips(iter_items(sources))
            for results, size in extract_all(_batches(entries, report), jobs):
                for r in results:
                    if isinstance(r, Failed):
                        # Keep what the index has for an input that fails now: not gone.
                        failed_paths.add(os.path.abspath(r.path))
                        report.skip(r.path, r.reason)
                        continue
                    seen_ids.add(r.id)
                    old = known.get(r.id)
                    if old is not None and old == (r.path, r.fields[HASH]):
                        report.unchanged += 1
                        continue
                    if old is None and r.id not in pending:
                        report.added += 1
                    elif old is not None and r.id not in pending:
                        report.changed += 1
                    pending[r.id] = r
                    known[r.id] = (r.path, r.fields[HASH])
                    if len(pending) >= BATCH_DOCS:
                        flush()
                done += size
                progress.update(done, report.added + report.changed + report.unchanged,
                                report.skipped_total)
            flush()
            # By id, not by path: an edited text dump without a URL gets a new id at the
            # same path, and the lines of a JSON-lines file move up when one is removed.
            # A source that is missing altogether (an unmounted disk, a typo) says nothing
            # about its articles: they stay. Only files missing inside a source are gone.
            present = [src for src in sources if os.path.exists(src)]
            gone = [i for i, (path, _) in known.items()
                    if i not in seen_ids and _under(_file_of(path), present)
                    and not {os.path.abspath(path), os.path.abspath(_file_of(path))}
                    & failed_paths]
            if gone:
                with ix.writer(timeout=5.0) as w:
                    for article_id in gone:
                        w.delete_by_term(ID, article_id)
                report.removed = len(gone)
        finally:
            progress.finish()
        generations.fsync_tree(gen)
        report.seconds = clock() - started
        _write_update_report(gen, report)
    return report


def _write_update_report(gen: str, report: UpdateReport) -> None:
    tmp = os.path.join(gen, UPDATE_REPORT + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(report.as_dict(), f, indent=1, ensure_ascii=False)
    os.replace(tmp, os.path.join(gen, UPDATE_REPORT))
