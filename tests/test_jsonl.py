"""JSON lines input: streaming lines, mapping the schema and scraper field names to Articles."""

from __future__ import annotations

import codecs
import gzip
import json
import os
import subprocess
import sys
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.article import Article, Comment, Quote
from indexer.errors import ExtractError
from indexer.extract import decode, extract_jsonl_line, iter_extract
from indexer.extract.jsonl import iter_lines, parse_record
from indexer.extract.jsonl import records as jsonl
from indexer.extract.jsonl.bodytext import paragraphs

FIXTURES = Path(__file__).parent / "fixtures" / "jsonl"
SHARED = Path(__file__).resolve().parents[2] / "shared"
REUTERS = SHARED / "corpora" / "reuters21578" / "reuters21578.jsonl.gz"
BENCH_TOOL = SHARED / "tools" / "make_bench_corpus.py"


def need_shared(path: Path) -> None:
    """Skip when the shared material is absent, except in CI, where its absence is a failure."""
    if path.exists():
        return
    message = f"{path} is missing (the shared corpora sit beside the repository, in ../shared)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def lines_of(path: Path) -> list[tuple[int, bytes | str]]:
    """iter_lines with errors replaced by their reasons, for exact comparison."""
    return [(n, x.reason if isinstance(x, ExtractError) else x) for n, x in iter_lines(str(path))]


def record(**fields: Any) -> Article:
    return parse_record(fields, "in.jsonl#1")


# ---------------------------------------------------------------- iter_lines

RECORDS = [b'{"headline": "One"}', b'{"headline": "Tw\xc3\xb6"}', b'{"headline": "Three"}']


def test_lines_are_numbered_from_one_and_blank_lines_skipped(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_bytes(RECORDS[0] + b"\r\n\r\n   \n" + RECORDS[1] + b"\n" + RECORDS[2])  # no final \n
    assert lines_of(f) == [(1, RECORDS[0]), (4, RECORDS[1]), (5, RECORDS[2])]


def test_utf8_bom_on_the_first_line_is_dropped(tmp_path: Path) -> None:
    f = tmp_path / "bom.jsonl"
    f.write_bytes(codecs.BOM_UTF8 + b"\n".join(RECORDS))
    assert lines_of(f) == [(1, RECORDS[0]), (2, RECORDS[1]), (3, RECORDS[2])]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_files_come_out_as_utf8(tmp_path: Path, codec: str) -> None:
    f = tmp_path / "wide.jsonl"
    f.write_bytes("\r\n".join(r.decode() for r in RECORDS).encode(codec))  # utf-16 adds a BOM
    assert lines_of(f) == [(1, RECORDS[0]), (2, RECORDS[1]), (3, RECORDS[2])]


def test_gzip_file(tmp_path: Path) -> None:
    f = tmp_path / "a.ndjson.gz"
    f.write_bytes(gzip.compress(b"\n".join(RECORDS) + b"\n"))
    assert lines_of(f) == [(1, RECORDS[0]), (2, RECORDS[1]), (3, RECORDS[2])]


def test_an_overlong_line_is_an_error_entry_and_reading_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 1000)
    monkeypatch.setattr(decode, "_CHUNK", 64)  # skip the long line in several pieces
    f = tmp_path / "long.jsonl"
    exactly = b'{"body": "' + b"y" * 988 + b'"}'
    assert len(exactly) == 1000
    f.write_bytes(RECORDS[0] + b"\n" + b"x" * 5000 + b"\n" + exactly + b"\n" + RECORDS[1])
    assert lines_of(f) == [
        (1, RECORDS[0]),
        (2, "the line is longer than the 1,000-byte limit"),
        (3, exactly),
        (4, RECORDS[1]),
    ]


def test_an_overlong_last_line_without_newline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 1000)
    f = tmp_path / "long.jsonl"
    f.write_bytes(RECORDS[0] + b"\n" + b"x" * 1001)
    assert lines_of(f) == [(1, RECORDS[0]), (2, "the line is longer than the 1,000-byte limit")]


def test_truncated_gzip_gives_the_good_lines_then_an_error(tmp_path: Path) -> None:
    pads = [os.urandom(40).hex().encode() for _ in range(2000)]  # incompressible
    body = b"\n".join(b'{"n": %d, "pad": "%s"}' % (i, pad) for i, pad in enumerate(pads))
    packed = gzip.compress(body)
    f = tmp_path / "cut.jsonl.gz"
    f.write_bytes(packed[: len(packed) // 2])
    entries = list(iter_lines(str(f)))
    good = [x for _, x in entries if isinstance(x, bytes)]
    n, last = entries[-1]
    assert isinstance(last, ExtractError)
    assert last.reason == (
        "the rest of the file was not read: it is a truncated gzip file "
        "(the data ends before the end-of-stream marker)"
    )
    assert 500 < len(good) < 2000
    assert good == body.split(b"\n")[: len(good)]
    assert n == len(good) + 1


def test_a_gzip_bomb_is_stopped_by_ratio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode, "_RATIO_AFTER", 1024 * 1024)
    f = tmp_path / "bomb.jsonl.gz"
    line = b'{"body": "' + b"a" * 10_000 + b'"}\n'
    with gzip.open(f, "wb") as out:
        for _ in range(20_000):  # 200 MB that compresses about 1000:1
            out.write(line)
    entries = list(iter_lines(str(f)))
    n, last = entries[-1]
    assert isinstance(last, ExtractError)
    assert last.reason == (
        "the rest of the file was not read: it decompresses to more than 200 times its size or 5 GB"
    )
    assert len(entries) < 1000  # stopped after a few megabytes, not 20,000 lines


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.jsonl", b"", "it is empty"),
        ("image.jsonl", b"\x89PNG\r\n\x1a\n" + bytes(100), "it looks like binary data, not text"),
        ("plain.jsonl.gz", b'{"a": 1}\n', "it is not a gzip file, although its name ends in .gz"),
        ("header.jsonl.gz", gzip.compress(b'{"a": 1}\n')[:10], "it is a truncated gzip file "
         "(the data ends before the end-of-stream marker)"),
    ],
)  # fmt: skip
def test_unreadable_files_raise_before_any_line(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(ExtractError) as e:
        list(iter_lines(str(f)))
    assert e.value.reason == reason


def test_gzip_cut_inside_the_first_line(tmp_path: Path) -> None:
    f = tmp_path / "half.jsonl.gz"
    f.write_bytes(gzip.compress(b'{"a": 1}\n')[:12])
    assert lines_of(f) == [
        (
            1,
            "the rest of the file was not read: it is a truncated gzip file "
            "(the data ends before the end-of-stream marker)",
        )
    ]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExtractError) as e:
        list(iter_lines(str(tmp_path / "nope.jsonl")))
    assert e.value.reason == "it does not exist"


# ---------------------------------------------------------------- the fixture file


def test_fixture_of_scraper_styles_line_by_line() -> None:
    path = str(FIXTURES / "scraper_styles.jsonl")
    results = [r for _, r in iter_extract(path)]
    assert [r.path if isinstance(r, Article) else r.reason for r in results] == [
        f"{path}#1",
        f"{path}#2",
        f"{path}#3",
        "the line is not valid JSON (Expecting ',' delimiter at column 50)",
        "the line is a JSON array, not an object",
        "the record has neither a headline nor a body",
        f"{path}#8",
        f"{path}#9",
    ]
    news_please, newsapi, schema_org, _, _, _, junk, wire = results
    assert isinstance(news_please, Article)
    assert news_please.as_dict() == {
        "id": news_please.id,
        "path": f"{path}#1",
        "url": "https://www.example.com/bridge",
        "source": "www.example.com",
        "headline": "Council approves “new” bridge",
        "authors": ["Jane Doe", "John Roe"],
        "published": "2019-06-04T10:00:00",
        "lang": "en",
        "tags": [],
        "captions": [],
        "body": "The council voted on Tuesday.\n\nWork starts in May.",
        "quotes": [],
        "comments": [],
        "warnings": [],
    }
    assert news_please.id.startswith("council-approves-new-bridge-")

    assert isinstance(newsapi, Article)
    assert (newsapi.source, newsapi.authors, newsapi.published, newsapi.body) == (
        "BBC News",
        ("Anna Lee", "Ben Kay"),
        "2019-06-03T07:30:00+00:00",
        "Shares rose sharply on Monday.",  # the description, as there is no body
    )

    assert isinstance(schema_org, Article)
    assert (schema_org.headline, schema_org.body, schema_org.published) == (
        "Storm hits coast",
        "Winds reached 100 km/h.\n\nThousands lost power.",
        "2019-06-04T10:00:00+00:00",
    )
    assert schema_org.authors == ("Jane Doe", "Ben Kay")
    assert (schema_org.source, schema_org.lang, schema_org.url) == ("Daily Planet", "en-GB", None)
    assert schema_org.tags == ("weather", "storms")

    assert isinstance(junk, Article)
    assert junk.id.startswith("caps-and-junk-")
    assert (junk.headline, junk.body, junk.url, junk.source) == (
        "Caps and junk",
        "Body text.",
        None,
        "Example Site",
    )
    assert junk.published == "2019-06-04T10:00:00+00:00"
    assert junk.tags == ("a", "b", "7", "c")
    assert junk.authors == ("X Young",)
    assert junk.comments == (
        Comment("First!", "reader1", "2019-06-04"),
        Comment("Second.", "reader2", "2019-06-04T11:00:00+00:00", parent=0),
        Comment("Anonymous.", None, None),
    )
    assert junk.warnings == (
        "url 'javascript:alert(1)' dropped: only http and https addresses are kept",
    )

    assert isinstance(wire, Article)
    assert wire.body == "First paragraph of the story.\n\nSecond paragraph wraps here."
    assert (wire.published, wire.tags) == ("1987-02-26T15:01:01", ("cocoa", "grain"))


# ---------------------------------------------------------------- parse_record


def test_the_article_schema_round_trips() -> None:
    article = Article(
        id="in-video-strike-3f2a9c1e",
        path="dump.jsonl#7",
        url="https://southfront.example/a",
        source="SouthFront",
        headline="In Video: Strike",
        authors=("A B",),
        published="2019-06-04T10:00:00+02:00",
        lang="en",
        tags=("syria",),
        captions=("A caption.",),
        body="First.\n\nSecond.",
        quotes=(Quote("We struck.", "Major General Yury Popov"), Quote("No speaker.")),
        comments=(Comment("same old stuff.\n\nmore", "jens holm", None),),
    )
    assert parse_record(article.as_dict(), "dump.jsonl#7") == article


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("One.\n\nTwo\nwrapped.\n\n\n\nThree.", "One.\n\nTwo wrapped.\n\nThree."),
        ("One.\nTwo.\nThree.", "One.\n\nTwo.\n\nThree."),  # single newlines: one per line
        ("One.\r\nTwo.\r\n", "One.\n\nTwo."),
        ("  Indented\nwrap.\n  Next\nwrap.", "Indented wrap.\n\nNext wrap."),
        ("Story.\n Reuter", "Story."),
        ("Story.\n\nREUTER...^M", "Story."),
        ("Story.\nREUTER\n Reuter", "Story."),
        ("He said. REUTER", "He said."),
        ("Prices rose, a trader told Reuters.", "Prices rose, a trader told Reuters."),
        ("Figures by Reuter", "Figures by Reuter"),
        ("  lots   of\t space  ", "lots of space"),
        ("a\u202eb\x00c\ufeff", "abc"),  # clean_text: bidi and control characters go
        (["Para one.", "Para two.\n\nPara three."], "Para one.\n\nPara two.\n\nPara three."),
    ],
)
def test_body_paragraphs(body: Any, expected: str) -> None:
    assert record(headline="H", body=body).body == expected


def test_paragraphs_of_reuters_style_copy() -> None:
    text = (
        "Showers continued throughout the week in\nthe Bahia cocoa zone.\n"
        "    The dry period means the temporao will be late this year.\n"
        "    Arrivals for the week ended February 22 were 155,221 bags\nof 60 kilos.\n Reuter"
    )
    assert paragraphs(text) == [
        "Showers continued throughout the week in the Bahia cocoa zone.",
        "The dry period means the temporao will be late this year.",
        "Arrivals for the week ended February 22 were 155,221 bags of 60 kilos.",
    ]


@pytest.mark.parametrize(
    ("fields", "headline", "body"),
    [
        ({"title": "T", "text": "B"}, "T", "B"),
        ({"headline": "H", "title": "T", "content": "C", "body": "B"}, "H", "B"),
        ({"title": "T", "articleBody": "A", "content": "C"}, "T", "A"),
        ({"title": "T", "article": "A"}, "T", "A"),
        ({"title": "T", "maintext": "M", "summary": "S"}, "T", "M"),
        ({"title": "T", "summary": "S"}, "T", "S"),
        ({"title": "T", "body": "", "description": "D"}, "T", "D"),
        ({"body": "Only a body."}, "", "Only a body."),
        ({"TITLE": "Upper", "Body": "B"}, "Upper", "B"),
        ({"title": 2024, "body": 3.5}, "2024", "3.5"),
        ({"title": ["First", "Second"], "body": {"text": "Nested"}}, "First", "Nested"),
        ({"title": {"unknown": 1}, "body": "B", "headline": None}, "", "B"),
    ],
)
def test_headline_and_body_aliases(fields: dict[str, Any], headline: str, body: str) -> None:
    article = parse_record(fields, "f#1")
    assert (article.headline, article.body) == (headline, body)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ([1, 2], "the line is a JSON array, not an object"),
        ("text", "the line is a JSON string, not an object"),
        (3, "the line is a JSON number, not an object"),
        (None, "the line is a JSON null, not an object"),
        (True, "the line is a JSON boolean, not an object"),
        ({}, "the record has neither a headline nor a body"),
        ({"title": "  ", "body": "\n\n", "url": "https://x.example"}, "the record has neither a "
         "headline nor a body"),
        ({"title": True, "body": [None, {}]}, "the record has neither a headline nor a body"),
    ],
)  # fmt: skip
def test_unusable_records(value: Any, reason: str) -> None:
    with pytest.raises(ExtractError) as e:
        parse_record(value, "f#1")
    assert e.value.reason == reason


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("published", "2019-06-04", "2019-06-04"),
        ("datePublished", "2019-06-04T10:00:00Z", "2019-06-04T10:00:00+00:00"),
        ("published_at", "June 4, 2019", "2019-06-04"),
        ("publishedAt", "2019-06-04", "2019-06-04"),
        ("publish_date", "04.06.2019", "2019-06-04"),
        ("pubDate", "Tue, 04 Jun 2019 10:00:00 GMT", "2019-06-04T10:00:00+00:00"),
        ("date", "26-FEB-1987 15:01:01.79", "1987-02-26T15:01:01"),
        ("time", 1559642400, "2019-06-04T10:00:00+00:00"),
        ("timestamp", 1559642400000, "2019-06-04T10:00:00+00:00"),
        ("date", ["2019-06-04", "2019-06-05"], "2019-06-04"),
        ("date", {"@value": "2019-06-04"}, "2019-06-04"),
    ],
)
def test_published_aliases(key: str, value: Any, expected: str) -> None:
    article = parse_record({"title": "T", key: value}, "f#1")
    assert (article.published, article.warnings) == (expected, ())


def test_a_later_date_key_is_used_when_an_earlier_one_is_unreadable() -> None:
    article = record(title="T", date="yesterday", timestamp=1559642400)
    assert (article.published, article.warnings) == ("2019-06-04T10:00:00+00:00", ())


def test_an_unreadable_date_is_null_with_a_warning() -> None:
    article = record(title="T", published="sometime in June")
    assert article.published is None
    assert article.warnings == ("published date 'sometime in June' was not understood",)
    long = record(title="T", date="x" * 500)
    assert long.warnings == (f"published date '{'x' * 56}...' was not understood",)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"source": "Reuters"}, "Reuters"),
        ({"publisher": {"@type": "Organization", "name": "Daily Planet"}}, "Daily Planet"),
        ({"source": {"id": None, "name": "BBC News"}}, "BBC News"),
        ({"site_name": "  The   Times "}, "The Times"),
        ({"siteName": "S"}, "S"),
        ({"source_name": "N"}, "N"),
        ({"site": "X", "source": "Preferred"}, "Preferred"),
        ({"source": {"id": 5}}, None),
        ({"source": ""}, None),
    ],
)
def test_source_aliases(fields: dict[str, Any], expected: str | None) -> None:
    assert parse_record({"title": "T", **fields}, "f#1").source == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.com/a?b=1#c", "https://example.com/a?b=1#c"),
        ("HTTP://EXAMPLE.COM/", "HTTP://EXAMPLE.COM/"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("javascript:alert(1)", None),
        ("ftp://example.com/file", None),
        ("//example.com/no-scheme", None),
        ("/relative/path", None),
        ("https://", None),
        ("https://exa mple.com/", None),
    ],
)
def test_only_http_urls_are_kept(value: str, expected: str | None) -> None:
    article = record(title="T", url=value)
    assert article.url == expected
    if expected is None:
        assert article.warnings == (
            f"url '{value.strip()}' dropped: only http and https addresses are kept",
        )


def test_url_aliases_in_order() -> None:
    assert record(title="T", link="https://a.example/").url == "https://a.example/"
    assert record(title="T", canonical_url="https://c.example/").url == "https://c.example/"
    both = record(title="T", link="https://l.example/", url="https://u.example/")
    assert both.url == "https://u.example/"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"author": "By John Smith and Jane Doe"}, ("John Smith", "Jane Doe")),
        ({"author": "by: Anna Lee"}, ("Anna Lee",)),
        ({"byline": "John Smith, Jane Doe & Bob Roe"}, ("John Smith", "Jane Doe", "Bob Roe")),
        ({"byline": "By JOHN SMITH, Staff Writer"}, ("JOHN SMITH",)),
        ({"byline": "Ann Lee, Political Correspondent"}, ("Ann Lee",)),
        ({"byline": "John Smith, Jr. and Jane Doe"}, ("John Smith, Jr.", "Jane Doe")),
        ({"byline": "Smith, John"}, ("Smith, John",)),  # last name first: one person
        ({"byline": "Sandra Brandon and Andy Anders"}, ("Sandra Brandon", "Andy Anders")),
        ({"authors": ["Jane Doe", "By John Roe", "Doe, Jane", "jane doe"]}, ("Jane Doe",
         "John Roe", "Doe, Jane")),
        ({"authors": [{"name": "A B"}, {"@type": "Person", "name": "C D"}, 5, None]}, ("A B",
         "C D")),
        ({"author": {"name": "Solo Writer"}}, ("Solo Writer",)),
        ({"authors": "X Y and Z W"}, ("X Y", "Z W")),
        ({"authors": [], "author": "Falls Back"}, ("Falls Back",)),
        ({"creator": "Dc Creator"}, ("Dc Creator",)),
        ({"author": "--"}, ()),
        ({"author": 42}, ()),
    ],
)  # fmt: skip
def test_authors(fields: dict[str, Any], expected: tuple[str, ...]) -> None:
    assert parse_record({"title": "T", **fields}, "f#1").authors == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"tags": ["Politics", "politics", " Economy "]}, ("Politics", "Economy")),
        ({"keywords": "a, b; c | d"}, ("a", "b", "c", "d")),
        ({"topics": ["cocoa"], "section": "World", "categories": ["X", "cocoa"]}, ("cocoa", "X",
         "World")),
        ({"tags": [{"name": "n"}, {"label": "l"}, {"term": "t"}, 3, None, True, ""]}, ("n", "l",
         "t", "3")),
        ({"category": "Science"}, ("Science",)),
        ({"tags": "single"}, ("single",)),
        ({"tags": {"unexpected": "object"}}, ()),
    ],
)  # fmt: skip
def test_tags(fields: dict[str, Any], expected: tuple[str, ...]) -> None:
    assert parse_record({"title": "T", **fields}, "f#1").tags == expected


def test_language_captions_quotes() -> None:
    article = record(
        title="T",
        language="EN_us",
        captions=["A photo.", {"text": "Another."}, "", 5],
        quotes=[
            "“Plain string quote.”",
            {"text": "«Avec guillemets»", "speaker": "Jean Dupont"},
            {"quote": '"Straight marks"', "author": {"name": "A B"}},
            {"text": "", "speaker": "Nobody"},
            None,
        ],
    )
    assert article.lang == "en-us"
    assert article.captions == ("A photo.", "Another.", "5")
    assert article.quotes == (
        Quote("Plain string quote."),
        Quote("Avec guillemets", "Jean Dupont"),
        Quote("Straight marks", "A B"),
    )
    assert record(title="T", lang="English").lang == "English"
    assert record(title="T", inLanguage="de").lang == "de"
    assert record(title="T", captions="Only one").captions == ("Only one",)


def test_comments_in_page_order_with_replies() -> None:
    article = record(
        title="T",
        comments=[
            {"author": "a", "text": "1", "replies": [{"user": "b", "body": "1.1"}]},
            {"name": "c", "content": "2\n\nsecond paragraph", "published": "June 4, 2019"},
            {"username": "d", "message": "3", "created_at": "2019-06-04T10:00:00Z"},
            "just text",
            {"author": "e"},  # no text: dropped
        ],
    )
    assert article.comments == (
        Comment("1", "a", None),
        Comment("1.1", "b", None, parent=0),
        Comment("2\n\nsecond paragraph", "c", "2019-06-04"),
        Comment("3", "d", "2019-06-04T10:00:00+00:00"),
        Comment("just text", None, None),
    )


def test_ids() -> None:
    assert record(id="kept-slug-1", title="T").id == "kept-slug-1"
    made = record(id="Not A Slug", title="Hello World", url="https://x.example/")
    assert made.id == record(title="Hello World", url="https://x.example/").id
    assert made.id.startswith("hello-world-")
    assert record(id=123, title="Numbers").id.startswith("numbers-")
    assert record(id="../../etc/passwd", title="Path").id.startswith("path-")
    # Without a URL the id depends on the path and the content: stable across runs.
    a = parse_record({"title": "Same"}, "f.jsonl#1")
    assert a.id == parse_record({"title": "Same"}, "f.jsonl#1").id
    assert a.id != parse_record({"title": "Same"}, "f.jsonl#2").id


def test_limits_truncate_with_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "MAX_FIELD_CHARS", 50)
    monkeypatch.setattr(jsonl, "MAX_COMMENTS", 3)
    monkeypatch.setattr(jsonl, "MAX_COMMENT_CHARS", 20)
    monkeypatch.setattr(jsonl, "MAX_LIST_ITEMS", 2)
    article = record(
        title="T",
        body="word " * 30,
        comments=[{"text": f"comment {i} " + "x " * 20} for i in range(10)],
        tags=["a", "b", "c", "d"],
    )
    assert article.body == ("word " * 10).strip()
    assert [c.text for c in article.comments] == [f"comment {i} x x x x x" for i in range(3)]
    assert article.tags == ("a", "b")
    assert article.warnings == (
        "body truncated from 149 to 50 characters",
        "tags cut to the first 2",
        "comments cut to the first 3",
        "3 comments truncated to 20 characters",
    )


def test_long_quotes_and_captions_are_cut_with_one_warning_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(jsonl, "MAX_FIELD_CHARS", 10)
    quotes = [{"text": "a b c d e f g h", "speaker": "S"}, "short"]
    article = record(title="T", quotes=quotes, captions=["x" * 11])
    assert article.quotes == (Quote("a b c d e", "S"), Quote("short"))
    assert article.captions == ("x" * 10,)
    assert article.warnings == (
        "1 caption truncated to 10 characters",
        "1 quote truncated to 10 characters",
    )


def test_comment_count_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "MAX_COMMENTS", 3)
    article = record(title="T", comments=[str(i) for i in range(10)])
    assert [c.text for c in article.comments] == ["0", "1", "2"]
    assert article.warnings == ("comments cut to the first 3",)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from(
    ["title", "headline", "body", "text", "author", "authors", "tags", "keywords", "date",
     "published", "source", "publisher", "url", "link", "comments", "quotes", "captions", "id",
     "lang", "description", "replies", "name", "user"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, JSON_VALUES, max_size=10))
def test_junk_types_never_crash(obj: dict[str, Any]) -> None:
    try:
        article = parse_record(obj, "f#1")
    except ExtractError as e:
        assert e.reason == "the record has neither a headline nor a body"
        return
    assert article.headline or article.body
    json.dumps(article.as_dict())  # serialisable, all strings
    assert all(isinstance(t, str) and t for t in article.tags + article.authors)


# ---------------------------------------------------------------- real collections


def test_missing_shared_material_skips_locally_and_fails_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    absent = tmp_path / "shared"
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="is missing"):
        need_shared(absent)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="is missing"):
        need_shared(absent)
    need_shared(tmp_path)  # present: neither


@pytest.mark.shared
def test_reuters_first_200_records() -> None:
    need_shared(REUTERS)
    with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
        source = [json.loads(line) for line in islice(f, 200)]
    results = [r for _, r in islice(iter_extract(str(REUTERS)), 200)]
    articles = [r for r in results if isinstance(r, Article)]
    assert len(articles) == 200

    assert sum(bool(a.headline) for a in articles) >= 190
    assert sum(bool(a.body) for a in articles) >= 170
    assert all(a.published and a.published.startswith("1987-0") for a in articles)
    for a, rec in zip(articles, source, strict=True):
        assert a.tags == tuple(rec["topics"])
        assert a.headline == " ".join((rec["title"] or "").split())
        assert not a.body.endswith(("Reuter", "REUTER"))
        assert "\n\n\n" not in a.body and "  " not in a.body

    first = articles[0]
    assert first.path == f"{REUTERS}#1"
    assert (first.headline, first.published, first.tags) == (
        "BAHIA COCOA REVIEW",
        "1987-02-26T15:01:01",
        ("cocoa",),
    )
    body = first.body.split("\n\n")
    assert body[0] == (
        "Showers continued throughout the week in the Bahia cocoa zone, alleviating the "
        "drought since early January and improving prospects for the coming temporao, "
        "although normal humidity levels have not been restored, Comissaria Smith said in "
        "its weekly review."
    )
    assert body[1] == "The dry period means the temporao will be late this year."
    assert body[-1] == (
        "Final figures for the period to February 28 are expected to be published by the "
        "Brazilian Cocoa Trade Commission after carnival which ends midday on February 27."
    )  # the sign-off "Reuter" after it is gone
    assert len(body) == 17  # one per indented paragraph of the wire copy


@pytest.mark.shared
def test_benchmark_collection_round_trips(tmp_path: Path) -> None:
    need_shared(BENCH_TOOL)
    out = tmp_path / "bench.jsonl"
    subprocess.run(
        [sys.executable, str(BENCH_TOOL), "40", str(out)], check=True, capture_output=True
    )
    source = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    articles = [r for _, r in iter_extract(str(out))]
    assert all(isinstance(a, Article) for a in articles)
    for a, rec in zip(articles, source, strict=True):
        assert isinstance(a, Article)
        assert (a.id, a.url, a.source, a.published, a.lang) == (
            rec["id"],
            rec["url"],
            rec["source"],
            rec["published"],
            rec["lang"],
        )
        assert a.tags == tuple(rec["tags"])
        assert a.body == "\n\n".join(" ".join(p.split()) for p in rec["body"].split("\n\n"))
        assert [q.speaker for q in a.quotes] == [q["speaker"] for q in rec["quotes"]]
        assert [(c.author, c.text) for c in a.comments] == [
            (c["author"], " ".join(c["text"].split())) for c in rec["comments"]
        ]
        assert a.warnings == ()


@pytest.mark.parametrize(
    ("line", "detail"),
    [
        ('{"title": "T",', "Expecting property name enclosed in double quotes at column 15"),
        ('{"title": "open', "Unterminated string starting at column 11"),  # not "at at"
        ('{"title": "a\tb"}', "Invalid control character at column 13"),
    ],
)
def test_invalid_json_says_where_once(line: str, detail: str) -> None:
    with pytest.raises(ExtractError) as e:
        extract_jsonl_line(line, "f.jsonl#1")
    assert e.value.reason == f"the line is not valid JSON ({detail})"


@pytest.mark.parametrize("line", ["", " ", "One.", "  lead\tand  inner  space ", "\tTab",
                                  "\u00a0 nbsp", "He said. REUTER", "Story. Reuter^M",
                                  "a\u202eb\x00c", "Only REUTER", "Reuters"])
def test_one_line_paragraphs_as_a_line_among_others(line: str) -> None:
    """A text of one line (its fast path) gives what it gives as the second line of two."""
    assert ["First."] + paragraphs(line) == paragraphs("First.\n" + line)
