"""One speaker as written -> a person's name and role, an organisation, or nobody.

The rules, in order (each decides or passes on):

1. Nobody: an empty form, a pronoun, a party-state tag ("R-Texas", "D-Calif."), a word
   that only ends an organisation's name ("Co", "Bank", "Daily"), a lone role, title,
   department or nationality ("officials", "Spokesman", "American", "Western").
2. Organisations (their full name kept): a country ("China", "South Korea"), a party or
   bloc ("Tories"), a lone acronym ("GATT") or a compound bank ("Bundesbank"); a name
   ending with an organisation's word ("Kidder Peabody and Co", "Federal Reserve Board")
   or of the form "Bank of Canada"; "the" before any of them is dropped, and a lone word
   after "the" is an organisation ("the Guardian" -> "The Guardian").
3. Nobody: a description ending with a role ("Texas Democrat", "Finance Minister"), or a
   role of an organisation ("President of Petroleos de Venezuela").
4. A person: the name is what follows the last title, role, department, organisation,
   acronym or possessive ("Indonesian Energy Minister Subroto" -> "Subroto", "Tokyo's
   Kimura" -> "Kimura"); a country or nationality cuts only before two words or more
   ("Canada Hajimu Watanabe", but "Jordan Henderson" stays whole). What precedes it is
   the role. "Lord Goldsmith", "Queen Mary": a title that is part of the name is kept
   when one word follows it. A name needs a word that is no title, role or place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from searchapp.people import words as w

PERSON, ORGANISATION = "person", "organisation"

# "R-Texas", "D-Calif.", "R-N.Y.", "I-Vt": a member of Congress's party and state.
_PARTY_TAG = re.compile(r"[RDI]\s?-\s?[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,5}")
_QUOTES = "\"“”‘’'`«»"


@dataclass(frozen=True, slots=True)
class Named:
    """What a form names: `name` canonical before any merging, `role` set aside."""

    name: str
    kind: str = PERSON
    role: str | None = None


def key(t: str) -> str:
    """A word as the word lists hold it: lower case, no final full stop."""
    return t.lower().rstrip(".")


def _possessive(t: str) -> bool:
    return t.endswith(("'s", "’s", "s'", "s’")) and len(t) > 2


def _acronym(t: str) -> bool:
    return bool(_ACRONYM.fullmatch(t.replace(".", ""))) and key(t) not in w.NAME_SUFFIXES


def _role_word(k: str) -> bool:
    return k in w.TITLES or k in w.ROLES or k in w.DEPARTMENTS or k in w.ORG_SUFFIXES


def _strong(t: str, all_caps: bool) -> bool:
    """A word after which a name may follow: a title, role, department, an organisation's
    word (or one of them joined by a hyphen: "Vice-Premier"), a possessive ("Britain's"),
    or an acronym (when the form is not all capitals)."""
    k = key(t)
    return (_role_word(k) or ("-" in k and any(_role_word(p) for p in k.split("-")))
            or _possessive(t) or (not all_caps and _acronym(t)))


def _weak(t: str) -> bool:
    k = key(t)
    return k in w.COUNTRIES or k in w.NATIONALITIES


def _name_like(t: str) -> bool:
    k = key(t)
    return (t[:1].isupper() or k in w.PARTICLES or k in w.NAME_SUFFIXES
            or k.startswith(("al-", "el-", "bin-")))


def _name_word(t: str, all_caps: bool, last: bool = False) -> bool:
    """A word only a name has: capitalised, and no title, role, place or acronym (a
    title or role that is also a surname may end a name: "Mr King", "Bryan Singer")."""
    k = key(t)
    if not t[:1].isupper() or k in w.PARTICLES or k in w.NAME_SUFFIXES or len(k) < 2:
        return False
    if any(p[:1].islower() for p in t.split("-")[1:]):
        return False  # "Montreal-based", "U.S.-led"
    if last and not t.isupper() and (k in w.TITLES or k in w.SURNAME_ROLES):
        return True
    return (not _strong(t, all_caps) and not _weak(t) and k not in w.SENTENCE_WORDS
            and k not in w.INSTITUTIONS and not k[:1].isdigit())


def _lone(t: str) -> Named | None:
    k = key(t)
    if (k in w.COUNTRIES and (len(k) > 3 or t.isupper())) or k in w.GROUPS:
        return Named(t, ORGANISATION)  # "US", "China", "Tories"; but "Us" is a pronoun
    if k in w.PRONOUNS or not t[:1].isupper() or len(k) < 2:
        return None
    if k in w.INSTITUTIONS or (len(k) > 4 and k.endswith("bank")):
        return Named(t, ORGANISATION)
    if (k in w.ORG_SUFFIXES or k in w.ROLES or k in w.TITLES or k in w.DEPARTMENTS) and (
            k not in w.SURNAME_ROLES):
        return None
    if _acronym(t):  # "GATT", "IRNA"
        return Named(t, ORGANISATION)
    if k in w.NATIONALITIES or k in w.SENTENCE_WORDS:
        return None
    return Named(t.title() if t.isupper() and len(t) > 3 else t)


def _the(rest: list[str]) -> Named | None:
    """A form that starts with "the": an organisation, or nobody ("the spokesman")."""
    if not rest:
        return None
    named = parse(" ".join(rest))
    if named is None or named.kind == ORGANISATION:
        return named
    if named.role:  # "the Rev Jesse Jackson"
        return named
    return Named(f"The {named.name}" if len(rest) == 1 else named.name, ORGANISATION)


@lru_cache(maxsize=65536)
def parse(form: str) -> Named | None:
    """What one speaker form names (see the module's rules), or None for nobody."""
    toks = [t.strip(_QUOTES) for t in form.split()]
    toks = [t for t in toks if t]
    if not toks or _PARTY_TAG.fullmatch(" ".join(toks)):
        return None
    if len(toks) == 1:
        return _lone(toks[0])
    low = [key(t) for t in toks]
    if low[0] == "the":
        return _the(toks[1:])
    if low[0] in w.QUANTIFIERS:
        return None  # "Two analysts", "Several U.S. officials"
    whole = " ".join(low)
    if whole in w.COUNTRIES or whole in w.GROUPS or low[-1] in w.GROUPS:
        return Named(" ".join(toks), ORGANISATION)
    if low[-1] in w.ROLES and low[-1] not in w.SURNAME_ROLES:
        return None
    if low[-1] in w.ORG_SUFFIXES or (low[0] in w.ORG_HEADS and low[1] == "of"):
        if "of" in low and all(k in w.TITLES or k in w.ROLES or k in w.DEPARTMENTS
                               for k in low[:low.index("of")]):
            return None  # a role, not its holder: "Chief Executive of the X Trust"
        return Named(" ".join(toks), ORGANISATION)
    return _person(toks) or _organisation(toks, low)


def _organisation(toks: list[str], low: list[str]) -> Named | None:
    """A name of capitalised words that is no person's but holds an organisation's word or
    an acronym ("BBC Sport", "Scottish Executive", "Union Pacific"); else nobody."""
    if (low[-1] in w.NATIONALITIES or low[-1] in w.COUNTRIES
            or any(k in w.TITLES or _possessive(t) for t, k in zip(toks, low, strict=True))
            or not all(t[:1].isupper() or k in w.JOINERS for t, k in zip(toks, low, strict=True))):
        return None
    if any(k in w.ORG_SUFFIXES or k in w.DEPARTMENTS or k in w.INSTITUTIONS or _acronym(t)
           for t, k in zip(toks, low, strict=True)):
        return Named(" ".join(toks), ORGANISATION)
    return None


def _person(toks: list[str]) -> Named | None:
    all_caps = all(t.isupper() for t in toks if t[:1].isalpha())
    start = 0  # where the name begins
    after_connector = False
    for i, t in enumerate(toks[:-1]):
        left = len(toks) - i - 1
        k = key(t)
        if k in w.JOINERS and not t[:1].isupper():
            after_connector = True
            start = i + 1
            continue
        if after_connector or (_strong(t, all_caps) and left >= 1) or (_weak(t) and left >= 2):
            start = i + 1
        after_connector = False
    name, role = toks[start:], toks[:start]
    if not name or not all(_name_like(t) for t in name):
        return None
    if len(name) == 1 and role and key(role[-1]) in w.NAME_TITLES:
        name = [role.pop()] + name  # "Lord Goldsmith", "Queen Mary", "Baroness Scotland"
    elif not any(_name_word(t, all_caps, i == len(name) - 1) for i, t in enumerate(name)):
        return None
    while role and key(role[-1]) in w.CONNECTORS:
        role.pop()
    text = " ".join(name)
    if all_caps and len(text) > 3:
        text = " ".join(t if key(t) in w.NAME_SUFFIXES else t.title() for t in name)
    return Named(text, PERSON, " ".join(role) or None)


def surname_of(name: str) -> str | None:
    """The one word (with its particles: "von Weizsaecker") a short form names, or None
    when the name is a full name (two words or more) or a title-name ("Lord Goldsmith")."""
    toks = name.split()
    core = [t for t in toks if key(t) not in w.PARTICLES and key(t) not in w.NAME_SUFFIXES]
    if len(core) != 1 or key(toks[0]) in w.NAME_TITLES:
        return None
    return name


def full_key(name: str) -> tuple[str, str] | None:
    """(given name, surname) of a full name, case-folded: two spellings of one name
    ("Ronald Reagan", "Ronald W. Reagan") have one key. None for a short form."""
    core = [t for t in name.split() if key(t) not in w.PARTICLES
            and key(t) not in w.NAME_SUFFIXES]
    if len(core) < 2 or key(core[0]) in w.NAME_TITLES:
        return None
    return core[0].casefold(), core[-1].casefold()
