"""The package arrows (DESIGN 2): read from the source, and checked in fresh interpreters.

- Only searchapp/backends/whoosh/ imports `whoosh`.
- `indexer` (extraction, the Article record) imports neither `searchapp` nor Flask.
- Flask is imported only by the web app's modules, so the command line, the indexing and
  the extraction workers never load it.
- Nothing but the backend registry names a backend's package: views, templates, the feed,
  the search layer and the CLI speak to the interface.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest
from conftest import REPO

PACKAGES = ("indexer", "searchapp")
WEB = ("searchapp/app.py", "searchapp/errors.py", "searchapp/urls.py", "searchapp/views/")


def imports() -> dict[str, set[str]]:
    """Every module imported anywhere in each of our source files (top level or not)."""
    out = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            found = set()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(a.name for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module)
            out[str(path.relative_to(REPO))] = found
    return out


def importers(of: str) -> set[str]:
    return {path for path, mods in imports().items()
            if any(m == of or m.startswith(of + ".") for m in mods)}


def test_the_import_graph_is_read():
    graph = imports()
    assert len(graph) > 60
    assert "searchapp.backends.base" in graph["searchapp/search/service.py"]


def test_only_the_whoosh_backend_imports_whoosh():
    # searchapp/analysis.py takes Whoosh's stop words, accent map and Porter stemmer: every
    # backend analyses text with them, so that all engines match the same words.
    outside = {p for p in importers("whoosh") if not p.startswith("searchapp/backends/whoosh/")}
    assert outside == {"searchapp/analysis.py"}
    assert importers("whoosh")  # the check would pass vacuously otherwise


def test_indexer_imports_neither_searchapp_nor_flask():
    for module in ("searchapp", "flask", "werkzeug", "whoosh"):
        assert {p for p in importers(module) if p.startswith("indexer/")} == set(), module


def test_flask_is_imported_only_by_the_web_app():
    assert {p for p in importers("flask") | importers("werkzeug")
            if not p.startswith(WEB)} == set()


def test_only_the_registry_names_a_backend_package():
    named = {p for p, mods in imports().items()
             if any(m.startswith("searchapp.backends.whoosh") for m in mods)}
    assert {p for p in named if not p.startswith("searchapp/backends/")} == set()
    registry = (REPO / "searchapp" / "backends" / "__init__.py").read_text(encoding="utf-8")
    assert "searchapp.backends.whoosh:WhooshBackend" in registry
    for template in (REPO / "searchapp" / "templates").rglob("*.html"):
        assert "whoosh" not in template.read_text(encoding="utf-8").lower(), template


@pytest.mark.parametrize(("code", "absent"), [
    ("import indexer.pipeline, indexer.extract, indexer.discover",
     ("searchapp", "flask", "whoosh")),
    ("import searchapp, searchapp.cli, searchapp.indexing, searchapp.search.service",
     ("flask", "whoosh")),
    ("import searchapp.backends, searchapp.backends.whoosh", ("flask",)),
])
def test_what_an_import_loads(code, absent):
    """In a fresh interpreter: the CLI and the workers load no web framework."""
    check = f"{code}\nimport sys\nprint(sorted(m for m in {absent!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                          timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
