"""Who an article has named so far, in reading order: what "he", "she" and "the
30-year-old" can point back to, the gender a title or a pronoun gave a person, and the
fuller forms of names ("Bill Gammell" for "Mr Gammell"). Used by `quotes.find_quotes`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from indexer.extract.quotes.marks import Span, sentence_ends
from indexer.extract.quotes.speakers import (
    is_name_token,
    named_people,
    sentence_subject,
    speaker_after_verb,
    speaker_of_sentence,
    trailing_name,
)
from indexer.extract.quotes.words import NOT_PERSON, PARTICLES, PRONOUNS, TITLE_WORDS

# Titles that give a person's gender, so that "he" and "she" find the right one.
_MALE = frozenset("Mr Sir Lord King Prince".split())
_FEMALE = frozenset("Mrs Ms Miss Dame Lady Queen Princess".split())
_TITLED = re.compile(r"\b(Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame|Lord|Lady|King|Queen|Prince|Princess)"
                     r"\.?\s+((?:[A-Z][\w'’-]*\s?){1,3})")


@dataclass(frozen=True, slots=True)
class Mention:
    """A person (or what may be one) named at `where`, with the gender a title gave."""

    where: tuple[int, int]  # (paragraph, offset): reading order
    name: str
    gender: str | None


# ---------------------------------------------------------------------------------------
# Mentions: who "he" and "she" can point back to, and the fuller form of "Mr Gammell".


def mentions(p: int, paragraph: str, spans: list[Span], body_caps: set[str]) -> list[Mention]:
    found: list[Mention] = []
    bounds = [0] + [x for s in spans for x in (s.start, s.end)] + [len(paragraph)]
    for a, b in zip(bounds[::2], bounds[1::2], strict=False):
        piece = paragraph[a:b]
        for m in _TITLED.finditer(piece):
            name = re.sub(r"['’]s$", "", f"{m[1]} {m[2].strip()}")
            found.append(Mention((p, a + m.start()), name, _gender_of_title(m[1])))
        starts = [0] + sentence_ends(piece)
        for st, en in zip(starts, [*starts[1:], len(piece)], strict=False):
            sentence = piece[st:en]
            lead = sentence_subject(sentence)
            if lead and len(lead.split()) >= 2:
                found.append(Mention((p, a + st), lead, _gender_of_title(lead.split()[0])))
            for at, name in named_people(sentence):
                found.append(Mention((p, a + st + at), name, _gender_of_title(name.split()[0])))
            for m in re.finditer(r"\baccording to\s+([^.;]+)", sentence, re.I):
                who = speaker_after_verb(m[1])
                if who and who not in PRONOUNS:
                    found.append(Mention((p, a + st + m.start()), who, None))
            who = speaker_of_sentence(sentence)
            if who and who not in PRONOUNS and (len(who.split()) > 1 or who in body_caps):
                found.append(Mention((p, a + st + 1), who, None))
    return sorted(found, key=lambda x: x.where)


def name_runs(p: int, paragraph: str, spans: list[Span]) -> list[Mention]:
    """Every run of two or more capitalised words outside quotes: the fuller forms of names."""
    found: list[Mention] = []
    bounds = [0] + [x for s in spans for x in (s.start, s.end)] + [len(paragraph)]
    for a, b in zip(bounds[::2], bounds[1::2], strict=False):
        run: list[tuple[int, str]] = []
        words = [*re.finditer(r"\S+", paragraph[a:b]), None]
        for i, m in enumerate(words):
            token = m.group().rstrip(",.;:!?") if m else ""
            # "and" inside an office ("Trade and Industry Secretary"), as trailing_name reads it
            title_and = token == "and" and run and None not in words[i + 1:i + 3] and (
                is_name_token(words[i + 1].group()) and words[i + 2].group() in TITLE_WORDS)
            if m and (is_name_token(token) or (run and token in PARTICLES) or title_and):
                run.append((a + m.start(), token))
                if token == m.group():
                    continue
            name = trailing_name(" ".join(t for _, t in run)) if run else None
            if name and len([t for t in name.split() if t not in TITLE_WORDS]) >= 2:
                found.append(Mention((p, run[0][0]), name, None))
            run = []
    return found


def _gender_of_title(title: str) -> str | None:
    return "m" if title in _MALE else "f" if title in _FEMALE else None


def _bare(name: str) -> list[str]:
    return [t for t in name.split() if t.rstrip(".") not in TITLE_WORDS]


class People:
    """Who has been named so far, in reading order: what "he"/"she" can point back to, the
    gender a title gave ("Mr", "Ms"), and the fuller forms of names ("Bill Gammell")."""

    RECENT = 40  # a pronoun points back a few sentences, not across the whole article

    def __init__(self) -> None:
        self.mentions: list[Mention] = []  # in reading order
        self.genders: dict[tuple[str, ...], str] = {}
        self.surname_genders: dict[str, str] = {}
        self.full: dict[str, list[Mention]] = {}  # surname → fuller names, in order

    def add(self, m: Mention) -> None:
        bisect.insort(self.mentions, m, key=lambda x: x.where)
        bare = _bare(m.name)
        if m.gender and bare:
            self.genders.setdefault(tuple(bare), m.gender)
            self.surname_genders.setdefault(bare[-1], m.gender)

    def add_name(self, m: Mention) -> None:
        bare = _bare(m.name)
        if len(bare) >= 2:
            self.full.setdefault(bare[-1], []).append(m)

    def gender(self, name: str) -> str | None:
        """The gender a title gave this person ("Mr Jackson"); a shared surname alone does
        not pass it to a relative ("Katherine Jackson")."""
        bare = _bare(name)
        if len(bare) == 1:
            return self.surname_genders.get(bare[0])
        return self.genders.get(tuple(bare))

    def resolve(self, pronoun: str, where: tuple[int, int]) -> str | None:
        want = PRONOUNS[pronoun]
        i = bisect.bisect_left(self.mentions, where, key=lambda x: x.where)
        for m in reversed(self.mentions[max(0, i - self.RECENT): i]):
            if m.name.split()[-1] in NOT_PERSON:
                continue
            if want is None or self.gender(m.name) in (None, want):
                if want and not self.gender(m.name):
                    # "…," she said: a later "he" is someone else
                    self.genders.setdefault(tuple(_bare(m.name)), want)
                return m.name
        return None

    def canonical(self, name: str, where: tuple[int, int]) -> str:
        """ "Mr Gammell" → "Bill Gammell" when the fuller form was used earlier."""
        bare = _bare(name)
        if len(bare) != 1:
            return name
        for m in reversed(self.full.get(bare[0], [])):
            if m.where < where:
                return m.name
        return name

    def plausible(self, name: str, body_caps: set[str]) -> bool:
        """A one-word name must be capitalised mid-sentence too ("said Jarre", not "Analysts
        said") or end a fuller name used before ("Highfield" after "Roger Highfield")."""
        return len(name.split()) > 1 or name in body_caps or name in self.full
