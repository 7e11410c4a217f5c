"""HTML pages through `reindex` beside the other formats: every field and facet searchable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from test_cli import run
from warcs import Archive

from searchapp.cli import EXIT_OK

PAGES = Path(__file__).parent / "fixtures" / "html" / "pages"


def search(index_dir: str, *query: str) -> dict:
    out = run("search", "--index-dir", index_dir, "--json", "-n", "100", *query)
    assert out.exit_code == EXIT_OK, out.output
    return json.loads(out.stdout)


def headlines(index_dir: str, *query: str) -> list[str]:
    return sorted(r["headline"] for r in search(index_dir, *query)["results"])


def facet(index_dir: str, name: str) -> dict[str, int]:
    return {v["value"]: v["count"] for v in search(index_dir, "*")["facets"][name]}


def test_html_and_every_other_format_in_one_index(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(PAGES / "wordpress_blog.html", src / "allotments.html")
    shutil.copy(PAGES / "latin1_french.html", src / "marche.htm")
    (Archive(src / "crawl.warc.gz")
     .response("https://ledger.example.com/news/2021/03/harbour-bridge-reopens",
               (PAGES / "modern_news.html").read_bytes())
     .close())
    (src / "dump.txt").write_text("Night ferry returns\n\nThe night ferry runs again from "
                                  "Friday, the harbour office said.\n", encoding="utf-8")
    (src / "feed.jsonl").write_text(json.dumps(
        {"title": "Tram line opens", "text": "The tram runs every six minutes.",
         "site": "Valley Times"}) + "\n", encoding="utf-8")

    result = run("reindex", "--index-dir", "idx", "-j", "2", "-q", "src")
    assert result.exit_code == EXIT_OK, result.output
    assert "Indexed 5 articles" in result.stderr

    allotments = ["Why the allotment waiting list keeps growing"]
    bridge = ["Harbour bridge reopens after storm repairs"]
    assert headlines("idx", "headline:allotment") == allotments
    assert headlines("idx", "body:pier") == bridge
    assert headlines("idx", "quote:field") == allotments
    assert headlines("idx", 'speaker:"Sheila Grant"') == allotments
    assert headlines("idx", "comment:university") == allotments
    assert headlines("idx", 'commenter:"Raj Patel"') == allotments
    assert headlines("idx", "source:ledger") == bridge
    assert headlines("idx", "marché") == ["Le marché couvert rouvrira en septembre"]
    assert headlines("idx", "cookies") == []  # the banner never reached a field
    assert headlines("idx", "newsletter") == []

    # Commenters are handles, case-folded (searchapp.people).
    assert facet("idx", "commenter") == {"raj patel": 1, "june pardoe": 1}
    assert facet("idx", "speaker")["Sheila Grant"] == 1
    assert facet("idx", "author") == {"June Pardoe": 1, "Mira Okafor": 1, "Tom Reyes": 1}
    assert facet("idx", "year") == {"2021": 1, "2019": 1, "2018": 1}
