"""A small deterministic generator of news-like Article records for search tests.

The vocabulary mixes accents (café, Müller), stop words, hyphenated words, stems that
collapse (election/elections/elected), and fixed phrases ("secretary of state"), so query
tests have something to disagree about. Same seed, same records.
"""

from __future__ import annotations

import random

from conftest import article

WORDS = (
    "election elections elected electoral elector minister ministry parliament senate "
    "secretary state government budget tax taxes taxation economy economic market markets "
    "café cafés Müller naïve Zoë façade résumé Straße army troops strike strikes airstrike "
    "militants syria damascus russia russian aerospace forces warplanes ceasefire talks "
    "peace treaty border refugees camp harbour harbor river bridge flood drought harvest "
    "wheat grain price prices inflation bank banks banking central reform reforms protest "
    "protesters police court judge ruling appeal verdict climate carbon emissions energy "
    "oil gas pipeline nuclear reactor vaccine hospital doctors nurses strike teachers"
).split()
STOP = ("the", "of", "and", "to", "in", "a", "is", "for", "on", "with", "by", "it", "at")
HYPHENATED = ("well-known", "U.S.-linked", "long-term", "e-mail", "so-called", "cease-fire")
PHRASES = ("secretary of state", "prime minister", "central bank", "climate change",
           "state of emergency", "minister of state")
SPEAKERS = ("John Smith", "Maria Müller", "Yury Popov", "Anna O'Neill", "José García",
            "Smith Jones")
COMMENTERS = ("jens holm", "Zoë Adams", "anon123", "Mary Smith", "old reader")
SOURCES = ("BBC", "Reuters", "SouthFront", "Le Monde", "Der Spiegel")
AUTHORS = ("Alice Brown", "Bob Green", "Chen Wei")
TAGS = ("politics", "economy", "war", "climate", "health")


def _sentence(rnd: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        roll = rnd.random()
        if roll < 0.22:
            out.append(rnd.choice(STOP))
        elif roll < 0.27:
            out.append(rnd.choice(HYPHENATED))
        elif roll < 0.32:
            out.append(rnd.choice(PHRASES))
        else:
            w = rnd.choice(WORDS)
            out.append(w.capitalize() if rnd.random() < 0.1 else w)
    if rnd.random() < 0.15:  # a repeated term
        out.append(out[-1])
    return " ".join(out) + rnd.choice((".", ".", "!", "?", ";"))


def _paragraph(rnd: random.Random) -> str:
    return " ".join(_sentence(rnd, rnd.randint(5, 12)) for _ in range(rnd.randint(1, 3)))


def records(n: int = 150, seed: int = 20190630) -> list[dict]:
    """`n` Article records with ids `gen-000`, `gen-001`, ..."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        quotes = []
        for _ in range(rnd.choice((0, 0, 1, 1, 2, 3))):
            speaker = rnd.choice(SPEAKERS + (None,))
            quotes.append({"text": _sentence(rnd, rnd.randint(4, 9)), "speaker": speaker})
        comments = []
        for _ in range(rnd.choice((0, 0, 0, 1, 2, 4))):
            comments.append({"author": rnd.choice(COMMENTERS + (None,)),
                             "text": _sentence(rnd, rnd.randint(3, 10))})
        published = None
        if rnd.random() > 0.15:
            year, month, day = rnd.randint(2017, 2021), rnd.randint(1, 12), rnd.randint(1, 28)
            published = f"{year}-{month:02d}-{day:02d}"
        body_parts = [_paragraph(rnd) for _ in range(rnd.randint(1, 4))]
        body_parts += [f"“{q['text']}” {q['speaker'] or 'someone'} said." for q in quotes]
        out.append(article(
            id=f"gen-{i:03d}",
            headline=_sentence(rnd, rnd.randint(3, 8)).rstrip(".!?;"),
            body="\n\n".join(body_parts),
            source=rnd.choice(SOURCES + (None,)),
            published=published,
            authors=rnd.sample(AUTHORS, rnd.choice((0, 1, 1, 2))),
            tags=rnd.sample(TAGS, rnd.choice((0, 1, 2))),
            captions=[_sentence(rnd, 5)] if rnd.random() < 0.2 else [],
            quotes=quotes,
            comments=comments,
        ))
    return out
