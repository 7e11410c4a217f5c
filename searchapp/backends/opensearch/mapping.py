"""An Article as an OpenSearch document, and the index's settings and mapping.

Text is analysed by `searchapp.analysis.terms()` in our extraction workers (`prepare`) and
sent as its terms, space-separated, to fields with a whitespace analyzer: the engine
indexes exactly the terms, at exactly the positions, the Whoosh backend indexes, so both
match the same articles. The Article itself is kept whole in `article` (stored, not
indexed) and the term strings are left out of `_source`.

Quotes and comments are nested documents, each with its text and its speaker or author,
so that `speaker:X` and words of one quote can be asked to meet in the same quote.
Facets are keyword arrays of the article (their counts are counts of articles), each with
its values' name keys beside it (`facet_key_<facet>`, searchapp.facetnames): searching
within a facet's values and listing them by name read those.
"""

from __future__ import annotations

import hashlib
from typing import Any

from indexer.article import Article
from searchapp import people
from searchapp.analysis import terms
from searchapp.facetnames import name_key
from searchapp.fields import (
    AUTHOR,
    BODY,
    CAPTIONS,
    COMMENTER,
    COMMENTS,
    FACETS,
    HEADLINE,
    QUOTES,
    SOURCE,
    SPEAKER,
    TAG,
    facet_value,
    facet_values,
    name_values,
    published_datetime,
)

# The layout of documents and mapping; an index of another version is refused.
# 2: each quote and comment carries its person as `people` resolves it (WHO), and the
# facets their name keys (facet_key_<facet>). 3: each article its cluster of copies and
# its fingerprint (CLUSTER, CLUSTER_KEY, DEDUP, DEDUP_BANDS; an older document has no cluster, and
# collapsing would put all such documents in one).
FORMAT_VERSION = 3
# Positions of consecutive entries (captions, names) are 100 apart, as in the Whoosh
# backend: Lucene puts the next value at the last position + gap + 1.
ENTRY_GAP = 99
ANALYZER = "scrapesearch_terms"
# Lucene refuses a term over 32,766 bytes, and with it the whole document: a longer facet
# value (or path) is kept in the Article but not indexed; a longer word is cut into pieces.
KEYWORD_CHARS = 8191

ID, PATH, HASH, URL, SEQ, PUBLISHED, NCOMMENTS, ARTICLE = (
    "id", "path", "hash", "url", "seq", "published", "ncomments", "article")
# When the article first entered the index (seconds since the epoch), set by the writer
# (added.py); indexes made before it have none.
ADDED = "added"
# The digest of the input item the article was read from (indexer/digest.py), for `update`
# to leave that item unread; indexes made before it have none (their items are read once).
INPUT = "input"
INPUT_FIELD = {"type": "keyword", "index": False}
# Clusters of copies (searchapp/duplicates.py, opensearch/clusters.py): the article's
# cluster id (a collapsed search collapses on its doc values), its near-duplicate
# fingerprint (indexer/dedup_store.encode; read back by `update` only, so kept in _source
# and nowhere else) and the fingerprint's LSH band keys (what `update` looks a new
# article's candidates up by: 64 an article, as numbers (opensearch/clusters.band_numbers:
# Reuters-21578 is built in 16.5 s instead of 20.3 s with them as keyword terms), with no
# doc values, which nothing reads). None of them is part of the Article.
CLUSTER, DEDUP, DEDUP_BANDS = "cluster", "dedup", "dedup_bands"
# The cluster id as a number (`cluster_key`), which a collapsed search collapses on: on a
# keyword OpenSearch compares each match's bytes (80 ms for a page of all of Reuters-21578
# against 8 ms on a long). A 64-bit hash: two clusters of a million share one with a
# chance of about 3 in 100 million.
CLUSTER_KEY = "cluster_key"


def cluster_key(cluster: str) -> int:
    return int.from_bytes(hashlib.blake2b(cluster.encode("utf-8"), digest_size=8).digest(),
                          "big", signed=True)
# Nested entries and their fields.
TEXT = "text"
# The person of a quote or comment as `searchapp.people` resolves it: the facet value, so
# that a speaker filter can be tied to the quote the words match in (entries.tie).
WHO = "who"
WHO_KEY = "who_key"  # its facetnames.name_key: a person facet searched within, or by name
ENTRY_NAME = {QUOTES: "speaker", COMMENTS: "commenter"}
# Where each part or name is searched: (nested path or None, field).
TARGETS: dict[str, tuple[str | None, str]] = {
    HEADLINE: (None, HEADLINE),
    BODY: (None, BODY),
    CAPTIONS: (None, CAPTIONS),
    QUOTES: (QUOTES, f"{QUOTES}.{TEXT}"),
    COMMENTS: (COMMENTS, f"{COMMENTS}.{TEXT}"),
    SPEAKER: (QUOTES, f"{QUOTES}.speaker"),
    COMMENTER: (COMMENTS, f"{COMMENTS}.commenter"),
    AUTHOR: (None, "author_names"),
    SOURCE: (None, "source_name"),
    TAG: (None, "tag_names"),
}
FACET_FIELDS = {name: f"facet_{name}" for name in FACETS}
KEY_FIELDS = {name: f"facet_key_{name}" for name in FACETS}  # facetnames.name_key of each


def _terms(text: str, stemming: bool = True) -> str:
    return " ".join(t for t, _, _, _ in terms(text, stemming=stemming, stops=stemming))


def _entries(texts, stemming: bool = True) -> list[str]:
    """Term strings of entries, empty ones left out (they hold no position either)."""
    return [t for t in (_terms(x, stemming) for x in texts) if t]



def _entry(text: str, name: str, words: str, who) -> dict[str, Any]:
    entry = {TEXT: text, name: words}
    if who is not None and facet_value(who.name):
        entry[WHO] = facet_value(who.name)
        entry[WHO_KEY] = name_key(entry[WHO])
    return entry


def with_input(source: dict[str, Any], digest: str) -> dict[str, Any]:
    """The document `source` with the digest of its input item, when it has one."""
    if digest:
        source[INPUT] = digest
    return source

def to_document(article: Article, digest: str) -> dict[str, Any]:
    """The document indexed for `article` (without `seq`, which the writer numbers)."""
    facets = facet_values(article)
    names = name_values(article, facets)
    published = published_datetime(article.published)
    doc: dict[str, Any] = {
        ID: article.id,
        PATH: article.path,
        HASH: digest,
        NCOMMENTS: len(article.comments),
        HEADLINE: _terms(article.headline),
        BODY: _terms(article.body),
        CAPTIONS: _entries(article.captions),
        QUOTES: [_entry(_terms(q.text), "speaker", _terms(facet_value(q.speaker), False), p)
                 for q, p in zip(article.quotes, people.speakers(article), strict=True)],
        COMMENTS: [_entry(_terms(c.text), "commenter", _terms(facet_value(c.author), False),
                          p)
                   for c, p in zip(article.comments, people.commenters(article), strict=True)],
        "author_names": _entries(names[AUTHOR], False),
        "source_name": _entries(names[SOURCE], False),
        "tag_names": _entries(names[TAG], False),
        ARTICLE: article.as_dict(),
    }
    if article.url:
        doc[URL] = article.url
    if published is not None:
        doc[PUBLISHED] = published.isoformat()
    for name, values in facets.items():
        if values:
            doc[FACET_FIELDS[name]] = values
            doc[KEY_FIELDS[name]] = [name_key(v) for v in values]
    return doc


def prepare(article: Article, digest: str) -> dict[str, Any]:
    """`SearchBackend.prepare`: the document, analysed in an extraction worker."""
    return to_document(article, digest)


def _text(**extra) -> dict[str, Any]:
    return {"type": "text", "analyzer": ANALYZER, "index_options": "positions",
            "position_increment_gap": ENTRY_GAP, **extra}


def index_body(shards: int, replicas: int | None, meta: dict[str, Any]) -> dict[str, Any]:
    """Settings and mapping of a new index (built with no replica and no refresh: `live()`
    gives both back when it is finished)."""
    settings: dict[str, Any] = {
        "number_of_shards": shards,
        "number_of_replicas": 0,
        "refresh_interval": "-1",
        "mapping.nested_objects.limit": 100_000,
        "max_result_window": 10_000,
        "analysis": {
            "tokenizer": {
                # The default would cut terms at 255 characters.
                "scrapesearch_spaces": {"type": "whitespace",
                                        "max_token_length": KEYWORD_CHARS},
            },
            "analyzer": {ANALYZER: {"type": "custom", "tokenizer": "scrapesearch_spaces"}},
        },
    }
    nested = {
        part: {"type": "nested", "properties": {
            TEXT: _text(), ENTRY_NAME[part]: _text(),
            WHO: {"type": "keyword", "ignore_above": KEYWORD_CHARS},
            WHO_KEY: {"type": "keyword", "ignore_above": KEYWORD_CHARS}}}
        for part in (QUOTES, COMMENTS)
    }
    properties: dict[str, Any] = {
        ID: {"type": "keyword"},
        PATH: {"type": "keyword", "ignore_above": KEYWORD_CHARS},
        HASH: {"type": "keyword", "index": False},
        INPUT: INPUT_FIELD,
        URL: {"type": "keyword", "index": False},
        SEQ: {"type": "long"},
        PUBLISHED: {"type": "date", "format": "strict_date_optional_time||epoch_millis"},
        NCOMMENTS: {"type": "integer"},
        HEADLINE: _text(),
        BODY: _text(),
        CAPTIONS: _text(),
        "author_names": _text(),
        "source_name": _text(),
        "tag_names": _text(),
        **nested,
        **{f: {"type": "keyword", "ignore_above": KEYWORD_CHARS}
           for f in FACET_FIELDS.values()},
        # A key is about twice its value: one past KEYWORD_CHARS is not indexed (its value
        # is then missing from searches within the facet's values and from the name order).
        **{f: {"type": "keyword", "ignore_above": KEYWORD_CHARS}
           for f in KEY_FIELDS.values()},
        ARTICLE: {"type": "object", "enabled": False},
        ADDED: {"type": "double", "index": False},
        CLUSTER: {"type": "keyword"},
        CLUSTER_KEY: {"type": "long"},  # indexed: inner_hits looks the clusters up
        DEDUP: {"type": "keyword", "index": False, "doc_values": False},
        DEDUP_BANDS: {"type": "long", "doc_values": False},
    }
    return {
        "settings": {"index": settings},
        "mappings": {
            "dynamic": "strict",
            "_meta": meta,
            # The term strings are only for the index: _source keeps the Article.
            "_source": {"excludes": [HEADLINE, BODY, CAPTIONS, f"{QUOTES}.*",
                                     f"{COMMENTS}.*", "author_names", "source_name",
                                     "tag_names", DEDUP_BANDS]},
            "properties": properties,
        },
    }


def live_settings(replicas: int | None) -> dict[str, Any]:
    """What a finished index gets back: refreshes, and its replicas."""
    out: dict[str, Any] = {"refresh_interval": None}
    if replicas is None:
        out["auto_expand_replicas"] = "0-1"
    else:
        out["number_of_replicas"] = replicas
    return {"index": out}
