"""The alias file at index time (in the pool's workers too) and `scrapesearch people`."""

from __future__ import annotations

import json

import pytest
from conftest import article, write_jsonl
from test_cli import one_sentence_error, run

from searchapp import people
from searchapp.cli import EXIT_FAILED, EXIT_OK

RECORDS = [
    article(id="a1", headline="Trade talks", body="Ronald Reagan spoke. Nancy Reagan too.",
            source="Ridgeway Courier Online",
            quotes=[{"text": "We will talk.", "speaker": "President Reagan"},
                    {"text": "Fine.", "speaker": "Treasury Secretary James Baker"}],
            comments=[{"author": "Jens Holm", "text": "Hm."}]),
    article(id="a2", headline="More talks",
            body="Treasury Secretary James Baker met Japanese officials.",
            source="Ridgeway Courier",
            quotes=[{"text": "Soon.", "speaker": "Baker"}, {"text": "No.", "speaker": "Co"},
                    {"text": "Yes.", "speaker": "Kidder Peabody and Co"}],
            comments=[{"author": "jens holm", "text": "Again."},
                      {"author": "Cold Front", "text": "Later."}]),
    article(id="a3", headline="Budget", body="James Baker said the budget would pass.",
            url="https://www.ridgeway-courier.example/budget",
            quotes=[{"text": "It will pass.", "speaker": "Baker"},
                    {"text": "Maybe.", "speaker": "Reagan"}]),
]
ALIASES = """
[speakers.merge]
"Ronald Reagan" = ["Reagan"]
[sources.merge]
"Ridgeway Courier" = ["ridgeway-courier.example"]
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    """Records to index and an instance folder; cwd is their folder. Aliases are reset."""
    monkeypatch.chdir(tmp_path)
    write_jsonl(tmp_path / "news.jsonl", RECORDS)
    (tmp_path / "inst").mkdir()
    yield tmp_path
    people.use(people.NO_ALIASES)


def facet(site, name: str) -> dict[str, int]:
    result = run("search", "--index-dir", "idx", "--json",
                 env={"SCRAPESEARCH_INSTANCE": str(site / "inst")})
    assert result.exit_code == EXIT_OK, result.output
    return {v["value"]: v["count"] for v in json.loads(result.stdout)["facets"][name]}


def test_reindex_applies_the_alias_file_in_the_pool_workers(site):
    (site / "inst" / "people.toml").write_text(ALIASES, encoding="utf-8")
    env = {"SCRAPESEARCH_INSTANCE": str(site / "inst")}
    result = run("reindex", "--index-dir", "idx", "-j", "2", "--quiet", "news.jsonl", env=env)
    assert result.exit_code == EXIT_OK, result.output
    # "Reagan" alone would stay "Reagan" in a1 (Ronald and Nancy) and a3: the alias merges it.
    assert facet(site, "speaker") == {"Ronald Reagan": 2, "James Baker": 3,
                                      "Kidder Peabody and Co": 1}
    assert facet(site, "source") == {"Ridgeway Courier": 3}
    assert facet(site, "commenter") == {"jens holm": 2, "cold front": 1}


def test_without_an_alias_file_the_rules_alone(site):
    result = run("reindex", "--index-dir", "idx", "-j", "1", "--quiet", "news.jsonl",
                 env={"SCRAPESEARCH_INSTANCE": str(site / "inst")})
    assert result.exit_code == EXIT_OK, result.output
    assert facet(site, "speaker") == {"Reagan": 2, "James Baker": 3, "Kidder Peabody and Co": 1}
    assert facet(site, "source") == {"Ridgeway Courier": 2, "ridgeway-courier.example": 1}


@pytest.mark.parametrize("command", [["reindex", "--quiet", "news.jsonl"],
                                     ["update", "--quiet", "news.jsonl"], ["people"]])
def test_a_broken_alias_file_stops_with_one_sentence(site, command):
    (site / "inst" / "people.toml").write_text('[speakers]\nignore = "Co"\n', encoding="utf-8")
    result = run(*command, "--index-dir", "idx", env={"SCRAPESEARCH_INSTANCE": str(site / "inst")})
    assert result.exit_code == EXIT_FAILED
    assert one_sentence_error(result.stderr) == (
        f"Error: {site / 'inst' / 'people.toml'}, line 2: [speakers] ignore must be a list of "
        'names in quotes (["Reagan", "President Reagan"]).')
    assert not (site / "idx").exists()


@pytest.fixture
def indexed(site):
    env = {"SCRAPESEARCH_INSTANCE": str(site / "inst")}
    assert run("reindex", "--index-dir", "idx", "-j", "1", "--quiet", "news.jsonl",
               env=env).exit_code == EXIT_OK
    return env


def test_people_lists_speakers_with_counts_roles_and_forms(indexed):
    result = run("people", "--index-dir", "idx", env=indexed)
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout.splitlines() == [
        "3 speakers in 3 articles.",
        "  quotes articles  name",
        "       3        3  James Baker",
        "                   roles: Treasury Secretary (1)",
        "                   forms: Baker (2), Treasury Secretary James Baker (1)",
        "       2        2  Reagan",
        "                   roles: President (1)",
        "                   forms: President Reagan (1)",
        "       1        1  Kidder Peabody and Co  (organisation)",
    ]


def test_people_reads_the_alias_file_as_it_is_now(indexed, site):
    (site / "inst" / "people.toml").write_text(ALIASES, encoding="utf-8")
    result = run("people", "--index-dir", "idx", "--limit", "2", "--json", env=indexed)
    assert result.exit_code == EXIT_OK, result.output
    assert json.loads(result.stdout) == {
        "speakers": 3, "articles": 3, "aliases": str(site / "inst" / "people.toml"),
        "names": [{"name": "James Baker", "kind": "person", "quotes": 3, "articles": 3,
                   "roles": {"Treasury Secretary": 1},
                   "forms": {"Baker": 2, "Treasury Secretary James Baker": 1}},
                  {"name": "Ronald Reagan", "kind": "person", "quotes": 2, "articles": 2,
                   "roles": {"President": 1},
                   "forms": {"President Reagan": 1, "Reagan": 1}}]}


def test_people_lists_commenters_and_sources(indexed):
    result = run("people", "--index-dir", "idx", "--commenters", env=indexed)
    assert result.stdout.splitlines() == [
        "2 commenters in 3 articles.",
        "comments articles  name",
        "       2        2  jens holm",
        "                   forms: Jens Holm (1)",
        "       1        1  cold front",
        "                   forms: Cold Front (1)",
    ]
    result = run("people", "--index-dir", "idx", "--sources", "--json", env=indexed)
    assert [(n["name"], n["articles"], n["forms"]) for n in json.loads(result.stdout)["names"]
            ] == [("Ridgeway Courier", 2, {"Ridgeway Courier Online": 1, "Ridgeway Courier": 1}),
                  ("ridgeway-courier.example", 1, {"ridgeway-courier.example": 1})]


def test_people_without_an_index_says_so(site):
    result = run("people", "--index-dir", "nothing-here",
                 env={"SCRAPESEARCH_INSTANCE": str(site / "inst")})
    assert result.exit_code == EXIT_FAILED
    assert one_sentence_error(result.stderr).startswith("Error: ")


def test_the_web_app_resolves_people_with_the_alias_file(site):
    """The speaker filter is tied to the quote whose person the app resolves again: with
    the instance's alias file, as the index was built (President Reagan is Ronald Reagan)."""
    from conftest import app_for

    (site / "inst" / "people.toml").write_text(ALIASES, encoding="utf-8")
    env = {"SCRAPESEARCH_INSTANCE": str(site / "inst")}
    result = run("reindex", "--index-dir", "idx", "-j", "1", "--quiet", "news.jsonl", env=env)
    assert result.exit_code == EXIT_OK, result.output
    people.use(people.NO_ALIASES)  # what a fresh web process starts with
    client = app_for(site / "idx", site / "inst").test_client()
    got = client.get("/api/search", query_string={
        "q": "talk", "scope": "quotes", "speaker": "Ronald Reagan"}).get_json()
    assert [r["id"] for r in got["results"]] == ["a1"]
    assert got["results"][0]["snippets"]["quotes"] == [
        {"text": "We will <mark>talk</mark>.", "speaker": "President Reagan",
         "person": "Ronald Reagan"}]


def test_update_asks_for_a_reindex_when_the_alias_file_changed(site):
    env = {"SCRAPESEARCH_INSTANCE": str(site / "inst")}
    result = run("reindex", "--index-dir", "idx", "-j", "1", "--quiet", "news.jsonl", env=env)
    assert result.exit_code == EXIT_OK, result.output
    # The same rules and (no) aliases: update goes on, and records them again.
    result = run("update", "--index-dir", "idx", "-j", "1", "--quiet", "news.jsonl", env=env)
    assert result.exit_code == EXIT_OK, result.output
    (site / "inst" / "people.toml").write_text(ALIASES, encoding="utf-8")
    result = run("update", "--index-dir", "idx", "-j", "1", "--quiet", "news.jsonl", env=env)
    assert result.exit_code == EXIT_FAILED
    assert one_sentence_error(result.stderr) == (
        "Error: The alias file (people.toml) or the people rules changed since this index was "
        "built; run `scrapesearch reindex` to apply them to every article.")
    assert facet(site, "speaker") == {"Reagan": 2, "James Baker": 3, "Kidder Peabody and Co": 1}
    result = run("reindex", "--index-dir", "idx", "-j", "1", "--quiet", "news.jsonl", env=env)
    assert result.exit_code == EXIT_OK, result.output
    assert run("update", "--index-dir", "idx", "-j", "1", "--quiet", "news.jsonl",
               env=env).exit_code == EXIT_OK
