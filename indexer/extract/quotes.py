"""Quoted speech in article text, and who said it.

`find_quotes(body)` takes plain text (paragraphs separated by blank lines) from any
extractor and returns the quoted speech in reading order, each with its speaker when the
text attributes it: `"…," X said`, `"…," said X, a Y at Z`, `X said: "…"`,
`according to X`, and "he"/"she" resolved to the last person named before the quote.

Conservative on purpose: a quoted phrase inside a sentence ("a "free hand" to …") is a
scare quote or a title, not speech, unless a speech verb introduces it and it runs to at
least a few words. Quotation marks are read by `quotemarks`, speakers by `speakers`; this
module follows the article from quote to quote and remembers who has been named.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from indexer.article import Quote
from indexer.extract.quotemarks import Span, quoted_spans, sentence_ends
from indexer.extract.speakers import (
    NOT_PERSON,
    PARTICLES,
    PRONOUNS,
    TITLE_WORDS,
    is_name_token,
    named_people,
    participle_subject,
    post_attribution,
    pre_attribution,
    sentence_subject,
    speaker_after_verb,
    speaker_of_sentence,
    trailing_name,
)

# Word-count thresholds: a quoted phrase shorter than this is a scare quote or a title.
MIN_WORDS = 4
MIN_WORDS_ATTRIBUTED = 2  # a whole attributed utterance: "No comment," he said.
# Titles that give a person's gender, so that "he" and "she" find the right one.
_MALE = frozenset("Mr Sir Lord King Prince".split())
_FEMALE = frozenset("Mrs Ms Miss Dame Lady Queen Princess".split())
_TITLED = re.compile(r"\b(Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame|Lord|Lady|King|Queen|Prince|Princess)"
                     r"\.?\s+((?:[A-Z][\w'’-]*\s?){1,3})")


@dataclass(frozen=True, slots=True)
class _Mention:
    where: tuple[int, int]  # (paragraph, offset): reading order
    name: str
    gender: str | None


# ---------------------------------------------------------------------------------------
# Mentions: who "he" and "she" can point back to, and the fuller form of "Mr Gammell".


def _mentions(p: int, paragraph: str, spans: list[Span], body_caps: set[str]) -> list[_Mention]:
    found: list[_Mention] = []
    bounds = [0] + [x for s in spans for x in (s.start, s.end)] + [len(paragraph)]
    for a, b in zip(bounds[::2], bounds[1::2], strict=False):
        piece = paragraph[a:b]
        for m in _TITLED.finditer(piece):
            name = re.sub(r"['’]s$", "", f"{m[1]} {m[2].strip()}")
            found.append(_Mention((p, a + m.start()), name, _gender_of_title(m[1])))
        starts = [0] + sentence_ends(piece)
        for st, en in zip(starts, [*starts[1:], len(piece)], strict=False):
            sentence = piece[st:en]
            lead = sentence_subject(sentence)
            if lead and len(lead.split()) >= 2:
                found.append(_Mention((p, a + st), lead, _gender_of_title(lead.split()[0])))
            for at, name in named_people(sentence):
                found.append(_Mention((p, a + st + at), name, _gender_of_title(name.split()[0])))
            for m in re.finditer(r"\baccording to\s+([^.;]+)", sentence, re.I):
                who = speaker_after_verb(m[1])
                if who and who not in PRONOUNS:
                    found.append(_Mention((p, a + st + m.start()), who, None))
            who = speaker_of_sentence(sentence)
            if who and who not in PRONOUNS and (len(who.split()) > 1 or who in body_caps):
                found.append(_Mention((p, a + st + 1), who, None))
    return sorted(found, key=lambda x: x.where)


def _name_runs(p: int, paragraph: str, spans: list[Span]) -> list[_Mention]:
    """Every run of two or more capitalised words outside quotes: the fuller forms of names."""
    found: list[_Mention] = []
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
                found.append(_Mention((p, run[0][0]), name, None))
            run = []
    return found


def _gender_of_title(title: str) -> str | None:
    return "m" if title in _MALE else "f" if title in _FEMALE else None


def _bare(name: str) -> list[str]:
    return [t for t in name.split() if t.rstrip(".") not in TITLE_WORDS]


class _People:
    """Who has been named so far, in reading order: what "he"/"she" can point back to, the
    gender a title gave ("Mr", "Ms"), and the fuller forms of names ("Bill Gammell")."""

    RECENT = 40  # a pronoun points back a few sentences, not across the whole article

    def __init__(self) -> None:
        self.mentions: list[_Mention] = []  # in reading order
        self.genders: dict[tuple[str, ...], str] = {}
        self.surname_genders: dict[str, str] = {}
        self.full: dict[str, list[_Mention]] = {}  # surname → fuller names, in order

    def add(self, m: _Mention) -> None:
        bisect.insort(self.mentions, m, key=lambda x: x.where)
        bare = _bare(m.name)
        if m.gender and bare:
            self.genders.setdefault(tuple(bare), m.gender)
            self.surname_genders.setdefault(bare[-1], m.gender)

    def add_name(self, m: _Mention) -> None:
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


# ---------------------------------------------------------------------------------------
# The finder


def _words(text: str) -> int:
    return len(re.findall(r"\w+(?:['’-]\w+)*", text))


def _quote_text(span: Span) -> str:
    return " ".join(span.text.split()).strip("\u00a0 ").rstrip(",").strip()


@dataclass(frozen=True, slots=True)
class _Around:
    """The words around one quoted span, cut at sentence ends and neighbouring quotes."""

    gap: str  # everything since the previous quote (or the paragraph start)
    gap_sentences: int  # sentence ends inside `gap`
    before: str  # the whole sentence before the quote's own, within `gap`
    pre: str  # the quote's own sentence up to the opening mark
    post: str  # from the closing mark to the end of the sentence or the next quote
    lead: int  # where the quote's sentence starts, across earlier quotes inside it


def _around(paragraph: str, spans: list[Span], k: int) -> _Around:
    span = spans[k]
    gap = paragraph[spans[k - 1].end if k else 0: span.start]
    ends = sentence_ends(gap)
    region = paragraph[span.end: spans[k + 1].start if k + 1 < len(spans) else len(paragraph)]
    post_ends = sentence_ends(region)
    return _Around(
        gap=gap,
        gap_sentences=len(ends),
        before=gap[ends[-2] if len(ends) > 1 else 0: ends[-1]] if ends else "",
        pre=gap[ends[-1]:] if ends else gap,
        post=region[: post_ends[0]] if post_ends else region,
        lead=_sentence_start(paragraph, spans, k),
    )


def _sentence_start(paragraph: str, spans: list[Span], k: int) -> int:
    for j in range(k, -1, -1):
        gap_start = spans[j - 1].end if j else 0
        ends = sentence_ends(paragraph[gap_start: spans[j].start])
        if ends:
            return gap_start + ends[-1]
        if j and not spans[j - 1].closed:
            return spans[j].start
    return 0


def _is_title_like(text: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text) if len(w) > 3]
    return bool(words) and all(w[0].isupper() for w in words) and not re.search(r"[.!?]$", text)


def _is_speech(text: str, attributed: bool, ctx: _Around) -> bool:
    """Speech rather than a scare quote or a title. A whole attributed utterance may be
    short ("No comment," he said); a phrase inside a sentence needs MIN_WORDS and a verb."""
    fragment = not text[:1].isupper()  # "in line with …", "100% certain"
    whole = not fragment and (
        not ctx.pre.strip(" -–—") or ctx.pre.rstrip().endswith((":", ","))
        or re.match(r"\s*[,;]|\s*[-–—]?\s*[a-z]", ctx.post) is not None)
    if attributed:
        return _words(text) >= (MIN_WORDS_ATTRIBUTED if whole else MIN_WORDS)
    opens_sentence = not ctx.pre.strip(" -–—") or ctx.pre.rstrip().endswith(":")
    return whole and opens_sentence and _words(text) >= MIN_WORDS and not _is_title_like(text)


def find_quotes(body: str) -> list[Quote]:
    """Quoted speech in `body` (paragraphs separated by blank lines), in reading order."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip()]
    body_caps = set(re.findall(r"(?:(?<=[a-z,;] )|(?<=,[\"”] ))[A-Z][\w'’-]+", body))
    people = _People()
    quotes: list[Quote] = []
    carry: str | None = None  # the speaker a quote opening the next paragraph continues
    open_at: int | None = None  # the quote an unclosed mark leaves open, to be continued
    for p, paragraph in enumerate(paragraphs):
        spans = quoted_spans(paragraph)
        if not spans and not sentence_ends(paragraph) and _words(paragraph) <= 12:
            open_at = None  # an embed's credit line ("Club statement"): the speaker goes on
            continue
        for m in _mentions(p, paragraph, spans, body_caps):
            people.add(m)
        for m in _name_runs(p, paragraph, spans):
            people.add_name(m)
        last: tuple[str | None, bool] = (carry, False)  # (speaker, attributed) of the previous
        for k, span in enumerate(spans):
            ctx = _around(paragraph, spans, k)
            text = _quote_text(span)
            # The writer reopens a quote without closing it, within the paragraph or at the
            # start of the next: one utterance goes on.
            continues = open_at is not None and (
                (k and not spans[k - 1].closed) or (k == 0 and span.start == 0))
            if not continues:
                open_at = None
            fragment = not text[:1].isupper()
            attributed, who = pre_attribution(ctx.pre, fragment)
            if not (who and re.search(r"\w[,:]\s*$", ctx.pre)):
                # `X said, "…," the office said`: a speaker named right before the quote
                # said it; otherwise the words after the quote come first
                post = post_attribution(ctx.post, span.text) if span.closed else (False, None)
                if post[0]:
                    attributed, who = post
            if not attributed and span.closed:
                attributed, who = post_attribution(ctx.post, span.text, loose_ok=True)
            where = (p, span.start)
            if attributed and who is None and ctx.lead < span.start - len(ctx.pre) and re.match(
                    r"\W*\w+ing\b", ctx.pre):
                # `He said Mr X had spoken with "such sincerity", adding: "…"`: the subject
                # of "adding" opens the sentence, before the earlier quote
                who = participle_subject(paragraph[ctx.lead: span.start - len(ctx.pre)])
                where = (p, ctx.lead)
            if not attributed:
                who = _continued_speaker(ctx, k, last)
            if who in PRONOUNS:
                who = people.resolve(who, where)
            elif who and not people.plausible(who, body_caps):
                who = None
            if who:
                who = people.canonical(who, where)
                people.add(_Mention(where, who, people.gender(who)))
            if open_at is not None:
                # "Part one. "Part two," X said.": part one is X's too
                prev = quotes[open_at]
                who = prev.speaker or who
                quotes[open_at] = Quote(f"{prev.text} {text}".strip(), who)
            elif text and _is_speech(text, attributed, ctx):
                quotes.append(Quote(text, who))
                open_at = len(quotes) - 1
            if span.closed:
                open_at = None
            last = (who, attributed)
        if not spans or spans[-1].end < len(paragraph):
            open_at = None  # text after the quote: the next paragraph starts afresh
        carry = _carry(paragraph, spans, last[0])
    return quotes


def _continued_speaker(ctx: _Around, k: int, last: tuple[str | None, bool]) -> str | None:
    """The speaker of an unattributed quote, from the quote or sentence just before it."""
    who, attributed = last
    if k and who and ctx.gap_sentences <= (1 if attributed else 0):
        return who  # the next part of an attributed quote: "…," X said. "…"
    if ctx.before:
        return speaker_of_sentence(ctx.before)  # "X said the plan failed. "…""
    if k == 0 and not ctx.pre.strip():
        return who  # a quote opening a paragraph continues the previous paragraph's speaker
    return None


def _carry(paragraph: str, spans: list[Span], who: str | None) -> str | None:
    """The speaker still talking at the end of a paragraph: its last quote's speaker, or
    the subject of a closing "…, Mr X said." sentence; else None."""
    tail = paragraph[spans[-1].end:] if spans else paragraph
    ends = sentence_ends(tail)
    if spans and (not spans[-1].closed or len(ends) <= 1):
        return who
    return speaker_of_sentence(tail[ends[-2] if len(ends) > 1 else 0:])
