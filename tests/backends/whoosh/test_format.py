"""The index survives refactors: an index built by scrapesearch 0.1 is read as it was, an index
of another format version is refused with one sentence, nothing in an index is unpickled by
our module paths, and the backend refuses a Whoosh whose on-disk format it does not read."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, app_for, article, build_index

from searchapp.backends.base import NEWER, OLDER, BackendError, IndexUnavailable
from searchapp.backends.whoosh import WhooshBackend, check_whoosh, generations
from searchapp.cli import EXIT_FAILED, cli
from searchapp.indexing import reindex
from searchapp.search.params import SearchParams
from searchapp.search.service import iter_articles, run_search

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "index-0.1"
QUERIES = ["", "harbour", "café", "muller", '"nine days"', "speaker:ortiz", "commenter:pier",
           "quote:came", "comment:work", "date:2021", "ferr*", "harbor~"]


def page(backend, q: str) -> dict:
    d = run_search(backend, SearchParams.from_args({"q": q, "scope_counts": "1"}),
                   scope_counts=True).to_dict()
    for volatile in ("took_ms", "generation"):
        d.pop(volatile)
    return d


@pytest.fixture
def old_index(tmp_path) -> Path:
    """A copy of the 0.1 index (reading must not need to write, but a test never risks it)."""
    shutil.copytree(FIXTURE / "index", tmp_path / "index", symlinks=True)
    return tmp_path / "index"


def test_an_index_built_by_0_1_is_read_as_it_was(old_index, tmp_path, monkeypatch):
    toc = next(Path(generations.current_path(str(old_index))).glob("_MAIN_*.toc")).read_bytes()
    assert b"indexer.schema" in toc  # a module that no longer exists: never unpickled
    old = WhooshBackend(str(old_index))
    monkeypatch.chdir(FIXTURE)  # the ids of the records were made from this path
    new = WhooshBackend(str(tmp_path / "new"))
    reindex(["records.jsonl"], new, jobs=1)
    for q in QUERIES:
        assert page(old, q) == page(new, q), q
    assert [a.as_dict() for a in iter_articles(old, SearchParams())] == \
        [a.as_dict() for a in iter_articles(new, SearchParams())]
    assert old.health().documents == 3
    assert old.stats()["report"]["schema_version"] == 2


def test_an_update_of_a_0_1_index_keeps_it_readable(old_index, monkeypatch):
    from searchapp.indexing import update

    monkeypatch.chdir(FIXTURE)
    backend = WhooshBackend(str(old_index))
    report = update(["records.jsonl"], backend, jobs=1)
    assert (report.added, report.changed, report.unchanged) == (0, 0, 3)
    assert backend.health().documents == 3


def _with_format(index_dir: Path, version) -> None:
    report = Path(generations.current_path(str(index_dir))) / generations.REPORT
    data = json.loads(report.read_text(encoding="utf-8"))
    data.pop("schema_version", None)
    data.pop("format_version", None)
    if version is not None:
        data["format_version"] = version
    report.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(("version", "sentence"), [(1, OLDER), (None, OLDER), (3, NEWER)])
def test_another_format_is_refused_with_one_sentence(tmp_path, version, sentence):
    index_dir = build_index(tmp_path, [article(id="a", headline="A", body="b")])
    _with_format(index_dir, version)
    backend = WhooshBackend(str(index_dir))
    with pytest.raises(IndexUnavailable) as e:
        run_search(backend, SearchParams())
    assert str(e.value) == sentence
    assert "\n" not in sentence
    resp = app_for(index_dir, tmp_path / "instance").test_client().get("/api/search")
    assert resp.status_code == 503
    assert resp.get_json()["error"] == sentence[0].upper() + sentence[1:] + "."
    for args in (["search", "x"], ["stats"], ["update", str(tmp_path)]):
        result = CliRunner().invoke(cli, [*args[:1], "--index-dir", str(index_dir), *args[1:]])
        assert result.exit_code == EXIT_FAILED, (args, result.output)
        assert result.stderr.strip().splitlines()[-1] == \
            f"Error: {sentence[0].upper()}{sentence[1:]}."


READ_WITHOUT_OUR_MODULES = """
import sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("indexer", "searchapp"):
            raise ImportError(f"the index asked for {name}")
sys.meta_path.insert(0, Refuse())
from whoosh import index
ix = index.open_dir(sys.argv[1])  # no schema given: Whoosh unpickles the one it stored
with ix.searcher() as s:
    print(s.doc_count(), sorted(f["id"] for f in s.all_stored_fields()))
"""


def test_nothing_in_an_index_needs_our_modules_to_unpickle(tmp_path):
    index_dir = build_index(tmp_path, [
        article(id="a", headline="A", body="b", published="2020-01-02",
                quotes=[{"text": "q", "speaker": "S"}], comments=[{"author": "c", "text": "t"}]),
        article(id="b", headline="B", body="c")])
    backend = WhooshBackend(str(index_dir))
    from searchapp.indexing import update

    (tmp_path / "more.jsonl").write_text(json.dumps(article(id="c", headline="C", body="d")))
    update([str(tmp_path / "more.jsonl")], backend, jobs=1)  # an update writes a TOC too
    gen = generations.current_path(str(index_dir))
    done = subprocess.run([sys.executable, "-c", READ_WITHOUT_OUR_MODULES, gen],
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(None, 1) == ["3", "['a', 'b', 'c']\n"]


def test_the_backend_names_the_whoosh_it_needs():
    check_whoosh("2.7.4")
    for found, says in (("2.7.5", "Whoosh 2.7.5 is installed"),
                        (None, "Whoosh is not installed")):
        with pytest.raises(BackendError) as e:
            check_whoosh(found)
        message = str(e.value)
        assert says in message and "whoosh==2.7.4" in message and "\n" not in message


OTHER_WHOOSH = """
import importlib.metadata as m
real = m.version
m.version = lambda name: "2.7.9" if name == "whoosh" else real(name)
from searchapp.cli import main
main()
"""


def test_another_whoosh_stops_the_command_line_with_one_sentence(tmp_path):
    done = subprocess.run([sys.executable, "-c", OTHER_WHOOSH, "search", "--index-dir",
                           str(tmp_path), "x"], capture_output=True, text=True, timeout=60,
                          cwd=REPO)
    assert done.returncode == EXIT_FAILED
    assert done.stderr.strip() == (
        "Error: The whoosh backend reads Whoosh 2.7.4's own on-disk format, but Whoosh 2.7.9 "
        "is installed; install it with `pip install whoosh==2.7.4`.")
