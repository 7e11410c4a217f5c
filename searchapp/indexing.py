"""`reindex` and `update`: where extraction (indexer) meets a search backend.

Both read the sources through `indexer.pipeline` (a process pool over all cores, each
article prepared for the backend in its worker) and hand the results to the backend's
writing side: a full build switched in atomically, or changes by article id and content
hash. Whatever cannot be read is skipped with a reason in the report, never raised.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from indexer.discover import Skip, iter_items, missing_sources, shown, total_size
from indexer.errors import ScrapesearchError
from indexer.pipeline import RunReport, read_sources
from indexer.work import Extracted, Failed, hash_keys
from searchapp import duplicates, people
from searchapp.backends.base import Known, SearchBackend
from searchapp.unread import Unread, items_again


class NothingIndexed(ScrapesearchError):
    """A build produced no article: the live index is left as it was."""

    def __init__(self, message: str, report: BuildReport | None = None):
        super().__init__(message)
        self.report = report  # which inputs were skipped, and why


class MissingSource(ScrapesearchError):
    """A source named for a full build does not exist: nothing was built or switched."""

    def __init__(self, missing: list[str]):
        names = ", ".join(shown(m) for m in missing)
        which = (f"the source {names} does not" if len(missing) == 1
                 else f"the sources {names} do not")
        super().__init__(f"{which} exist, so the index was left as it was (--allow-missing "
                         "indexes the other sources without it)")
        self.missing = missing


class PeopleChanged(ScrapesearchError):
    """The index was built with other people rules or another alias file than `update`
    would apply: its facets would mix the two, so a reindex is asked for."""


def check_people(backend: SearchBackend) -> None:
    """PeopleChanged unless the live index was built with the people rules and aliases in
    use now (an index built before they were recorded passes: there is no telling)."""
    built = (backend.stats().get("report") or {}).get("people")
    if built is not None and built != people.fingerprint():
        raise PeopleChanged("the alias file (people.toml) or the people rules changed since "
                            "this index was built; run `scrapesearch reindex` to apply them "
                            "to every article")


class Progress:
    """Receives progress; the CLI draws a bar from it (progress.py). The default does nothing."""

    def start(self, total_bytes: int) -> None: ...

    def update(self, done_bytes: int, indexed: int, skipped: int) -> None: ...

    def finish(self) -> None: ...


@dataclass
class BuildReport(RunReport):
    """What a build did; the backend keeps it with the new index."""

    started: str = ""
    indexed: int = 0
    duplicates: int = 0
    # Articles that are copies of another one (in a cluster, besides its first), and what
    # that leaves: the stories (before the engine's rejections, if any).
    copies: int = 0
    stories: int = 0
    index: dict[str, Any] = field(default_factory=dict)  # what the backend says of it
    # The people rules and aliases it was built with (people.fingerprint; check_people).
    people: str = field(default_factory=lambda: people.fingerprint())

    @property
    def rate(self) -> float:
        return self.indexed / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "generation": self.generation,
            "sources": self.sources,
            "started": self.started,
            "seconds": round(self.seconds, 2),
            "documents": self.indexed,
            "indexed": self.indexed,
            "duplicates_replaced": self.duplicates,
            "copies": self.copies,
            "stories": self.stories,
            "skipped_total": self.skipped_total,
            "skipped": self.skipped_list(),
            "ignored_files": self.ignored,
            "passed_over": dict(self.passed_over.most_common()),
            **self.index,
            "articles_per_second": round(self.rate, 1),
            "people": self.people,
        }


@dataclass
class UpdateReport(RunReport):
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    unread: int = 0  # of the unchanged: items not read at all (their input digest was known)
    people: str = field(default_factory=lambda: people.fingerprint())

    def as_dict(self) -> dict[str, Any]:
        return {"generation": self.generation, "sources": self.sources, "added": self.added,
                "changed": self.changed, "unchanged": self.unchanged, "unread": self.unread,
                "removed": self.removed,
                "skipped_total": self.skipped_total, "skipped": self.skipped_list(),
                "seconds": round(self.seconds, 2),
                "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "people": self.people}


def prepare_of(backend: SearchBackend) -> Callable[[Any, str], Any]:
    """The backend's `prepare` with the aliases in use (people.use) bound to it: pool
    workers start from a fresh interpreter (forkserver), without them."""
    return people.bind(backend.prepare)


def _read(sources: list[str], backend: SearchBackend, report: RunReport, jobs: int,
          progress: Progress, counted: Callable[[], int], entries=None, unchanged=None
          ) -> Iterator[list[Extracted | Failed]]:
    """The pipeline's results batch by batch, with progress drawn as they come."""
    progress.start(total_size(sources))
    done = 0
    try:
        for results, size in read_sources(sources, report, jobs, prepare_of(backend), entries,
                                          unchanged):
            yield results
            done += size
            progress.update(done, counted(), report.skipped_total)
    finally:
        progress.finish()


def reindex(sources: list[str], backend: SearchBackend, jobs: int | None = None,
            progress: Progress | None = None, lock_timeout: float = 0.0,
            clock: Callable[[], float] = time.monotonic,
            allow_missing: bool = False) -> BuildReport:
    """Build a new index from `sources` and make it live; the report says what happened.

    Raises IndexBusy when another build runs, NothingIndexed when no article could be
    indexed, MissingSource when a source does not exist (checked before and after reading:
    a mistyped source would take its articles out of the live index) unless
    `allow_missing`; the live index is untouched then.
    """
    if not allow_missing and missing_sources(sources):
        raise MissingSource(missing_sources(sources))
    jobs = jobs or os.cpu_count() or 1
    progress = progress or Progress()
    report = BuildReport(sources=[shown(s) for s in sources])
    started = clock()
    report.started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    copies = duplicates.Collector()
    with backend.start_build(lock_timeout=lock_timeout) as build:
        report.generation = build.generation
        for results in _read(sources, backend, report, jobs, progress, lambda: report.indexed):
            for r in results:
                if isinstance(r, Failed):
                    report.skip(r.path, r.reason)
                    continue
                copies.add(r)
                if build.add(r):
                    report.duplicates += 1
                else:
                    report.indexed += 1
        if report.indexed == 0:
            report.seconds = clock() - started
            raise NothingIndexed("no article could be indexed, so the index was left as it was",
                                 report)
        if not allow_missing and missing_sources(sources):  # gone while it was read
            raise MissingSource(missing_sources(sources))
        clusters = copies.clusters()
        report.copies = len(clusters) - len(set(clusters.values()))
        report.stories = report.indexed - report.copies
        build.set_clusters(clusters)
        report.index = build.finish()
        # Articles the engine itself refused (it says why): skipped like unreadable inputs.
        for refused in report.index.pop("rejected", ()):
            report.skip(refused["id"], refused["reason"])
            report.indexed -= 1
        report.seconds = clock() - started
        build.commit(report.as_dict())
    return report


def _file_of(item_path: str) -> str:
    """The file an item came from: `data/x.jsonl#12` -> `data/x.jsonl`."""
    head, sep, tail = item_path.rpartition("#")
    return head if sep and tail.isdigit() else item_path


def _under(path: str, folders: list[str]) -> bool:
    """True when `path` was read from one of the folders (or files)."""
    p = os.path.abspath(path)
    for s in folders:
        s = os.path.abspath(s)
        if p == s or p.startswith(s.rstrip(os.sep) + os.sep):
            return True
    return False


def _old_root(old_path: str, rel: str) -> str | None:
    """The folder an article was read from before, when its input sat at `rel` below it."""
    old = os.path.abspath(old_path)
    tail = os.sep + rel.replace("/", os.sep)
    return old[: -len(tail)] if rel and old.endswith(tail) else None


def update(sources: list[str], backend: SearchBackend, jobs: int | None = None,
           progress: Progress | None = None, lock_timeout: float = 0.0,
           clock: Callable[[], float] = time.monotonic) -> UpdateReport:
    """Bring the live index in line with `sources` without rebuilding it.

    New ids are added, ids whose content hash changed are replaced, and ids read from
    these sources before that are not there now are removed, by id, not by path: an
    edited text dump without a URL gets a new id at the same path, and the lines of a
    JSON-lines file move up when one is removed.

    A source folder that has moved (ids do not depend on where it is) is updated from its
    new place: an article read again whose old folder no longer exists shows where the
    source was, and what else was read from there and is not here now is gone.

    Input items whose digest (indexer/digest.py) the index has are not read at all: their
    articles count as seen and unchanged (unread.py).
    """
    jobs = jobs or os.cpu_count() or 1
    progress = progress or Progress()
    report = UpdateReport(sources=[shown(s) for s in sources])
    started = clock()
    with backend.start_update(lock_timeout=lock_timeout) as upd:
        check_people(backend)
        report.generation = upd.generation
        known: dict[str, Known] = upd.known()
        # Ids read this time: any other id read from these sources before is gone...
        seen: set[str] = set()
        # ...unless the input it came from failed now (an item, or a whole file that exists).
        failed: set[str] = set()
        queued: set[str] = set()
        moved_from: set[str] = set()  # where source folders were before they moved

        def failed_now(path: str) -> bool:
            """True when the input at `path`, or a folder it is in, failed to read now."""
            p = os.path.abspath(path)
            while p not in failed:
                if os.path.dirname(p) == p:
                    return False
                p = os.path.dirname(p)
            return True

        def note_skips(entries):
            for entry in entries:
                if isinstance(entry, Skip) and os.path.lexists(_file_of(entry.path)):
                    failed.add(os.path.abspath(entry.path))
                yield entry

        unread = Unread(known)

        def counted() -> int:
            return report.added + report.changed + report.unchanged + unread.unread

        entries = unread.sift(note_skips(iter_items(sources)), seen)
        # The workers do not prepare an article whose content the index already has.
        unchanged = hash_keys(k.hash for k in known.values())

        added: dict[str, str] = {}  # id -> fingerprint of what was put (duplicates.py)

        def put(r: Extracted) -> None:
            if not r.prepared:  # its content is known under another id or path
                r = dataclasses.replace(r, doc=backend.prepare(r.doc, r.hash), prepared=True,
                                        fingerprint=duplicates.fingerprint(r))
            added[r.id] = r.fingerprint
            upd.put(r)
            known[r.id] = Known(r.path, r.hash, r.input)

        for results in _read(sources, backend, report, jobs, progress, counted, entries,
                             unchanged):
            for r in results:
                if isinstance(r, Failed):
                    # Keep what the index has for an input that fails now: not gone.
                    failed.add(os.path.abspath(r.path))
                    report.skip(r.path, r.reason)
                    continue
                seen.add(r.id)
                old = known.get(r.id)
                if old is not None and old.path != r.path:
                    root = _old_root(old.path, r.rel)
                    if root is not None and not os.path.exists(root):
                        moved_from.add(root)
                if unread.loses(r):  # a later input with its id, unread, is what the index has
                    continue
                if old is not None and (old.path, old.hash) == (r.path, r.hash):
                    # The same article from new input bytes: only its digest is new.
                    if old.input == r.input or upd.relabel(r.id, r.input):
                        known[r.id] = Known(old.path, old.hash, r.input)
                        report.unchanged += 1
                        continue
                if r.id not in queued:
                    if old is None:
                        report.added += 1
                    elif old.path != r.path or old.hash != r.hash:
                        report.changed += 1
                    else:
                        report.unchanged += 1
                queued.add(r.id)
                put(r)
                unread.wrote(r)
        again = unread.to_read_again()
        if again:  # unread items whose id an earlier item's article took: theirs wins
            for results, _ in read_sources(sources, report, jobs, prepare_of(backend),
                                           items_again(iter_items(sources), again)):
                for r in results:
                    if isinstance(r, Extracted):
                        put(r)
        report.unchanged += unread.unread
        report.unread = unread.unread
        # A source that is missing altogether (an unmounted disk, a typo) says nothing
        # about its articles: they stay. Only files missing inside a source are gone.
        present = [src for src in sources if os.path.exists(src)] + sorted(moved_from)
        gone = [i for i, k in known.items()
                if i not in seen and _under(_file_of(k.path), present)
                and not failed_now(k.path) and not failed_now(_file_of(k.path))]
        upd.remove(gone)
        report.removed = len(gone)
        if added or gone:
            upd.set_clusters(duplicates.reclustered(upd.duplicates(), added, gone))
        report.seconds = clock() - started
        upd.commit(report.as_dict())
        report.generation = upd.generation  # a backend may have switched to a new one
    return report
