"""The index directory: atomic swaps, the build lock, and which generations may be deleted.

reliability.md A1/A3 (one writer, a lock the kernel releases when its holder dies), B3
(atomic swap) and B4 (retention never deletes the live generation).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import article

from searchapp.backends.base import IndexBusy as IndexBusyError
from searchapp.backends.whoosh import WhooshBackend, building, generations
from searchapp.indexing import reindex as reindex_into

GRACE = generations.GRACE_SECONDS


def reindex(sources: list[str], index_dir: str, **kwargs):
    return reindex_into(sources, WhooshBackend(index_dir), **kwargs)

HOLD_LOCK = """
import sys
from searchapp.backends.whoosh import generations
with generations.build_lock(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.read()
"""


class LockHolder:
    """Another process holding an index's build lock until it is released or killed."""

    def __init__(self, index_dir: str | Path):
        self.proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(index_dir)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line.strip() == "locked", "the lock holder did not start"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def release(self) -> None:
        """Let the holder leave its `with` block and exit normally."""
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)

    def kill(self) -> None:
        """kill -9: the holder gets no chance to unlock; the kernel must release the flock."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def close(self) -> None:
        self.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream and not stream.closed:
                stream.close()


@pytest.fixture
def lock_holder():
    holders: list[LockHolder] = []

    def start(index_dir) -> LockHolder:
        holders.append(LockHolder(index_dir))
        return holders[-1]

    yield start
    for h in holders:
        h.close()


def make_generation(index_dir: Path, name: str, swapped_at: float | None,
                    complete: bool = True) -> str:
    """A fake generation directory: with a build report when complete (no Whoosh files)."""
    path = index_dir / name
    path.mkdir(parents=True)
    (path / "_MAIN_1.toc").write_bytes(b"")
    if complete:
        report = {"generation": name, "documents": 1}
        if swapped_at is not None:
            report["swapped_at_epoch"] = swapped_at
        generations.write_report(str(path), report)
    return name


def gens(index_dir: Path) -> list[str]:
    return generations.list_generations(str(index_dir))


# ----------------------------------------------------------------------------- swap


def test_current_path_needs_a_complete_generation(tmp_path):
    assert generations.current_path(str(tmp_path)) is None
    make_generation(tmp_path, "gen-1", None, complete=False)
    generations.swap_current(str(tmp_path), "gen-1")
    assert generations.current_path(str(tmp_path)) is None  # no report: not live
    make_generation(tmp_path, "gen-2", 100.0)
    generations.swap_current(str(tmp_path), "gen-2")
    assert generations.current_path(str(tmp_path)) == os.path.realpath(tmp_path / "gen-2")
    # A relative link, so the index directory can be moved or mounted elsewhere.
    assert os.readlink(tmp_path / "current") == "gen-2"


READ_CURRENT = """
import json, os, sys
from searchapp.backends.whoosh import generations
index_dir, stop = sys.argv[1], sys.argv[2]
seen = set()
print("ready", flush=True)
while not os.path.exists(stop):
    seen.add(generations.current_path(index_dir))
print(json.dumps(sorted(seen, key=str)))
"""


def test_swap_is_atomic_for_readers(tmp_path):
    """A reader resolving `current` during many swaps never finds it missing or incomplete.

    The reader is another process, so it runs truly beside the swaps (a thread would mostly
    wait for the GIL); an unlink-then-rename swap fails here in most runs.
    """
    a = make_generation(tmp_path, "gen-a", 1.0)
    b = make_generation(tmp_path, "gen-b", 2.0)
    generations.swap_current(str(tmp_path), a)
    stop = tmp_path / "stop"
    with subprocess.Popen([sys.executable, "-c", READ_CURRENT, str(tmp_path), str(stop)],
                          stdout=subprocess.PIPE, text=True) as reader:
        try:
            assert reader.stdout.readline().strip() == "ready"
            for i in range(500):
                generations.swap_current(str(tmp_path), b if i % 2 == 0 else a)
        finally:
            stop.touch()
            out, _ = reader.communicate(timeout=30)
    assert json.loads(out) == [str(tmp_path / a), str(tmp_path / b)]
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


def test_reindex_leaves_current_at_a_complete_generation(make_index, tmp_path):
    index_dir = make_index([article(headline="One", body="first")])
    live = generations.current_path(str(index_dir))
    report = generations.read_report(live)
    assert report["documents"] == 1 and report["generation"] == os.path.basename(live)
    assert report["swapped_at_epoch"] <= time.time()


def test_a_failed_build_removes_its_generation_and_keeps_the_live_one(make_index, tmp_path,
                                                                      monkeypatch):
    index_dir = make_index([article(headline="One", body="first")])
    live = generations.current_path(str(index_dir))

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(building.GenerationWriter, "add", boom)
    src = tmp_path / "index-input.jsonl"
    with pytest.raises(generations.DiskFull, match=f"the disk holding {index_dir} is full"):
        reindex([str(src)], str(index_dir), jobs=1)
    assert generations.current_path(str(index_dir)) == live
    assert gens(index_dir) == [os.path.basename(live)]


def test_next_reindex_removes_a_build_killed_half_way(make_index, tmp_path):
    """A generation with no report (its build was killed) goes at the next run (T31)."""
    index_dir = make_index([article(headline="One", body="first")])
    make_generation(index_dir, "gen-99990101T000000-000000-1", None, complete=False)
    reindex([str(tmp_path / "index-input.jsonl")], str(index_dir), jobs=1)
    names = gens(index_dir)
    assert "gen-99990101T000000-000000-1" not in names
    assert len(names) == 2  # the new live one and its predecessor


# ----------------------------------------------------------------------------- lock


def test_lock_is_exclusive_and_fails_at_once(tmp_path):
    with generations.build_lock(str(tmp_path)):
        started = time.monotonic()
        with pytest.raises(IndexBusyError, match="already running"):
            with generations.build_lock(str(tmp_path)):
                pass
        assert time.monotonic() - started < 1.0
    with generations.build_lock(str(tmp_path)):  # released on leaving the block
        pass


def test_lock_waits_up_to_the_timeout(tmp_path):
    with generations.build_lock(str(tmp_path)):
        started = time.monotonic()
        with pytest.raises(IndexBusyError):
            with generations.build_lock(str(tmp_path), timeout=0.5):
                pass
        assert 0.5 <= time.monotonic() - started < 3.0


def test_lock_is_released_on_an_exception(tmp_path):
    with pytest.raises(RuntimeError):
        with generations.build_lock(str(tmp_path)):
            raise RuntimeError("a build failed")
    with generations.build_lock(str(tmp_path)):
        pass


def test_lock_held_by_another_process_names_it(tmp_path, lock_holder):
    holder = lock_holder(tmp_path)
    with pytest.raises(IndexBusyError) as e:
        with generations.build_lock(str(tmp_path)):
            pass
    assert f"(process {holder.pid})" in str(e.value)


def test_lock_is_released_when_the_holder_is_killed(tmp_path, lock_holder):
    holder = lock_holder(tmp_path)
    with pytest.raises(IndexBusyError):
        with generations.build_lock(str(tmp_path), timeout=0.2):
            pass
    holder.kill()
    started = time.monotonic()
    with generations.build_lock(str(tmp_path)):  # at once: no wait, no stale lock to clear
        pass
    assert time.monotonic() - started < 1.0


def test_waiting_for_the_lock_succeeds_when_the_holder_finishes(tmp_path, lock_holder):
    holder = lock_holder(tmp_path)
    timer = threading.Timer(0.5, holder.release)
    timer.start()
    try:
        started = time.monotonic()
        with generations.build_lock(str(tmp_path), timeout=20):
            waited = time.monotonic() - started
    finally:
        timer.cancel()
    assert 0.3 <= waited < 10


# ------------------------------------------------------------------------ retention


def test_retention_keeps_current_and_previous(tmp_path):
    for i, name in enumerate(["gen-1", "gen-2", "gen-3", "gen-4"]):
        make_generation(tmp_path, name, swapped_at=1000.0 * (i + 1))
    generations.swap_current(str(tmp_path), "gen-4")
    removed = generations.remove_old_generations(str(tmp_path), grace=GRACE,
                                                 now=4000.0 + 10 * GRACE)
    assert sorted(removed) == ["gen-1", "gen-2"]
    assert gens(tmp_path) == ["gen-3", "gen-4"]


def test_retention_keeps_generations_superseded_within_the_grace_period(tmp_path):
    # gen-1 was superseded when gen-2 was swapped in (t=2000), gen-2 when gen-3 was (t=3000).
    for i, name in enumerate(["gen-1", "gen-2", "gen-3", "gen-4"]):
        make_generation(tmp_path, name, swapped_at=1000.0 * (i + 1))
    generations.swap_current(str(tmp_path), "gen-4")
    assert generations.remove_old_generations(str(tmp_path), grace=GRACE,
                                              now=2000.0 + GRACE - 1) == []
    assert generations.remove_old_generations(str(tmp_path), grace=GRACE,
                                              now=2000.0 + GRACE + 1) == ["gen-1"]
    assert generations.remove_old_generations(str(tmp_path), grace=GRACE,
                                              now=3000.0 + GRACE + 1) == ["gen-2"]
    assert gens(tmp_path) == ["gen-3", "gen-4"]


def test_retention_bounds_the_generations_kept_in_grace(tmp_path):
    """Issue 9, finding 10(b): 12 generations at once during repeated builds. Besides the
    live and the previous one, at most GRACE_KEPT superseded generations stay within the
    grace period; the oldest go first."""
    names = [f"gen-{i:02d}" for i in range(1, 13)]
    for i, name in enumerate(names):
        make_generation(tmp_path, name, swapped_at=1000.0 + i)
    generations.swap_current(str(tmp_path), names[-1])
    removed = generations.remove_old_generations(str(tmp_path), grace=GRACE, now=1020.0)
    assert removed == names[:12 - 2 - generations.GRACE_KEPT]
    assert gens(tmp_path) == names[-2 - generations.GRACE_KEPT:]
    assert generations.GRACE_KEPT == 2


def test_repeated_reindex_keeps_a_bounded_number_of_generations(make_index, tmp_path):
    index_dir = make_index([article(headline="One", body="first")])
    src = tmp_path / "index-input.jsonl"
    for _ in range(6):  # all within the grace period
        reindex([str(src)], str(index_dir), jobs=1)
        assert len(gens(index_dir)) <= 2 + generations.GRACE_KEPT
    assert generations.current_path(str(index_dir)) == str(index_dir / gens(index_dir)[-1])


def test_retention_removes_aborted_builds_at_once(tmp_path):
    make_generation(tmp_path, "gen-1", 1000.0)
    make_generation(tmp_path, "gen-2", None, complete=False)
    make_generation(tmp_path, "gen-3", 3000.0)
    generations.swap_current(str(tmp_path), "gen-3")
    removed = generations.remove_old_generations(str(tmp_path), grace=GRACE, now=3001.0)
    assert removed == ["gen-2"]
    assert gens(tmp_path) == ["gen-1", "gen-3"]


def test_retention_never_removes_the_live_generation_behind_newer_aborted_builds(tmp_path):
    """reliability.md B4: "keep the two newest dirs" once deleted the live generation."""
    make_generation(tmp_path, "gen-1", 1000.0)
    make_generation(tmp_path, "gen-2", 2000.0)
    for name in ("gen-3", "gen-4", "gen-5"):
        make_generation(tmp_path, name, None, complete=False)
    os.utime(tmp_path / "gen-2", (0, 0))  # the oldest by mtime, too
    generations.swap_current(str(tmp_path), "gen-2")
    removed = generations.remove_old_generations(str(tmp_path), grace=GRACE,
                                                 now=2000.0 + 100 * GRACE)
    assert sorted(removed) == ["gen-3", "gen-4", "gen-5"]
    assert gens(tmp_path) == ["gen-1", "gen-2"]
    assert generations.current_path(str(tmp_path)) == str(tmp_path / "gen-2")


def test_retention_after_a_rollback_keeps_the_live_one(tmp_path):
    """`current` pointed back at an older generation: it stays, whatever came after it."""
    for i, name in enumerate(["gen-1", "gen-2", "gen-3"]):
        make_generation(tmp_path, name, swapped_at=1000.0 * (i + 1))
    generations.swap_current(str(tmp_path), "gen-1")
    generations.remove_old_generations(str(tmp_path), grace=GRACE, now=3000.0 + 100 * GRACE)
    assert "gen-1" in gens(tmp_path)
    assert generations.current_path(str(tmp_path)) == str(tmp_path / "gen-1")


def test_retention_without_any_live_generation_keeps_the_newest(tmp_path):
    make_generation(tmp_path, "gen-1", 1000.0)
    make_generation(tmp_path, "gen-2", 2000.0)
    generations.remove_old_generations(str(tmp_path), grace=GRACE, now=2000.0 + 100 * GRACE)
    assert "gen-2" in gens(tmp_path)


def test_retention_ignores_other_entries(tmp_path):
    make_generation(tmp_path, "gen-1", 1000.0)
    generations.swap_current(str(tmp_path), "gen-1")
    (tmp_path / "notes").mkdir()
    (tmp_path / "generation-notes.txt").write_text("keep me")
    (tmp_path / "gen-file").write_text("not a directory")
    generations.remove_old_generations(str(tmp_path), grace=0, now=1e12)
    assert sorted(os.listdir(tmp_path)) == ["current", "gen-1", "gen-file",
                                            "generation-notes.txt", "notes"]


def test_repeated_reindex_keeps_at_most_two_generations(make_index, tmp_path):
    index_dir = make_index([article(headline="One", body="first")])
    src = tmp_path / "index-input.jsonl"
    for _ in range(3):
        reindex([str(src)], str(index_dir), jobs=1)
    # The grace period keeps recently superseded generations; with none it is {current,
    # previous}. The swapped_at_epoch of each report is real time, so pass `now` far ahead.
    generations.remove_old_generations(str(index_dir), now=time.time() + 2 * GRACE)
    names = gens(index_dir)
    assert len(names) == 2
    assert generations.current_path(str(index_dir)) == str(index_dir / names[-1])
