"""The plain-text dump extractor (indexer/extract/textdump.py).

Hand-written fixture dumps in tests/fixtures/textdump/ (invented text) each carry an
`.expected.json`; their expectations are exact. The same expectations are then rendered
in other sites' styles (widgets, footers, comment layouts) to check that the rules hold
for layouts the fixtures do not show verbatim.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from indexer.article import Comment, make_id
from indexer.extract.textdump import parse, source_of, split_headline
from indexer.extract.textdump.lines import (
    Para,
    is_caption,
    is_widget_line,
    parse_date,
    person_name,
    site_name,
    to_paragraphs,
)
from indexer.extract.textdump.thread import find_thread

FIXTURES = Path(__file__).parent / "fixtures" / "textdump"
DUMPS = sorted(FIXTURES.glob("*.txt"))
FIELDS = ("headline", "authors", "published", "captions", "body", "source", "quotes", "comments")


def _expected(dump: Path) -> dict:
    return json.loads(dump.with_suffix(".expected.json").read_text(encoding="utf-8"))


def _indexed_text(d: dict) -> str:
    parts = [d["headline"], d["body"], *(q["text"] for q in d["quotes"]),
             *(c["text"] for c in d["comments"])]
    return " ".join(" ".join(parts).split())


def test_there_are_fixtures():
    assert len(DUMPS) >= 7


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: p.stem)
def test_fixture_dump(dump):
    text = dump.read_text(encoding="utf-8")
    got = parse(text, str(dump)).as_dict()
    exp = _expected(dump)
    assert {k: got[k] for k in FIELDS} == {k: exp[k] for k in FIELDS}
    leaked = [s for s in exp["must_not_appear_in_any_indexed_text_field"]
              if s in _indexed_text(got)]
    assert leaked == []


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: p.stem)
def test_crlf_input_reads_the_same(dump):
    text = dump.read_text(encoding="utf-8")
    lf, crlf = parse(text, "a.txt").as_dict(), parse(text.replace("\n", "\r\n"), "a.txt").as_dict()
    lf.pop("id")
    crlf.pop("id")
    assert crlf == lf


def test_path_is_kept_and_id_is_made_from_headline_name_and_text():
    # A file read by itself: the id takes its name, not the path as typed (issue 9).
    text = "Ferry returns\n\nThe ferry runs again from May."
    a = parse(text, "./data/../x.txt")
    assert a.path == "./data/../x.txt"
    assert a.id == make_id("Ferry returns", None, "x.txt", text)
    assert a.id == parse(text, "/elsewhere/x.txt").id
    assert a.id == parse(text, "other/place.txt", key="x.txt").id
    assert a.id.startswith("ferry-returns-")


def test_empty_and_headline_only_inputs():
    assert (parse("", "e.txt").headline, parse("", "e.txt").body) == ("", "")
    a = parse("\n\nJust a headline\n", "h.txt")
    assert (a.headline, a.body, a.comments) == ("Just a headline", "", ())


def test_plain_headline_and_paragraphs_is_all_body():
    a = parse("Title here\n\nFirst paragraph.\n\n\nSecond paragraph, after a longer break.", "p")
    assert a.headline == "Title here"
    assert a.body == "First paragraph.\n\nSecond paragraph, after a longer break."
    assert (a.source, a.captions, a.comments, a.published) == (None, (), (), None)


# ---------------------------------------------------------------------------------------
# The fixture expectations rendered in other sites' layouts.

WIDGETS = {
    "wpdiscuz": "Notify of\nNewest Most Voted\nInline Feedbacks\nView all comments\n",
    "disqus": "{n} Comments\nHarbour Gazette\nLogin\n1 Recommend\nTweet\nShare\nSort by Best\n\n",
    "wordpress": "{n} thoughts on “{headline}”\n\n",
    "labels": "Conversation\nTop Picks\nLatest\n",
    "heading": "Reader comments\n\n",
}
FOOTERS = {  # text, the source it names
    "tagline": ("Harbour Gazette: Local news since 1901\n\nAbout us\n\nContact", "Harbour Gazette"),
    "legal": ("© 2021 Harbour Gazette. All rights reserved.\n\nPrivacy Policy", "Harbour Gazette"),
    "pipe": ("Harbour Gazette | The coast's paper\n\nMore from the newsroom", "Harbour Gazette"),
    "share": ("Share this:\n\nEmail\n\nPrint\n\nLike this:\n\nLike Loading...\n\nRelated", None),
    "support": ("Support our journalism\n\nBecome a member today", None),
    "none": ("", None),
}
AUTHOR_LINES = {  # how an author (and the date shown) heads a comment
    "plain": ("{a}\n\n", None),
    "says": ("{a} says:\nJune 4, 2019 at 3:12 pm\n\n", "2019-06-04"),
    "disqus": ("{a}\n• 3 years ago\n\n", None),
    "dated": ("{a}\n4 June 2019\n\n", "2019-06-04"),
}


def _render(exp: dict, widget: str, footer: str, authors: str, repeat: bool) -> str:
    head = exp["headline"] + "\n\n" + (exp["headline"] + "\n\n" if repeat else "")
    doc = head + "".join(c + "\n\n" for c in exp["captions"]) + exp["body"]
    if FOOTERS[footer][0]:
        doc += "\n\n\n" + FOOTERS[footer][0]
    if exp["comments"]:
        doc += "\n\n\n\n\n" + WIDGETS[widget].format(n=len(exp["comments"]), **exp)
        parts = []
        for c in exp["comments"]:
            if c["author"] is None:  # anonymous: a doubled blank line and no name
                parts.append("\n" + c["text"])
            else:
                parts.append(AUTHOR_LINES[authors][0].format(a=c["author"]) + c["text"])
            if authors == "says":
                parts[-1] += "\n\nReply"
        doc += "\n\n".join(parts)
    return doc


def _all_layouts():
    for dump in DUMPS:
        exp = _expected(dump)
        if exp["authors"] or exp["published"]:
            continue  # bylines are covered by the fixtures themselves
        styles = itertools.product(WIDGETS, FOOTERS, AUTHOR_LINES, (True, False))
        for widget, footer, authors, repeat in styles:
            if exp["comments"] or (widget, authors) == ("wpdiscuz", "plain"):
                yield dump, widget, footer, authors, repeat


def _pairwise(cases: list[tuple]) -> list[tuple]:
    """A few cases in which every pair of values of two dimensions that occurs at all
    occurs at least once (greedy, deterministic): every widget with every footer, author
    line and dump, and so on, without the full product's hundreds of near-copies."""
    def pairs(case):
        return {(i, a, j, b) for i, a in enumerate(case) for j, b in enumerate(case) if i < j}

    wanted = set().union(*(pairs(c) for c in cases))
    chosen = []
    while wanted:
        best = max(cases, key=lambda c: len(pairs(c) & wanted))
        chosen.append(best)
        wanted -= pairs(best)
    return chosen


def _render_cases():
    for dump, widget, footer, authors, repeat in _pairwise(list(_all_layouts())):
        yield pytest.param(dump, widget, footer, authors, repeat,
                           id=f"{dump.stem}-{widget}-{footer}-{authors}-{repeat}")


@pytest.mark.parametrize(("dump", "widget", "footer", "authors", "repeat"), list(_render_cases()))
def test_fixture_in_other_layouts(dump, widget, footer, authors, repeat):
    exp = _expected(dump)
    a = parse(_render(exp, widget, footer, authors, repeat), "r.txt")
    date = AUTHOR_LINES[authors][1]
    assert (a.headline, list(a.captions), a.body) == (exp["headline"], exp["captions"],
                                                       exp["body"])
    assert a.source == FOOTERS[footer][1]
    assert list(a.comments) == [
        Comment(c["text"], c["author"], date if c["author"] else None) for c in exp["comments"]
    ]


# ---------------------------------------------------------------------------------------
# Helpers


def test_to_paragraphs_counts_the_blank_lines_before_each_paragraph():
    paras = to_paragraphs("\nA\n\nB1\nB2\n\n\n\nC\r\n \r\nD")
    assert paras == [Para(("A",), 1), Para(("B1", "B2"), 1), Para(("C",), 3), Para(("D",), 1)]


@pytest.mark.parametrize(
    ("text", "headline", "rest"),
    [
        ("Head\n\nHead\n\nBody.", "Head", ["Body."]),
        ("Head\n\nBody.", "Head", ["Body."]),
        ("Head\nHEAD!\n\nBody.", "Head", ["Body."]),
        ("Head\nStandfirst line\n\nBody.", "Head", ["Standfirst line", "Body."]),
    ],
)
def test_split_headline_drops_one_repeat(text, headline, rest):
    h, paras = split_headline(to_paragraphs(text))
    assert (h, [p.text for p in paras]) == (headline, rest)


@pytest.mark.parametrize(
    ("s", "iso"),
    [
        ("4 June 2019", "2019-06-04"),
        ("Tuesday, 4th June 2019", "2019-06-04"),
        ("June 4, 2019 at 3:12 pm", "2019-06-04"),
        ("Jun. 4 2019 14:05 GMT", "2019-06-04"),
        ("2019-06-04T10:00:00Z", "2019-06-04"),
        ("04.06.2019", "2019-06-04"),
        ("Tuesday, 1 March", None),  # no year: never guessed
        ("31 February 2019", None),
        ("3 years ago", None),
        ("06/04/2019", None),  # day or month first? unknown
        ("Published in June 2019 by the board", None),
    ],
)
def test_parse_date(s, iso):
    assert parse_date(s) == iso


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("jens holm", "jens holm"),
        ("Old Soldier", "Old Soldier"),
        ("Pas de pseudo", "Pas de pseudo"),
        ("Will Young", "Will Young"),
        ("DocHoliday2", "DocHoliday2"),
        ("same old stuff.", None),
        ("Thanks for sharing", None),
        ("will be back", None),
        ("View all comments", None),
        ("Reply • Share ›", None),
        ("Tim, thanks for this post! I have taken all of it", None),
    ],
)
def test_person_name(line, name):
    assert person_name(line) == name


@pytest.mark.parametrize(
    ("footer", "source"),
    [
        ("SouthFront: Analysis and Intelligence\n\nNOW hosted at", "SouthFront"),
        ("The Daily Ledger: News you can trust\n\nFollow us on Telegram", "The Daily Ledger"),
        ("Northline News\n\nAll rights reserved", "Northline News"),
        ("Links\n\n© 2021 Harbour Gazette. All rights reserved.", "Harbour Gazette"),
        ("Copyright © 2019-2024 Foo Media Inc. All Rights Reserved", "Foo Media Inc"),
        ("Share this:\n\nTwitter\n\nFacebook\n\nRelated", None),
        ("Subscribe to our newsletter", None),
        ("Donate\n\nIf you like our work, consider a donation", None),
    ],
)
def test_source_of(footer, source):
    assert source_of(to_paragraphs(footer)) == source


@pytest.mark.parametrize(
    ("s", "name"),
    [("The Daily Ledger", "The Daily Ledger"), ("news.example.com", "news.example.com"),
     ("Follow us", None), ("Support independent journalism", None), ("Twitter", None)],
)
def test_site_name(s, name):
    assert site_name(s) == name


@pytest.mark.parametrize(
    ("text", "caption"),
    [
        ("A view of the scene. Photo: Paul Rossi / EPA", True),
        ("Protesters march in Paris on Sunday. (Reuters)", True),
        ("The president waves. (AP Photo/Evan Vucci)", True),
        ("A driver clears ice. REUTERS/Lena Vogt", True),
        ("Fans queue outside the ground. Picture by Sam Hill", True),
        ("Image caption Rescue teams search the rubble", True),
        ("The ministry told Reuters the plan was on track.", False),
        ("LONDON (Reuters) - Shares fell sharply on Monday after the results.", False),
    ],
)
def test_is_caption(text, caption):
    assert is_caption(Para((text,), 1)) is caption


@pytest.mark.parametrize(
    ("line", "widget"),
    [("Notify of", True), ("12 Comments", True), ("Sort by Best", True), ("• 3 years ago", True),
     ("Load more comments", True), ("Reply", True), ("About time", False), ("Good read", False),
     ("jens holm", False)],
)
def test_is_widget_line(line, widget):
    assert is_widget_line(line) is widget


def test_find_thread_glued_author_and_structural_widget():
    wp = to_paragraphs("Body.\n\n\n\n\nNotify of\nInline Feedbacks\njens holm\n\nhi there.")
    assert [p.text for p in wp[find_thread(wp):]][:1] == ["Notify of Inline Feedbacks jens holm"]
    unknown = to_paragraphs("Body.\n\n\nTrending\nLatest\nann lee\n\nGreat piece, thank you.")
    assert find_thread(unknown) == 1
    # short labels inside an article are not a widget when no comment follows them
    facts = to_paragraphs("Body.\n\n\nKey facts\nPopulation 5m\n\nThe census was taken in May.")
    assert find_thread(facts) == len(facts)


def test_guest_and_anonymous_authors_are_null():
    a = parse("H\n\nBody text.\n\n\n\n\n2 Comments\n\nGuest\n\nFirst!\n\nAnn Lee\n\nSecond.", "g")
    assert [(c.author, c.text) for c in a.comments] == [(None, "First!"), ("Ann Lee", "Second.")]


def test_limits_cut_comments_with_a_warning():
    thread = "\n\n".join(f"user{i}\n\ncomment number {i}." for i in range(2_100))
    a = parse("H\n\nBody.\n\n\n\n\nNotify of\n\n" + thread, "big")
    assert len(a.comments) == 2_000
    assert a.warnings == ("comments cut from 2,100 to 2,000",)
    assert re.fullmatch(r"comment number \d+\.", a.comments[-1].text)
