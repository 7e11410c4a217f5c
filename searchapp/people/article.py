"""Within one article: the speakers of its quotes as people, short forms joined to the one
full name they stand for.

"President Reagan", "Reagan" and "Ronald Reagan" in one article are one person, named by
the full name. A short form (one word, with its particles: "Eddington", "von
Weizsaecker") joins the full name ending with it among the article's speakers and the
names its headline and body write out ("Mr Eddington" joins "Rod Eddington" named in the
body); when two different full names end with it, it is left alone. Full names are never
merged, except spellings of one name in one article ("Karl Poehl", "Karl Otto Poehl": the
same first and last word), named by the fullest spelling among its speakers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.article import Article
from searchapp.people import words as w
from searchapp.people.aliases import Names, fold
from searchapp.people.names import ORGANISATION, PERSON, Named, full_key, key, parse, surname_of
from searchapp.people.names import _name_word as name_word

_PARTICLES = "|".join(sorted(w.PARTICLES, key=len, reverse=True))
_INITIAL = re.compile(r"(?:[A-Z]\.)+|[A-Z]")
# A given name as running text writes it; a word ending with a full stop or a quotation
# mark ends a sentence or a quotation, so what comes before it is not part of the name.
_GIVEN = re.compile(r"[A-Z][\w'’-]*\w")


@dataclass(frozen=True, slots=True)
class Person:
    """One quote's speaker or one comment's author, resolved."""

    name: str  # canonical: the facet value, the filter value, the page's name
    kind: str = PERSON  # PERSON or ORGANISATION
    role: str | None = None  # title or role written with the name ("Indonesian Energy Minister")
    form: str = ""  # the name as the article wrote it


def one(form: str, names: Names) -> tuple[Named | None, bool]:
    """What a speaker form names after the user's corrections, and whether a correction
    fixed its name (then it is not joined to another)."""
    named = parse(form)
    folded = fold(form)
    keys = (folded, fold(named.name)) if named else (folded,)
    if not names:
        return named, False
    if any(k in names.ignore for k in keys):
        return None, True
    canonical = next((names.merge[k] for k in keys if k in names.merge), None)
    name = canonical or (named.name if named else form)
    if any(k in names.organisations for k in keys):
        return Named(name, ORGANISATION, named.role if named else None), True
    if any(k in names.people for k in keys):
        role = named.role if named and named.kind == PERSON else None
        return Named(name if canonical or role else form, PERSON, role), True
    if canonical:
        return Named(canonical, *((named.kind, named.role) if named else (PERSON, None))), True
    kept = any(k in names.keep_apart for k in keys)
    return named, kept


def speakers(article: Article, names: Names, clean) -> list[Person | None]:
    """The speaker of each quote of `article` (`clean`: the facet value of a form)."""
    forms = [clean(q.speaker) for q in article.quotes]
    resolved = [one(f, names) if f else (None, True) for f in forms]
    joined = _joins(article, [(n, fixed) for n, fixed in resolved], names)
    out: list[Person | None] = []
    for form, (named, _) in zip(forms, resolved, strict=True):
        if named is None:
            out.append(None)
            continue
        name = joined.get(named.name, named.name) if named.kind == PERSON else named.name
        name = names.merge.get(fold(name), name) if names else name
        out.append(Person(name, named.kind, named.role, form))
    return out


def _joins(article: Article, resolved: list[tuple[Named | None, bool]], names: Names
           ) -> dict[str, str]:
    """Person name -> the name it joins, for the article's short forms and spellings."""
    persons = [(n, fixed) for n, fixed in resolved if n is not None and n.kind == PERSON]
    shorts = {n.name for n, fixed in persons
              if not fixed and (surname_of(n.name) or _after_courtesy(n))}
    if len(persons) < 2 and not shorts:
        return {}
    people = [n.name for n, _ in persons]
    by_key: dict[tuple[str, str], list[str]] = {}
    for p in people:
        k = full_key(p)
        if k:
            by_key.setdefault(k, []).append(p)
    out: dict[str, str] = {}
    for spellings in by_key.values():
        fullest = max(spellings, key=lambda s: (len(s.split()), spellings.count(s)))
        out.update({s: fullest for s in spellings if s != fullest})
    shorts = {s for s in shorts if fold(s) not in names.keep_apart}
    if not shorts:
        return out
    written: dict[str, set[tuple[str, str]]] | None = None
    for short in shorts:
        ending = " " + short.casefold()
        found = {k: max(v, key=len) for k, v in by_key.items()
                 if any(s.casefold().endswith(ending) for s in v)}
        if written is None:
            written = _written(article, shorts)
        for k, name in written.get(short, {}):
            found.setdefault(k, name)
        if len(found) == 1:
            target = next(iter(found.values()))
            target = out.get(target, target)
            if fold(target) not in names.keep_apart:
                out[short] = target
    return out


def _after_courtesy(n: Named) -> bool:
    """A name after "Mr", "Mrs"...: a surname, even of two words ("Mr Saumarez Smith")."""
    return bool(n.role) and key(n.role.split()[-1]) in w.COURTESY and len(n.name.split()) <= 3


def _written(article: Article, shorts: set[str]) -> dict[str, set[tuple]]:
    """Full names ending with each short form, as the headline and body write them."""
    surnames = "|".join(re.escape(s) for s in sorted(shorts, key=len, reverse=True))
    pattern = re.compile(
        rf"((?:[A-Z][\w'’.-]*[ \t]+){{1,3}})((?:(?:{_PARTICLES})[ \t]+)*)({surnames})\b")
    out: dict[str, set[tuple]] = {}
    for text in (article.headline, article.body):
        for m in pattern.finditer(text or ""):
            given = _given(m.group(1).split())
            if given:
                name = " ".join([*given, *m.group(2).split(), m.group(3)])
                k = full_key(name)
                if k:
                    out.setdefault(m.group(3), set()).add((k, name))
    return out


def _given(words: list[str]) -> list[str]:
    """The given names ending a run of capitalised words ("Treasury Secretary James" ->
    ["James"]); none when a title, role or sentence word comes last."""
    out: list[str] = []
    for t in reversed(words):
        if _INITIAL.fullmatch(t) or (_GIVEN.fullmatch(t) and name_word(t, False)):
            out.insert(0, t)
            continue
        break
    while out and _INITIAL.fullmatch(out[0]):
        out.pop(0)
    return out if out and key(out[0]) not in w.NAME_TITLES else []
