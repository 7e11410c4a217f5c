"""The Whoosh schema of the index, its field names, and the format version of the index.

Text fields (headline, body, captions, quotes, comments) are stemmed and accent-folded and
store character offsets in their postings, so highlighting reads offsets instead of
re-analysing stored text. Facet fields hold exact display values, one term per value.
Name fields (speaker_names, ...) are the same names analysed as words (not stemmed), for
`speaker:popov`-style queries.

The schema is built here, in code, every time an index is opened: the copy Whoosh pickles
into the index is never read back. So that no index holds our classes by their import
path (moving a module would turn every index into errors), our field types pickle as the
Whoosh field types they extend.
"""

from __future__ import annotations

from whoosh import fields, formats

from searchapp.backends.whoosh.analysis import NewsAnalyzer
from searchapp.backends.whoosh.formats import CompactCharacters, CompactPositions
from searchapp.backends.whoosh.postings import Preanalyzed, packed_postings
from searchapp.fields import AUTHOR, COMMENTER, FACETS, PART_BOOSTS, PARTS, SOURCE, SPEAKER, TAG

# The layout of stored fields and postings. 2: scrapesearch 0.1 (what this code writes
# and reads). An index of another format is refused with one sentence (snapshot.py).
FORMAT_VERSION = 2

# Name fields analysed as words, for field queries on people and sources.
NAME_FIELDS = {SPEAKER: "speaker_names", COMMENTER: "commenter_names",
               AUTHOR: "author_names", SOURCE: "source_name", TAG: "tag_names"}

ID, URL, PATH, HASH = "id", "url", "path", "hash"
PUBLISHED, NCOMMENTS, META = "published", "ncomments", "meta"
# When the article first entered the index (seconds since the epoch, UTC), kept by later
# builds and updates (added.py). Indexes from before it have none: readers fall back on
# the generation's build time.
ADDED = "added"
# The digest of the input item the article was read from (indexer/digest.py), for `update`
# to leave that item unread. Indexes from before it have none: their items are read once.
INPUT = "input"

# Positions of consecutive entries of a multi-valued text field (quotes, comments) are this
# far apart, so a phrase never matches across two comments.
ENTRY_POSITION_GAP = 100
# Entries of a multi-valued text field are joined with this in the stored text.
ENTRY_SEPARATOR = "\n\n"


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

    def __reduce__(self):
        # Pickled into the index's TOC as plain Whoosh (see the module docstring).
        return (fields.TEXT, (None, True, isinstance(self.format, CompactCharacters),
                              self.stored, self.format.field_boost))

    def preanalyze(self, entries: list[str] | tuple[str, ...]) -> Preanalyzed:
        """Postings of the entries joined by ENTRY_SEPARATOR, positions gapped between entries."""
        return packed_postings(
            entries, self.analyzer.stemming, isinstance(self.format, CompactCharacters),
            self.format.field_boost, ENTRY_POSITION_GAP, len(ENTRY_SEPARATOR))


class Facet(fields.FieldType):
    """Exact values, several per document, each indexed as one term (no tokenizing)."""

    def __init__(self, stored: bool = False):
        self.analyzer = None
        self.format = formats.Existence()
        self.stored = stored
        self.unique = False
        self.column_type = None
        self.scorable = False

    def __reduce__(self):
        return (fields.KEYWORD, (self.stored,))

    def index(self, value, **kwargs):
        values = [value] if isinstance(value, str) else value
        return [(v.encode("utf-8"), 1, 1.0, b"") for v in dict.fromkeys(values) if v]

    def process_text(self, qstring, mode="", **kwargs):
        return (qstring,)

    def self_parsing(self):
        return False


def build_schema() -> fields.Schema:
    """The schema every generation is built and read with (FORMAT_VERSION names its shape)."""
    text = {name: NewsText(field_boost=PART_BOOSTS[name]) for name in PARTS}
    names = {field: NewsText(stemming=False, stored=False, chars=False)
             for field in NAME_FIELDS.values()}
    facets = {name: Facet() for name in FACETS}
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        url=fields.ID(stored=True),
        path=fields.ID(stored=True),
        hash=fields.ID(stored=True),
        published=fields.DATETIME(stored=True, sortable=True),
        ncomments=fields.NUMERIC(stored=True, sortable=True, bits=32, signed=False),
        meta=fields.STORED(),
        added=fields.STORED(),
        input=fields.STORED(),
        **text, **names, **facets,
    )
