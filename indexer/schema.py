"""The one Whoosh schema of scrapesearch, its field names, and the fast indexing path.

Text fields (headline, body, captions, quotes, comments) are stemmed and accent-folded and
store character offsets in their postings, so highlighting reads offsets instead of
re-analysing stored text. Facet fields hold exact display values, one term per value.
Name fields (speaker_names, ...) are the same names analysed as words (not stemmed), for
`speaker:popov`-style queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import fields, formats

from indexer.analysis import NewsAnalyzer
from indexer.formats import CompactCharacters, CompactPositions
from indexer.postings import field_postings

SCHEMA_VERSION = 2

# Text fields, in the order the "all" scope lists them.
HEADLINE, BODY, CAPTIONS, QUOTES, COMMENTS = "headline", "body", "captions", "quotes", "comments"
TEXT_FIELDS = (HEADLINE, BODY, CAPTIONS, QUOTES, COMMENTS)
# Headline matches outrank body matches; quotes and captions sit between.
FIELD_BOOSTS = {HEADLINE: 3.0, BODY: 1.0, CAPTIONS: 0.8, QUOTES: 1.2, COMMENTS: 0.6}

# Exact-match facet fields (multi-valued where an article has several).
SOURCE, YEAR, SPEAKER, COMMENTER, AUTHOR, TAG = (
    "source", "year", "speaker", "commenter", "author", "tag")
FACET_FIELDS = (SOURCE, YEAR, SPEAKER, COMMENTER, AUTHOR, TAG)

# Name fields analysed as words, for field queries on people and sources.
NAME_FIELDS = {SPEAKER: "speaker_names", COMMENTER: "commenter_names",
               AUTHOR: "author_names", SOURCE: "source_name", TAG: "tag_names"}

ID, URL, PATH, HASH = "id", "url", "path", "hash"
PUBLISHED, NCOMMENTS, META = "published", "ncomments", "meta"

# Positions of consecutive entries of a multi-valued text field (quotes, comments) are this
# far apart, so a phrase never matches across two comments.
ENTRY_POSITION_GAP = 100
# Entries of a multi-valued text field are joined with this in the stored text.
ENTRY_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Preanalyzed:
    """A text field's postings computed in a worker process: the writer only files them."""

    postings: tuple[tuple[bytes, int, float, bytes], ...]
    length: int


class NewsText(fields.TEXT):
    """TEXT with our analyzer and character offsets, accepting pre-analysed values."""

    def __init__(self, stemming: bool = True, field_boost: float = 1.0, stored: bool = True,
                 chars: bool = True):
        super().__init__(analyzer=NewsAnalyzer(stemming=stemming, stops=stemming),
                         chars=chars, phrase=True, stored=stored, field_boost=field_boost)
        fmt = CompactCharacters if chars else CompactPositions
        self.format = fmt(field_boost=field_boost)

    def index(self, value, **kwargs):
        if isinstance(value, Preanalyzed):
            return value.postings
        return [(w.encode("utf-8"), freq, weight, v) for w, freq, weight, v
                in self.format.word_values(value, self.analyzer, mode="index", **kwargs)]

    def preanalyze(self, entries: list[str] | tuple[str, ...]) -> Preanalyzed:
        """Postings of the entries joined by ENTRY_SEPARATOR, positions gapped between entries."""
        postings, length = field_postings(
            entries, self.analyzer.stemming, isinstance(self.format, CompactCharacters),
            self.format.field_boost, ENTRY_POSITION_GAP, len(ENTRY_SEPARATOR))
        return Preanalyzed(tuple(postings), length)


class Facet(fields.FieldType):
    """Exact values, several per document, each indexed as one term (no tokenizing)."""

    def __init__(self, stored: bool = False):
        self.analyzer = None
        self.format = formats.Existence()
        self.stored = stored
        self.unique = False
        self.column_type = None
        self.scorable = False

    def index(self, value, **kwargs):
        values = [value] if isinstance(value, str) else value
        return [(v.encode("utf-8"), 1, 1.0, b"") for v in dict.fromkeys(values) if v]

    def process_text(self, qstring, mode="", **kwargs):
        return (qstring,)

    def self_parsing(self):
        return False


def build_schema() -> fields.Schema:
    """The schema every generation is built with (SCHEMA_VERSION names its shape)."""
    text = {name: NewsText(field_boost=FIELD_BOOSTS[name]) for name in TEXT_FIELDS}
    names = {field: NewsText(stemming=False, stored=False, chars=False)
             for field in NAME_FIELDS.values()}
    facets = {name: Facet() for name in FACET_FIELDS}
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        url=fields.ID(stored=True),
        path=fields.ID(stored=True),
        hash=fields.ID(stored=True),
        published=fields.DATETIME(stored=True, sortable=True),
        ncomments=fields.NUMERIC(stored=True, sortable=True, bits=32, signed=False),
        meta=fields.STORED(),
        **text, **names, **facets,
    )
