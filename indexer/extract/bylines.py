"""Bylines split into the names of people, for the author fields of scraped records."""

from __future__ import annotations

import re

from indexer.extract.text import clean_line

# Byline parts that describe a job, not a person ("John Smith, Staff Writer"): a part made
# only of these words is dropped.
BYLINE_ROLE_WORDS = frozenset(
    "staff writer writers reporter reporters correspondent contributor contributing editor "
    "senior chief political columnist special to the news desk".split()
)
NAME_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())
# Degrees printed after a name ("Rachael Link, MS, RD"): dropped, never a person.
DEGREES = frozenset(
    "phd ph.d. md m.d. ms m.s. ma rd rdn mph rn mba cfa cfp dds dvm lcsw np esq esq.".split())

_BY = re.compile(r"(?i)^(?:written\s+)?by\b[:\s]*")
_BYLINE_SPLIT = re.compile(r"\s*(?:[,;|]|\s&\s|\band\b)\s*", re.IGNORECASE)
_AND_SPLIT = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
_LAST_FIRST = re.compile(r"[^\s,]+,\s*[^\s,]+")


def byline_names(byline: str, commas: bool) -> list[str]:
    """Names in a byline: "By A and B", "A, B & C"; roles ("Staff Writer") dropped.

    Pass commas=False for an item of a list of names: it is one name, or several joined
    by "and" / "&", never split at a comma.
    """
    byline = _BY.sub("", clean_line(byline))
    if not commas:
        parts = _AND_SPLIT.split(byline)
    elif _LAST_FIRST.fullmatch(byline):
        parts = [byline]  # "Smith, John" is one person, last name first
    else:
        parts = _BYLINE_SPLIT.split(byline)
    names: list[str] = []
    for part in (p.strip() for p in parts):
        if not part or all(w in BYLINE_ROLE_WORDS for w in part.lower().split()):
            continue
        if part.lower() in DEGREES and names:
            continue
        if part.lower() in NAME_SUFFIXES and names:
            names[-1] += ", " + part  # "John Smith, Jr."
        elif any(ch.isalpha() for ch in part):  # not "5" or "--"
            names.append(part)
    return names
