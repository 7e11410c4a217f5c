"""The index directory: generations, the `current` symlink, the build lock, build reports.

    <index-dir>/current -> gen-20261125T101500-1234   (relative symlink, swapped atomically)
    <index-dir>/gen-*/                                 (one Whoosh index each + build-report.json)
    <index-dir>/.build.lock                            (flock held by reindex/update)

Readers resolve `current` once per request and open the generation by its real path, so a
swap never redirects a file open half-way (reliability.md B3). Reading never creates
anything; only a build (the command line) does. Both `reindex` and `update` write a new
generation and swap it in: the live one is never written, so a run that is killed or
runs out of disk leaves it as it was, and what it leaves behind (a generation without a
build report) is deleted by the next run.

Retention (remove_old_generations): the live generation and the one before it are always
kept; of the others, at most GRACE_KEPT that were superseded less than the grace period
ago are kept (the newest of them), so a request or an export still reading one can finish;
everything else goes. So after a run at most 2 + GRACE_KEPT generations remain, one more
while a run writes its own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from typing import Any

from indexer.errors import ScrapesearchError
from searchapp.backends.base import IndexBusy

CURRENT = "current"
LOCK = ".build.lock"
REPORT = "build-report.json"
GEN_PREFIX = "gen-"
# An old generation is deleted only this long after it was superseded, so a request or an
# export still reading it finishes first (longer than gunicorn's timeout).
# SCRAPESEARCH_GENERATION_GRACE (seconds) changes it.
GRACE_SECONDS = float(os.environ.get("SCRAPESEARCH_GENERATION_GRACE", 15 * 60))
# At most this many superseded generations are kept for the grace period (besides the live
# one and the one before it): repeated builds once left 12 at once.
GRACE_KEPT = 2
# What a write raises when the disk (or the user's quota) is full.
DISK_FULL_ERRORS = (errno.ENOSPC, errno.EDQUOT)
# os.link failing for these reasons (another device, a file system without hard links,
# too many links) means: copy instead.
CANNOT_LINK = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP}


class DiskFull(ScrapesearchError):
    """A build or update ran out of space; what it wrote was removed, the live index kept."""

    def __init__(self, index_dir: str):
        super().__init__(f"the disk holding {index_dir} is full, so the live index was left "
                         "as it was; free some space and run the command again")
        self.index_dir = index_dir


@contextlib.contextmanager
def disk_full_is_said(index_dir: str) -> Iterator[None]:
    """Turn a write that fails for want of space into DiskFull (one sentence for the CLI)."""
    try:
        yield
    except OSError as e:
        if e.errno in DISK_FULL_ERRORS:
            raise DiskFull(index_dir) from e
        raise


def current_path(index_dir: str) -> str | None:
    """Real path of the live generation, or None when there is none (or it is incomplete)."""
    link = os.path.join(index_dir, CURRENT)
    try:
        real = os.path.realpath(link, strict=True)
    except (OSError, RuntimeError):
        return None
    return real if os.path.isfile(os.path.join(real, REPORT)) else None


def read_report(gen_path: str) -> dict[str, Any] | None:
    """The build report of a generation, or None when it has none (an aborted build)."""
    try:
        with open(os.path.join(gen_path, REPORT), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def new_generation_name(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return f"{GEN_PREFIX}{now:%Y%m%dT%H%M%S}-{now.microsecond:06d}-{os.getpid()}"


def list_generations(index_dir: str) -> list[str]:
    """Generation directory names, oldest first (names sort by creation time)."""
    try:
        names = os.listdir(index_dir)
    except FileNotFoundError:
        return []
    return sorted(n for n in names if n.startswith(GEN_PREFIX)
                  and os.path.isdir(os.path.join(index_dir, n)))


@contextlib.contextmanager
def build_lock(index_dir: str, timeout: float = 0.0) -> Iterator[None]:
    """Hold the index's build lock; IndexBusy when another build holds it past `timeout`."""
    os.makedirs(index_dir, exist_ok=True)
    path = os.path.join(index_dir, LOCK)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
                    who = f" (process {holder})" if holder.isdigit() else ""
                    raise IndexBusy(
                        f"another reindex or update is already running on {index_dir}{who}; "
                        "try again when it has finished") from None
                time.sleep(0.1)
        # Who holds the lock, for the message above: a note only (a full disk may refuse it).
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def fsync_tree(path: str) -> None:
    """fsync every file in a directory, then the directory itself (Whoosh never does)."""
    for name in os.listdir(path):
        full = os.path.join(path, name)
        if os.path.isfile(full):
            fd = os.open(full, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_dir(path)


def fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def link_or_copy(src: str, dst: str) -> None:
    """Make `dst` a hard link to `src`, or a copy where hard links are not possible."""
    try:
        os.link(src, dst)
    except OSError as e:
        if e.errno not in CANNOT_LINK:
            raise
        shutil.copy2(src, dst)


def write_report(gen_path: str, report: dict[str, Any]) -> None:
    """Write the report atomically: a generation is complete exactly when it has one."""
    tmp = os.path.join(gen_path, REPORT + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, os.path.join(gen_path, REPORT))
    fsync_dir(gen_path)


def swap_current(index_dir: str, gen_name: str) -> None:
    """Point `current` at `gen_name` in one atomic rename."""
    tmp = os.path.join(index_dir, f".{CURRENT}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    os.symlink(gen_name, tmp)
    os.replace(tmp, os.path.join(index_dir, CURRENT))
    fsync_dir(index_dir)


def remove_old_generations(index_dir: str, grace: float | None = None,
                           now: float | None = None) -> list[str]:
    """Delete generations nobody can be reading, or too many to keep; return their names.

    Kept: the current and the previous complete generation, and of the generations
    superseded less than `grace` seconds ago the newest GRACE_KEPT. Incomplete generations
    (aborted or killed runs) are deleted at once: the caller holds the build lock, so no
    run is writing them.
    """
    now = time.time() if now is None else now
    grace = GRACE_SECONDS if grace is None else grace
    live = current_path(index_dir)
    live_name = os.path.basename(live) if live else None
    names = list_generations(index_dir)
    complete = [n for n in names if read_report(os.path.join(index_dir, n)) is not None]
    keep = {live_name}
    if live_name in complete:
        i = complete.index(live_name)
        if i > 0:
            keep.add(complete[i - 1])
    in_grace = []
    for name in complete:
        if name in keep:
            continue
        later = complete[complete.index(name) + 1:]
        swapped = [read_report(os.path.join(index_dir, n)) or {} for n in later]
        superseded_at = min((r.get("swapped_at_epoch", now) for r in swapped), default=now)
        if now - superseded_at < grace:
            in_grace.append(name)
    keep.update(in_grace[max(0, len(in_grace) - GRACE_KEPT):])  # the newest of them
    removed = []
    for name in names:
        if name not in keep:
            shutil.rmtree(os.path.join(index_dir, name), ignore_errors=True)
            removed.append(name)
    return removed
