"""'Did you mean': respell words that are in no article, for queries that found nothing.

The index holds stems ("compani"), not words, so a correction is found among the stems
within one or two edits of the misspelt word's stem, and shown as the word an article
really uses: the text at the character offsets of one of that stem's postings.
"""

from __future__ import annotations

import re

from whoosh.reading import TermNotFound
from whoosh.support.levenshtein import distance

from indexer.schema import BODY, HEADLINE
from searchapp.search.data import IndexData
from searchapp.search.engine import analyze
from searchapp.search.parser import And, Not, Or, Phrase, Word

MAX_WORDS = 3  # misspelt words corrected per query
SURFACE_DOCS = 5  # articles looked at for the ways a stem is written
SPELL_FIELDS = (BODY, HEADLINE)


def _words(tree) -> list[str]:
    """Plain words of the query (no field, no prefix or fuzzy, not negated), in order."""
    if isinstance(tree, Word):
        plain = tree.field is None and not tree.prefix and not tree.fuzzy
        return [tree.text] if plain else []
    if isinstance(tree, Phrase):
        return list(tree.words) if tree.field is None else []
    if isinstance(tree, And | Or):
        return [w for item in tree.items for w in _words(item)]
    return []  # Not, None


def _surface(data: IndexData, term: str, like: str) -> str | None:
    """The word written in articles for `term` (a stem) closest to `like`, lowercased."""
    reader = data.searcher.reader()
    forms: set[str] = set()
    for fieldname in SPELL_FIELDS:
        try:
            m = reader.postings(fieldname, term)
        except TermNotFound:  # the stem is only in the other field
            continue
        fmt = data.schema[fieldname].format
        looked = 0
        while m.is_active() and looked < SURFACE_DOCS:
            text = data.searcher.stored_fields(m.id()).get(fieldname) or ""
            forms.update(text[s:e].lower() for _, s, e in fmt.decode_characters(m.value()))
            looked += 1
            m.next()
    forms.discard("")
    if not forms:
        return None
    return min(sorted(forms), key=lambda f: distance(f, like.lower()))


def _correction(data: IndexData, word: str) -> str | None:
    stems = analyze(BODY, word)
    if len(stems) != 1 or any(data.doc_frequency(f, stems[0]) for f in SPELL_FIELDS):
        return None  # a stop word, several words, or a word that is there
    stem = stems[0]
    for maxdist in (1, 2):
        found: dict[str, int] = {}
        for seg, _ in data.leaves:
            for fieldname in SPELL_FIELDS:
                for t in seg.terms_within(fieldname, stem, maxdist, prefix=1):
                    found[t] = found.get(t, 0) + data.doc_frequency(fieldname, t)
        if found:
            best = max(sorted(found), key=lambda t: found[t])
            return _surface(data, best, word)
    return None


def suggest(data: IndexData, tree, q: str) -> str | None:
    """The query with its misspelt words respelt, or None when there is nothing to offer."""
    if tree is None or isinstance(tree, Not):
        return None
    changed = q
    fixes = 0
    for word in dict.fromkeys(_words(tree)):
        if fixes >= MAX_WORDS:
            break
        better = _correction(data, word)
        if better and better != word.lower():
            changed = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", better, changed, count=1)
            fixes += 1
    return changed if fixes and changed != q else None
