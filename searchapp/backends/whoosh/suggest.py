"""'Did you mean': respell words that are in no article, for queries that found nothing.

The index holds stems ("compani"), not words, so a correction is found among the stems
within one or two edits of the misspelt word's stem, and shown as the word an article
really uses: the text at the character offsets of one of that stem's postings.
"""

from __future__ import annotations

from whoosh.reading import TermNotFound
from whoosh.support.levenshtein import distance

from searchapp.backends.whoosh.arrays import IndexData
from searchapp.backends.whoosh.evaluate import analyze
from searchapp.fields import BODY, HEADLINE
from searchapp.search.parser import Not, plain_words

MAX_WORDS = 3  # misspelt words corrected per query
SURFACE_DOCS = 5  # articles looked at for the ways a stem is written
SPELL_FIELDS = (BODY, HEADLINE)


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
        for fieldname in SPELL_FIELDS:
            for t in data.terms_within(fieldname, stem, maxdist):
                found[t] = found.get(t, 0) + data.doc_frequency(fieldname, t)
        if found:
            best = max(sorted(found), key=lambda t: found[t])
            return _surface(data, best, word)
    return None


def respell(data: IndexData, tree) -> dict[str, str]:
    """Misspelt plain words of the query -> the word as articles write it (at most MAX_WORDS).

    The page puts them in place of the words in the query as typed (search/service.py).
    """
    if tree is None or isinstance(tree, Not):
        return {}
    out: dict[str, str] = {}
    for word in dict.fromkeys(plain_words(tree)):
        if len(out) >= MAX_WORDS:
            break
        better = _correction(data, word)
        if better and better != word.lower():
            out[word] = better
    return out
