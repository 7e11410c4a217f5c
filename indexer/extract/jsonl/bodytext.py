"""Body text given as one string (a JSON-lines field): its paragraphs in reading order."""

from __future__ import annotations

import os
import re

from indexer.extract.boilerplate import SIGNOFF_WORDS
from indexer.extract.text import clean_text

_SIGNOFF_END = re.compile(
    rf"(?:\A|\n|[ \t]{{2}}|(?<=[.!?\"')])[ \t])\s*{SIGNOFF_WORDS}\Z", re.IGNORECASE
)


_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def paragraphs(text: str) -> list[str]:
    """Paragraphs in reading order, each on one line, wire sign-offs dropped.

    Blank lines separate paragraphs and single newlines inside them are soft wraps; a text
    without blank lines has one paragraph per line; a hard-wrapped text whose paragraphs
    start with an indent (old wire copy, Reuters-21578) has one paragraph per indent.
    """
    text = _without_signoff(clean_text(text))
    if "\n" not in text:
        # One line (most comments and quotes): one paragraph, what the rules below make of
        # it too (a line has no shared indent to keep, and split() drops its own).
        return [p] if (p := " ".join(text.split())) else []
    blocks = _BLANK_LINE.split(text)
    out: list[str] = []
    for block in blocks:
        lines = _dedent(block.split("\n"))
        if _indent_marks_paragraphs(lines):
            out += _join_indented(lines)
        elif len(blocks) == 1:
            out += lines
        else:
            out.append(" ".join(lines))
    return [p for p in (" ".join(chunk.split()) for chunk in out) if p]  # already cleaned


def _dedent(lines: list[str]) -> list[str]:
    """Remove the indent all lines share (textwrap.dedent compiles it into a regex: slow)."""
    indents = [ln[: len(ln) - len(ln.lstrip(" \t"))] for ln in lines if ln.strip()]
    margin = len(os.path.commonprefix(indents)) if indents else 0
    return [ln[margin:] for ln in lines] if margin else lines


def _without_signoff(text: str) -> str:
    text = text.rstrip()
    for _ in range(3):  # "REUTER\n Reuter": some stories are signed twice
        # Searched for in the tail only: bounded work whatever runs of spaces precede it.
        m = _SIGNOFF_END.search(text, max(0, len(text) - 64))
        if not m:
            break
        text = text[: m.start()].rstrip()
    return text


def _indent_marks_paragraphs(lines: list[str]) -> bool:
    """After dedent, a line that is still indented starts a paragraph."""
    return any(ln[:1] in (" ", "\t") and ln.strip() for ln in lines)


def _join_indented(lines: list[str]) -> list[str]:
    out: list[str] = []
    for ln in lines:
        if out and ln[:1] not in (" ", "\t"):
            out[-1] += " " + ln
        else:
            out.append(ln)
    return out
