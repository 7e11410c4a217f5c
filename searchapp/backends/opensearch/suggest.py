"""'Did you mean' for queries that found nothing: OpenSearch's term suggester over the stems
of headlines and bodies, shown as the word an article really writes.

As in the Whoosh backend: only words that are in no headline or body are corrected; a
correction shares the word's first letter and is within one edit of its stem (two when
none is within one), the most frequent first; it is shown as it is written in one of a
few articles that hold it.
"""

from __future__ import annotations

import opensearchpy

from searchapp.analysis import terms
from searchapp.backends.opensearch.connection import Settings, describe
from searchapp.fields import BODY, HEADLINE
from searchapp.search.matcher import analyze, edit_distance
from searchapp.search.parser import Not, plain_words

MAX_WORDS = 3
SURFACE_DOCS = 5
SPELL_FIELDS = (BODY, HEADLINE)


def respell(client, settings: Settings, tree) -> dict[str, str]:
    if tree is None or isinstance(tree, Not):
        return {}
    words = {}
    for word in dict.fromkeys(plain_words(tree)):
        stems = analyze(BODY, word)
        if len(stems) == 1:
            words[word] = stems[0]
    if not words:
        return {}
    try:
        return _respell(client, settings.index, dict(list(words.items())[:MAX_WORDS * 2]))
    except opensearchpy.exceptions.OpenSearchException as e:
        raise describe(e, settings.where, settings.index) from None


def _respell(client, alias: str, words: dict[str, str]) -> dict[str, str]:
    suggest = {}
    for i, stem in enumerate(words.values()):
        for field in SPELL_FIELDS:
            suggest[f"w{i}_{field}"] = {"text": stem, "term": {
                "field": field, "suggest_mode": "always", "max_edits": 2, "prefix_length": 1,
                "min_word_length": 2, "size": 20, "sort": "frequency",
                "string_distance": "levenshtein", "analyzer": "whitespace"}}
    present = {f"p{i}": {"filter": {"multi_match": {"query": stem, "fields": list(SPELL_FIELDS),
                                                      "analyzer": "whitespace"}}}
               for i, stem in enumerate(words.values())}
    resp = client.search(index=alias, body={"size": 0, "suggest": suggest, "aggs": present,
                                            "track_total_hits": False})
    out: dict[str, str] = {}
    for i, (word, stem) in enumerate(words.items()):
        if len(out) >= MAX_WORDS:
            break
        if resp["aggregations"][f"p{i}"]["doc_count"]:
            continue  # the word is there: it is not misspelt
        freq: dict[str, int] = {}
        for field in SPELL_FIELDS:
            for entry in resp["suggest"][f"w{i}_{field}"]:
                for option in entry["options"]:
                    freq[option["text"]] = freq.get(option["text"], 0) + option["freq"]
        for maxdist in (1, 2):
            near = {t: n for t, n in freq.items() if edit_distance(t, stem, maxdist) <= maxdist}
            if near:
                best = max(sorted(near), key=lambda t: near[t])
                surface = _surface(client, alias, best, word)
                if surface and surface != word.lower():
                    out[word] = surface
                break
    return out


def _surface(client, alias: str, stem: str, like: str) -> str | None:
    """The written word, in a few articles holding `stem`, closest to `like`, lowercased."""
    resp = client.search(index=alias, body={
        "size": SURFACE_DOCS, "_source": ["article.headline", "article.body"],
        "query": {"multi_match": {"query": stem, "fields": list(SPELL_FIELDS),
                                  "analyzer": "whitespace"}}})
    forms: set[str] = set()
    for hit in resp["hits"]["hits"]:
        art = hit["_source"].get("article") or {}
        for text in (art.get("headline") or "", art.get("body") or ""):
            forms.update(text[s:e].lower() for t, _, s, e in terms(text) if t == stem)
    forms.discard("")
    if not forms:
        return None
    return min(sorted(forms), key=lambda f: edit_distance(f, like.lower(), 100))
