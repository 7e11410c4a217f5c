"""Shared fixtures: the ../shared folder, small indexes built through the real pipeline, the app.

Tests that need ../shared or Chromium skip with a reason on a user's fresh clone; in CI
(CI=true) a missing prerequisite fails instead, so nothing is silently left untested.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = os.environ.get("CI", "").lower() == "true"


def need(condition: bool, reason: str) -> None:
    """Skip (or, in CI, fail) when a prerequisite is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: prerequisites must be present)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared() -> Path:
    need(SHARED.is_dir(), f"../shared is not beside the repository ({SHARED})")
    return SHARED


@pytest.fixture(scope="session")
def chromium() -> str:
    need(CHROMIUM is not None, "Chromium is not installed (apt-get install -y chromium)")
    return CHROMIUM


def article(**fields) -> dict:
    """An Article JSON record with defaults, for writing JSONL test inputs."""
    base = {"headline": "Untitled", "body": "", "source": None, "published": None,
            "authors": [], "tags": [], "quotes": [], "comments": [], "url": None}
    base.update(fields)
    return base


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def build_index(tmp: Path, records: list[dict], name: str = "index") -> Path:
    """Index `records` through the real reindex pipeline (in process); returns the index dir."""
    from searchapp.backends.whoosh import WhooshBackend
    from searchapp.indexing import reindex

    src = write_jsonl(tmp / f"{name}-input.jsonl", records)
    index_dir = tmp / name
    reindex([str(src)], WhooshBackend(str(index_dir)), jobs=1)
    return index_dir


@pytest.fixture
def make_index(tmp_path):
    def make(records: list[dict], name: str = "index") -> Path:
        return build_index(tmp_path, records, name)
    return make


def app_for(index_dir: Path | str, instance_dir: Path):
    """The Flask app over `index_dir`, for tests."""
    from searchapp import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)},
                      instance_path=str(instance_dir))


@pytest.fixture
def make_app(tmp_path):
    def make(index_dir: Path | str):
        return app_for(index_dir, tmp_path / "instance")
    return make


def bench_module(name: str):
    """A script of bench/ loaded as a module (bench/ is scripts, not a package), registered
    under its name: its dataclasses look their module up by name."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
