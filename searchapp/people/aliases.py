"""The alias file, `people.toml` in the instance folder: a user's corrections to who is who.

    [speakers.merge]          # canonical name = [forms it stands for]
    "Ronald Reagan" = ["Reagan", "Ronnie Reagan"]
    [speakers]
    ignore = ["Reuters"]      # not a speaker
    keep_apart = ["Baker"]    # never joined to a full name of its article
    organisations = ["Tass"]  # an organisation, not a person
    people = ["Holland"]      # a person, whatever the rules think
    [commenters.merge]
    "Jens Holm" = ["jens holm", "jholm"]
    [sources.merge]
    "Ridgeway Courier" = ["ridgeway-courier.example"]

Forms are matched without regard to case or spacing, against the name as written and the
name the rules make of it. Errors are one sentence with the file and, where it can be
found, the line (`AliasError`, which the command line prints).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field

from indexer.errors import ScrapesearchError
from indexer.extract.text import clean_line

FILE_NAME = "people.toml"
SPEAKERS, COMMENTERS, SOURCES = "speakers", "commenters", "sources"
# The keys each section takes.
KEYS = {
    SPEAKERS: ("merge", "ignore", "keep_apart", "organisations", "people"),
    COMMENTERS: ("merge", "ignore"),
    SOURCES: ("merge", "ignore", "keep_apart"),
}
_AT_LINE = re.compile(r"\s*\(at (?:line (\d+), column \d+|(end of document))\)$")


class AliasError(ScrapesearchError):
    """The alias file cannot be used: the message says where and what is wrong."""


def fold(name: str | None) -> str:
    """The form a name is compared in: one line, single spaces, case-folded."""
    return " ".join(clean_line(name or "").split()).strip(" ,;:-–—").casefold()


@dataclass(frozen=True)
class Names:
    """Corrections for one kind of name (speakers, commenters or sources), folded."""

    merge: Mapping[str, str] = field(default_factory=dict)  # folded form -> canonical
    ignore: frozenset[str] = frozenset()
    keep_apart: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.merge or self.ignore or self.keep_apart or self.organisations
                    or self.people)


@dataclass(frozen=True)
class Aliases:
    """A user's corrections, from the alias file in the instance folder (empty: none)."""

    speakers: Names = Names()
    commenters: Names = Names()
    sources: Names = Names()
    path: str | None = None  # the file they came from


NO_ALIASES = Aliases()


def load(folder: str) -> Aliases:
    """The aliases of `folder`/people.toml; no corrections when there is no such file."""
    path = os.path.join(folder, FILE_NAME)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return NO_ALIASES
    except OSError as e:
        raise AliasError(f"the alias file {path} could not be read ({e.strerror})") from None
    return parse(raw, path)


def parse(raw: bytes, path: str = FILE_NAME) -> Aliases:
    """Aliases from the bytes of an alias file (`path` names it in errors)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise AliasError(f"{path} is not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        at = _AT_LINE.search(message)
        line = at and (at.group(1) or len(text.splitlines()))
        where = f"{path}, line {line}" if line else path
        raise AliasError(f"{where} is not valid TOML: {_AT_LINE.sub('', message)}") from None
    return Aliases(path=path, **{section: _names(section, body, text, path)
                                 for section, body in _sections(data, text, path)})


def _where(text: str, path: str, needle: str) -> str:
    """`path, line N` for the first line holding `needle`, else `path`."""
    needle = needle.casefold()
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line.casefold():
            return f"{path}, line {n}"
    return path


def _sections(data: dict, text: str, path: str):
    for section, body in data.items():
        if section not in KEYS:
            raise AliasError(f"{_where(text, path, section)}: unknown section [{section}]; "
                             "the sections are [speakers], [commenters] and [sources]")
        if not isinstance(body, dict):
            raise AliasError(f"{_where(text, path, section)}: {section} must be a section "
                             f"([{section}]), not a value")
        yield section, body


def _strings(value, what: str, text: str, path: str, needle: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AliasError(f"{_where(text, path, needle)}: {what} must be a list of names in "
                         'quotes (["Reagan", "President Reagan"])')
    if any(not fold(v) for v in value):
        raise AliasError(f"{_where(text, path, needle)}: {what} holds an empty name")
    return value


def _names(section: str, body: dict, text: str, path: str) -> Names:
    lists: dict[str, frozenset[str]] = {}
    merge: dict[str, str] = {}
    for name, value in body.items():
        if name not in KEYS[section]:
            raise AliasError(f"{_where(text, path, name)}: unknown key {name!r} in "
                             f"[{section}]; its keys are {', '.join(KEYS[section])}")
        if name != "merge":
            lists[name] = frozenset(fold(v) for v in _strings(
                value, f"[{section}] {name}", text, path, name))
            continue
        if not isinstance(value, dict):
            raise AliasError(f"{_where(text, path, 'merge')}: merge in [{section}] must be "
                             f'a section of lines like "Ronald Reagan" = ["Reagan"]')
        for canonical, forms in value.items():
            what = f"[{section}.merge] {canonical!r}"
            if not fold(canonical):
                raise AliasError(f"{_where(text, path, 'merge')}: [{section}.merge] has an "
                                 "empty name")
            for form in [canonical, *_strings(forms, what, text, path, canonical)]:
                other = merge.setdefault(fold(form), canonical)
                if other != canonical:
                    raise AliasError(f"{_where(text, path, form)}: {form!r} is merged into "
                                     f"both {other!r} and {canonical!r} in [{section}.merge]")
    for name in ("ignore", "keep_apart"):
        for form in sorted(lists.get(name, frozenset()) & merge.keys()):
            raise AliasError(f"{_where(text, path, form)}: {form!r} is both merged into "
                             f"{merge[form]!r} and in [{section}] {name}")
    for form in sorted(lists.get("organisations", frozenset()) & lists.get("people", set())):
        raise AliasError(f"{_where(text, path, form)}: {form!r} is in both organisations and "
                         f"people in [{section}]")
    return Names(merge=merge, **lists)
