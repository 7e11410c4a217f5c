"""A full disk (issue 9, finding 2): `update` and `reindex` stop with one sentence saying the
disk is full, the live index keeps serving, nothing is left behind, and the next run
succeeds once space is freed — with no one deleting files by hand.

The disk is real: a small tmpfs mounted for the test (as root; CI runs as root, so there
it must not skip). Whoosh only: a full disk under OpenSearch is the cluster's own affair
(its flood-stage watermark), tested with the OpenSearch backend.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import need, write_jsonl
from newsgen import records

from searchapp.backends.whoosh import WhooshBackend
from searchapp.search.params import SearchParams
from searchapp.search.service import run_search

pytestmark = pytest.mark.slow

DISK_MB = 8
# Bytes left free once the disk is filled: room for a few files, far less than a run needs.
LEAVE_FREE = 96 * 1024


@pytest.fixture
def small_disk(tmp_path):
    """A DISK_MB tmpfs mounted on a fresh folder; unmounted whatever happens."""
    need(os.geteuid() == 0, "mounting a small tmpfs for the disk-full tests needs root")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs",
                              str(mount_point)], capture_output=True, text=True)
    need(mounted.returncode == 0,
         f"cannot mount a tmpfs here ({mounted.stderr.strip() or mounted.returncode})")
    try:
        yield mount_point
    finally:
        if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill `disk` with one file, then give back `leave` bytes; return the file."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    chunk = b"\0" * 65536
    try:
        while True:
            os.write(fd, chunk)
    except OSError as e:
        assert e.errno == errno.ENOSPC, e
    finally:
        os.close(fd)
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SCRAPESEARCH_INSTANCE": str(cwd / "instance"),
           "SCRAPESEARCH_BACKEND": "whoosh"}
    return subprocess.run([sys.executable, "-m", "searchapp", *args, "--quiet", "--jobs", "2"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def listing(root: Path) -> dict[str, int | str]:
    """Every entry under `root`: file sizes, symlink targets, directories (the lock aside)."""
    out: dict[str, int | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath, name)
            rel = str(p.relative_to(root))
            if rel == ".build.lock":
                continue  # holds the pid of the last run
            out[rel] = (f"-> {os.readlink(p)}" if p.is_symlink() else
                        "dir" if p.is_dir() else p.stat().st_size)
    return out


def serving(index_dir: Path, backend: WhooshBackend) -> int:
    """Search the live index as the web app does; return the total of a match-all search."""
    word = run_search(backend, SearchParams.from_args({"q": "election"}))
    assert word.total > 0
    return run_search(backend, SearchParams()).total


def test_update_and_reindex_on_a_full_disk(small_disk, tmp_path):
    old = records(400, seed=1)
    new = records(400, seed=1)[100:] + records(300, seed=2)  # 100 gone, 300 more
    for i, r in enumerate(new[300:]):
        r["id"] = f"more-{i:03d}"
    src = tmp_path / "feed.jsonl"
    write_jsonl(src, old)
    index_dir = small_disk / "index"
    built = cli("reindex", "--index-dir", str(index_dir), str(src), cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    backend = WhooshBackend(str(index_dir))
    assert serving(index_dir, backend) == 400

    filler = fill(small_disk, LEAVE_FREE)
    before = listing(index_dir)
    write_jsonl(src, new)
    full = f"Error: The disk holding {index_dir} is full"
    for command in ("update", "reindex"):
        failed = cli(command, "--index-dir", str(index_dir), str(src), cwd=tmp_path)
        assert failed.returncode == 3, (command, failed.stderr)
        assert full in failed.stderr, (command, failed.stderr)
        assert "Traceback" not in failed.stderr
        assert listing(index_dir) == before, command  # no orphan, no half-built generation
        assert serving(index_dir, backend) == 400  # the open snapshot
        assert serving(index_dir, WhooshBackend(str(index_dir))) == 400  # a new reader

    filler.unlink()
    for command in ("update", "reindex"):
        done = cli(command, "--index-dir", str(index_dir), str(src), cwd=tmp_path)
        assert done.returncode == 0, (command, done.stderr)
        assert serving(index_dir, backend) == 600
        assert serving(index_dir, WhooshBackend(str(index_dir))) == 600
    report = json.loads((index_dir / "current" / "build-report.json").read_text())
    assert report["documents"] == 600
    backend.close()
