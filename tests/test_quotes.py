"""Quoted speech and its speakers (indexer/extract/quotes.py): exact-string expectations."""

from __future__ import annotations

import pytest

from indexer.article import Quote
from indexer.extract.quotes import find_quotes
from indexer.extract.quotes.marks import Span, quoted_spans
from indexer.extract.quotes.speakers import trailing_name


def test_golden_sentence_gives_one_quote_with_the_titled_speaker():
    body = (
        "Warplanes had destroyed two hideouts, the deputy chief announced on June 4.\n\n"
        "“The Russian aerospace forces destroyed two places of the deployment of militants,” "
        "Major General Yury Popov said in a briefing."
    )
    assert find_quotes(body) == [
        Quote(
            "The Russian aerospace forces destroyed two places of the deployment of militants",
            "Major General Yury Popov",
        )
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # "…," X said
        ('"We will win this case in court," Mr Smith said.',
         [Quote("We will win this case in court", "Mr Smith")]),
        # X said: "…"
        ('Union leader Moira Keane said: "Our members have won a fair deal."',
         [Quote("Our members have won a fair deal.", "Moira Keane")]),
        # "…," said X, a Y at Z  (title words in lower case are not part of the name)
        ('"The dollar\'s fall has been sudden," said analyst Brian Taylor of Wells Fargo.',
         [Quote("The dollar's fall has been sudden", "Brian Taylor")]),
        # "…," X, a Y, said
        ('"We are encouraged by the news," Armando Falcon, OFHEO director, said.',
         [Quote("We are encouraged by the news", "Armando Falcon")]),
        # "…," according to X
        ('"Prices will rise again before the summer," according to economist Ruth Adler.',
         [Quote("Prices will rise again before the summer", "Ruth Adler")]),
        # a question keeps its question mark; the trailing comma of a statement goes
        ('"Who will pay for all of this?" asked councillor Dev Patel.',
         [Quote("Who will pay for all of this?", "Dev Patel")]),
    ],
)
def test_attribution_patterns(body, expected):
    assert find_quotes(body) == expected


def test_pronouns_resolve_to_the_last_named_person_of_matching_gender():
    body = (
        'Ms Tymoshenko said prosecutors had drawn up a list. Mr Hensel disagreed. '
        '"The list will be limited and final," she said. '
        '"They are aware of the need not to scare investors," he said.'
    )
    assert find_quotes(body) == [
        Quote("The list will be limited and final", "Ms Tymoshenko"),
        Quote("They are aware of the need not to scare investors", "Mr Hensel"),
    ]


def test_a_surname_with_a_title_becomes_the_fuller_name_used_before():
    body = (
        "Chief executive Bill Gammell said on Friday the results were poor.\n\n"
        '"Cairn refutes the government\'s position," Mr Gammell said.'
    )
    assert find_quotes(body) == [Quote("Cairn refutes the government's position", "Bill Gammell")]


def test_fragments_of_one_sentence_are_separate_quotes_of_one_speaker():
    body = '"We are," said Jarre, "very happy with the way the concert went."'
    assert find_quotes(body) == [
        Quote("We are", "Jarre"),
        Quote("very happy with the way the concert went.", "Jarre"),
    ]


def test_an_unattributed_quote_after_an_attributed_one_continues_its_speaker():
    body = (
        '"The UK has a rich and diverse culture," said Arts minister Estelle Morris. '
        '"I welcome this report which I hope will open more doors."'
    )
    assert [q.speaker for q in find_quotes(body)] == ["Estelle Morris", "Estelle Morris"]


def test_a_quote_after_a_reported_speech_sentence_takes_its_subject():
    body = ('Treasury Secretary John Snow put a brave face on the news, saying it was a sign '
            'of growth. "The economy is growing at such a fast rate."')
    assert find_quotes(body) == [
        Quote("The economy is growing at such a fast rate.", "Treasury Secretary John Snow")
    ]


def test_a_quote_running_over_paragraphs_keeps_its_speaker():
    body = (
        'Colin MacIntyre said: "I think we were all affected by the reports.\n\n'
        '"We all know somebody who was there."'
    )
    assert find_quotes(body) == [
        Quote("I think we were all affected by the reports. We all know somebody who was there.",
              "Colin MacIntyre"),
    ]


def test_an_unclosed_quote_reopened_is_one_quote():
    body = ('"The spending is not subject to scrutiny. "Parliament requires owners to pay '
            'a fee," said MP Edward Leigh.')
    assert find_quotes(body) == [
        Quote("The spending is not subject to scrutiny. Parliament requires owners to pay a fee",
              "MP Edward Leigh"),
    ]


def test_scare_quotes_and_titles_are_not_quotes():
    body = (
        'The committee wants a "free hand" to investigate. Critics called it "impressive". '
        'She starred in "The Lord Of The Rings" last year. '
        'The critic Harold Bloom, "the international icon we thought we knew so well", came too.'
    )
    assert find_quotes(body) == []


def test_a_phrase_introduced_by_a_speech_verb_is_a_quote_when_long_enough():
    body = ('The club said last week that it was in "a life-threatening profitability and '
            'financial situation". It said it was "deeply saddened".')
    assert find_quotes(body) == [
        Quote("a life-threatening profitability and financial situation", None)
    ]


def test_no_recognisable_speaker_keeps_none():
    body = 'A BBC spokeswoman said: "We share the committee\'s interest in value for money."'
    assert find_quotes(body) == [Quote("We share the committee's interest in value for money.")]


def test_sentence_initial_common_nouns_are_not_speakers():
    body = 'Analysts said: "The market will not recover before the spring."'
    assert find_quotes(body) == [Quote("The market will not recover before the spring.", None)]


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("“Curly quotes work too,” said Ann Lee.", "Curly quotes work too"),
        ("« Guillemets work in the same way », said Ann Lee.", "Guillemets work in the same way"),
        ("„German low and high marks work“, said Ann Lee.", "German low and high marks work"),
    ],
)
def test_quotation_mark_styles(body, text):
    assert [q.text for q in find_quotes(body)] == [text]


def test_single_quotation_marks_are_not_read():
    # British headlines use them for scare quotes, and they cannot be told from apostrophes.
    assert find_quotes("Producers 'face barriers in the industry', the study's authors said.") == []


def test_empty_body():
    assert find_quotes("") == []


def test_quoted_spans_pairs_marks_and_ignores_inch_marks():
    p = 'A 12" screen. He said "yes to all of it" and left.'
    assert quoted_spans(p) == [Span(22, 40, "yes to all of it", True)]


def test_quoted_spans_unclosed_runs_to_the_end():
    p = 'She said: "It is over.'
    assert quoted_spans(p) == [Span(10, 22, "It is over.", False)]


@pytest.mark.parametrize(
    ("chunk", "name"),
    [
        ("JP Morgan Securities analyst John Ivankoe", "John Ivankoe"),
        ("But on Wednesday Prime Minister Yulia Tymoshenko", "Prime Minister Yulia Tymoshenko"),
        ("the Economist Intelligence Unit's Mr Hensel", "Mr Hensel"),
        ("French musician Jean-Michel Jarre", "Jean-Michel Jarre"),
        ("Fifteen-year-old", None),
        ("the Prime Minister", None),
        ("a spokesman", None),
    ],
)
def test_trailing_name(chunk, name):
    assert trailing_name(chunk) == name
