"""A facet value's name, case and accents aside: what "search within a facet's values" and
the name order compare (the same on every backend).

`folded("Zoë Ärnd")` is "zoe arnd" (`searchapp.analysis.fold` of the lowercased value: "ß"
is "ss"). A value contains a text when its folded form contains the text's folded form;
values are in name order when sorted by (folded form, value). The OpenSearch backend
indexes each value's `name_key` (folded form, NUL, value) beside the value, so that one
terms aggregation filters values by a regular expression on the folded form and orders
them by name (NUL sorts before every character, so a key orders like its pair).
"""

from __future__ import annotations

from searchapp.analysis import fold

SEP = "\x00"  # never in a facet value: fields.facet_value drops control characters


def folded(value: str) -> str:
    """`value` lowercased and accent-folded, for comparing names."""
    return fold(value.lower())


def name_key(value: str) -> str:
    """The key that orders and finds `value` by name: folded form, NUL, the value."""
    return f"{folded(value)}{SEP}{value}"


def value_of(key: str) -> str:
    """The value a `name_key` was made of."""
    return key.split(SEP, 1)[1] if SEP in key else key


def lucene_literal(text: str) -> str:
    """`text` as a Lucene regular expression matching only itself: every character but a
    letter or digit escaped (Lucene reads a backslash before any character as that
    character)."""
    return "".join(c if c.isascii() and c.isalnum() else "\\" + c for c in text)


def contains_pattern(needle: str) -> str:
    """A Lucene regular expression (OpenSearch's terms `include`) matching the name keys of
    the values whose folded form contains `needle` (already folded)."""
    return f"[^{SEP}]*{lucene_literal(needle)}[^{SEP}]*{SEP}.*"
