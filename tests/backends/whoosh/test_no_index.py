"""A Whoosh index directory that is missing, half-built or unreadable: every route answers 503
with a sentence and nothing on disk is touched (reliability.md T07)."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from pathlib import Path

import pytest
from conftest import build_index
from contract.test_views import RECORDS, _assert_503


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory.mktemp("views"), RECORDS)


def snapshot(root: Path) -> dict | None:
    """Every entry under `root`: symlink targets, file sizes and hashes, directories."""
    if not os.path.lexists(root):
        return None
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath, name)
            rel = str(p.relative_to(root))
            if p.is_symlink():
                out[rel] = ("link", os.readlink(p))
            elif p.is_dir():
                out[rel] = ("dir",)
            else:
                out[rel] = ("file", p.stat().st_size, hashlib.sha1(p.read_bytes()).hexdigest())
    return out


def _copy_generation(index_dir: Path, dest: Path) -> Path:
    shutil.copytree(index_dir, dest, symlinks=True)
    return Path(os.path.realpath(dest / "current"))


def _no_report(index_dir, dest):
    (_copy_generation(index_dir, dest) / "build-report.json").unlink()


def _no_toc(index_dir, dest):
    for toc in _copy_generation(index_dir, dest).glob("_MAIN_*.toc"):
        toc.unlink()


def _dangling(index_dir, dest):
    dest.mkdir()
    os.symlink("gen-missing", dest / "current")


def _empty_current(index_dir, dest):
    (dest / "gen-empty").mkdir(parents=True)
    os.symlink("gen-empty", dest / "current")


def _other_format(index_dir, dest):
    report = _copy_generation(index_dir, dest) / "build-report.json"
    report.write_text(report.read_text().replace('"format_version": ', '"format_version": 9'))


NO_INDEX = {
    "missing-dir": lambda index_dir, dest: None,
    "empty-dir": lambda index_dir, dest: dest.mkdir(),
    "current-without-report": _no_report,
    "current-without-toc": _no_toc,
    "current-dangling": _dangling,
    "current-empty-generation": _empty_current,
    "other-format-version": _other_format,
}


@pytest.mark.parametrize("case", list(NO_INDEX))
def test_no_index_is_503_and_untouched(case, index_dir, make_app, tmp_path):
    dest = tmp_path / "idx"
    NO_INDEX[case](index_dir, dest)
    before = snapshot(dest)
    _assert_503(make_app(dest))
    assert snapshot(dest) == before


def test_unopenable_index_is_503_and_untouched(index_dir, make_app, tmp_path, monkeypatch):
    """EMFILE while opening (too many open files) must not look like 'no index, create one'."""
    from searchapp.backends.whoosh import snapshot as holder

    dest = tmp_path / "idx"
    _copy_generation(index_dir, dest)
    before = snapshot(dest)

    def emfile(*args, **kwargs):
        raise OSError(errno.EMFILE, "Too many open files")

    monkeypatch.setattr(holder.whoosh_index, "open_dir", emfile)
    monkeypatch.setattr(holder, "OPEN_RETRY_DELAY", 0)
    _assert_503(make_app(dest))
    assert snapshot(dest) == before
