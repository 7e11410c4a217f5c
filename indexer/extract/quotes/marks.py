"""Quotation marks: the quoted spans of a paragraph, and where its sentences end outside them.

Straight, curly, „low-high“ and «guillemet» marks are read; single quotation marks are
not, because they cannot be told apart from apostrophes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Opening mark → the marks that close it. "„" is closed by "“" (German) or "”" (Polish);
# scraped text mixes curly and straight marks (“…," the office said), so they close each other.
_CLOSERS = {'"': '"”', "“": '”"', "„": "“”", "«": "»", "”": "”"}
# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st gen lt col sgt capt gov sen rep jr sr inc co corp ltd no vs etc "
    "u.s u.k a.m p.m".split()
)


@dataclass(frozen=True, slots=True)
class Span:
    """A quoted span of one paragraph: marks at `start` and `end - 1` (when closed)."""

    start: int
    end: int
    text: str
    closed: bool


def quoted_spans(paragraph: str) -> list[Span]:
    """Quoted spans in order. An unclosed quote runs to the next opening mark or the end,
    as in multi-sentence quotes whose closing mark is left out before a new opening one."""
    spans: list[Span] = []
    open_at: int | None = None
    opener = closers = ""
    for i, ch in enumerate(paragraph):
        if ch not in _CLOSERS and ch != "»":
            continue
        before = paragraph[i - 1] if i else " "
        after = paragraph[i + 1] if i + 1 < len(paragraph) else " "
        can_open = ch in "“„«" or (
            ch in '"”' and (before.isspace() or before in "([{—–-/") and not after.isspace())
        if open_at is None:
            if can_open:
                open_at, opener, closers = i, ch, _CLOSERS[ch]
        elif ch in closers and not (ch == opener and can_open and before.isspace()):
            spans.append(Span(open_at, i + 1, paragraph[open_at + 1:i], True))
            open_at = None
        elif ch == opener and can_open:
            spans.append(Span(open_at, i, paragraph[open_at + 1:i], False))
            open_at = i
    if open_at is not None:
        spans.append(Span(open_at, len(paragraph), paragraph[open_at + 1:], False))
    return spans


def sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence-ending mark in text outside quotes."""
    ends = []
    for m in re.finditer(r"[.!?…]+(?=\s|$)", text):
        word = re.search(r"([\w.]+)$", text[max(0, m.start() - 20): m.start()])
        token = word.group(1).casefold() if word else ""
        if m.group() == "." and (token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token)):
            continue
        ends.append(m.end())
    return ends
