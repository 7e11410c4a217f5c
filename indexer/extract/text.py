"""Text cleaning shared by every extractor: what may reach the index and the page."""

from __future__ import annotations

import re
import unicodedata

# Bidi embedding/override/isolate controls can reorder what a reader sees (U+202E etc.).
_BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
# C0/C1 controls except tab and newline, plus DEL, bidi controls, BOM and lone surrogates.
_DROP = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _BIDI + "\ufeff\ufffe\uffff\ud800-\udfff]"
)
_SPACES = re.compile(r"[^\S\n]+")  # runs of white space other than newline
_BLANKS = re.compile(r"\n\s*\n")  # a blank line, possibly with spaces on it

# Limits that keep one article from costing more than its share (reliability.md A8).
MAX_FIELD_CHARS = 1_000_000
MAX_COMMENTS = 2_000
MAX_COMMENT_CHARS = 64_000


def clean_text(s: str) -> str:
    """NFC, no control or bidi characters, no lone surrogates; CRLF and CR become LF."""
    if not s:
        return ""
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in s or "\u2029" in s:  # Unicode's line and paragraph separators
        s = s.replace("\u2028", "\n").replace("\u2029", "\n\n")
    s = _DROP.sub("", s)
    return unicodedata.normalize("NFC", s)


def clean_line(s: str) -> str:
    """One line of text: cleaned, white space collapsed to single spaces, stripped."""
    return _SPACES.sub(" ", clean_text(s).replace("\n", " ")).strip()


def split_paragraphs(s: str) -> list[str]:
    """Paragraphs separated by blank lines, each with its white space collapsed."""
    return [p for p in (clean_line(chunk) for chunk in _BLANKS.split(clean_text(s))) if p]


def join_paragraphs(paragraphs: list[str] | tuple[str, ...]) -> str:
    """Paragraphs in reading order, separated by one blank line."""
    return "\n\n".join(p for p in paragraphs if p)


def normalize_block(s: str) -> str:
    """Cleaned text with paragraphs kept: single spaces inside, one blank line between."""
    return join_paragraphs(split_paragraphs(s))


def truncate(s: str, limit: int, what: str, warnings: list[str]) -> str:
    """Cut `s` at `limit` characters (on a word boundary) and record a warning when it was cut."""
    if len(s) <= limit:
        return s
    cut = s.rfind(" ", 0, limit)
    warnings.append(f"{what} truncated from {len(s):,} to {limit:,} characters")
    return s[: cut if cut > limit // 2 else limit]
