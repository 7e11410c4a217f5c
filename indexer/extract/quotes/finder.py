"""Quoted speech in article text, and who said it.

`find_quotes(body)` takes plain text (paragraphs separated by blank lines) from any
extractor and returns the quoted speech in reading order, each with its speaker when the
text attributes it: `"…," X said`, `"…," said X, a Y at Z`, `X said: "…"`,
`according to X`, and "he"/"she" or "the 30-year-old" resolved to the last person named
before the quote. A quote the writer reopens without closing it, in the same paragraph or
at the start of the next, is one quote.

Conservative on purpose: a quoted phrase inside a sentence ("a "free hand" to …") is a
scare quote or a title, not speech, unless a speech verb introduces it and it runs to at
least a few words. Quotation marks are read by `marks`, attributions by `speakers`
(with its word lists in `words`), the people named so far by `mentions`; this module
follows the article from quote to quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.article import Quote
from indexer.extract.quotes.marks import Span, quoted_spans, sentence_ends
from indexer.extract.quotes.mentions import Mention, People, mentions, name_runs
from indexer.extract.quotes.speakers import (
    participle_subject,
    post_attribution,
    pre_attribution,
    speaker_of_sentence,
)
from indexer.extract.quotes.words import PRONOUNS

# Word-count thresholds: a quoted phrase shorter than this is a scare quote or a title.
MIN_WORDS = 4
MIN_WORDS_ATTRIBUTED = 2  # a whole attributed utterance: "No comment," he said.


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
    people = People()
    quotes: list[Quote] = []
    carry: str | None = None  # the speaker a quote opening the next paragraph continues
    open_at: int | None = None  # the quote an unclosed mark leaves open, to be continued
    for p, paragraph in enumerate(paragraphs):
        spans = quoted_spans(paragraph)
        if not spans and not sentence_ends(paragraph) and _words(paragraph) <= 12:
            open_at = None  # an embed's credit line ("Club statement"): the speaker goes on
            continue
        for m in mentions(p, paragraph, spans, body_caps):
            people.add(m)
        for m in name_runs(p, paragraph, spans):
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
            named = attributed and who is not None and who not in PRONOUNS
            if who in PRONOUNS:
                who = people.resolve(who, where)
            elif who and not people.plausible(who, body_caps):
                who = None
            if who:
                who = people.canonical(who, where)
                people.add(Mention(where, who, people.gender(who)))
            if open_at is not None and named and quotes[open_at].speaker not in (None, who):
                open_at = None  # someone else named: a new quote after one left unclosed
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
