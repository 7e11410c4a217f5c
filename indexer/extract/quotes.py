"""Quoted speech in article text, and who said it.

`find_quotes(body)` takes plain text (paragraphs separated by blank lines) from any
extractor and returns the quoted speech in reading order, each with its speaker when the
text attributes it: `"…," X said`, `"…," said X, a Y at Z`, `X said: "…"`,
`according to X`, and "he"/"she" resolved to the last person named before the quote.

Conservative on purpose: a quoted phrase inside a sentence ("a "free hand" to …") is a
scare quote or a title, not speech, unless a speech verb introduces it and it runs to at
least a few words. Straight, curly, „low-high“ and «guillemet» quotation marks are read;
single quotation marks are not, because they cannot be told apart from apostrophes.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from indexer.article import Quote

# ---------------------------------------------------------------------------------------
# Data

# Verbs (and "according to") that attribute speech; nouns that look like verbs
# ("states", "notes", "claims") are left out because they break names like "United States".
SPEECH_VERBS = (
    "said says say saying told tells telling added adds adding explained explains stated "
    "insisted insists warned warns argued argues noted claimed asked asks replied wrote "
    "writes declared declares announced commented remarked continued continues observed "
    "suggested suggests admitted admits acknowledged conceded stressed emphasised "
    "emphasized cautioned predicted recalled recalls urged maintained concluded confirmed "
    "responded tweeted shouted joked complained"
).split()
# Words allowed between a speaker and the verb: "Mr Smith later said", "she has said".
_ADVERBS = (
    "also later then once previously recently further simply reportedly has had have is was "
    "quoted reported as"
).split()
# Capitalised words that start sentences but never names: dropped from the front of a run.
_NOT_NAME_START = frozenset(
    "The A An But And Or So Yet On In At Last This That These Those However Meanwhile Also "
    "Then Now When While If As After Before Earlier Later Speaking Asked Writing Today "
    "Yesterday It He She They We I You There Here His Her Their Its Our My Your For To "
    "With From By Of Although Though Because Since Until Unless Where What Why How Who "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "June July August September October November December".split()
)
# Titles and offices: part of a speaker's name when capitalised, but never a name alone.
_TITLE_WORDS = frozenset(
    "Mr Mrs Ms Miss Dr Prof Sir Dame Lord Lady President Prime Minister Secretary General "
    "Major Colonel Captain Lieutenant Chief Executive Chancellor Senator Governor Judge King "
    "Queen Prince Princess Pope Sheikh Rev MP Deputy Director Chairman Chairwoman "
    "Commissioner Ambassador Mayor Officer Spokesman Spokeswoman Spokesperson Crown".split()
)
_HONORIFICS = frozenset("Mr Mrs Ms Miss Dr Prof Sir Dame Lord Lady Rev".split())
_MALE = frozenset("Mr Sir Lord King Prince".split())
_FEMALE = frozenset("Mrs Ms Miss Dame Lady Queen Princess".split())
_PRONOUNS = {"he": "m", "she": "f"}
# Lowercase particles inside names: "Charles de Gaulle", "Ludwig van Beethoven".
_PARTICLES = frozenset("de da di du del della der den van von la le al el bin ibn y".split())
# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st gen lt col sgt capt gov sen rep jr sr inc co corp ltd no vs etc "
    "u.s u.k a.m p.m".split()
)
# Word-count thresholds: a quoted phrase shorter than this is a scare quote or a title.
MIN_WORDS = 4
MIN_WORDS_ATTRIBUTED = 2  # a whole attributed utterance: "No comment," he said.
MAX_TAIL_WORDS = 8  # words allowed between an introducing verb and the quote

_CLOSERS = {'"': '"', "“": "”", "„": "“”", "«": "»", "”": "”"}
# The lookahead on first letters lets the engine skip most positions of a long text.
_VERB = (r"(?=[" + "".join(sorted({v[0] for v in SPEECH_VERBS} | {"a"})) + r"])"
         r"(?:according to|" + "|".join(SPEECH_VERBS) + r")")
_POST_VERB_FIRST = re.compile(rf"^\s*[,;:]?\s*(?:[-–—]\s*)?(?P<verb>{_VERB})\b(?P<obj>.*)$",
                              re.I | re.S)
_POST_SUBJ_FIRST = re.compile(
    rf"^\s*[,;:]?\s*(?:[-–—]\s*)?(?P<subj>[^.!?;:\"“”]{{1,120}}?)\s+"
    rf"(?:(?:{'|'.join(_ADVERBS)})\s+)*(?P<verb>{_VERB})\b", re.I | re.S)
_VERB_RE = re.compile(rf"\b{_VERB}\b", re.I)
_TITLED = re.compile(r"\b(Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame|Lord|Lady|King|Queen|Prince|Princess)"
                     r"\.?\s+((?:[A-Z][\w'’-]*\s?){1,3})")
_PREPOSITIONS = frozenset("in of at on from for with by to into over under near".split())
_MODIFIER = re.compile(r"(?:of|from|at|in|with|for|on|who|which|whose|according)\b", re.I)
_CUT_OBJECT = re.compile(
    r"\s(?:of|at|in|from|for|on|to|who|which|with|after|during|when|while|and|as|about|"
    r"before|told|adding|saying|last|this|yesterday|today)\s")


@dataclass(frozen=True, slots=True)
class Span:
    """A quoted span of one paragraph: marks at `start` and `end - 1` (when closed)."""

    start: int
    end: int
    text: str
    closed: bool


@dataclass(frozen=True, slots=True)
class _Mention:
    where: tuple[int, int]  # (paragraph, offset): reading order
    name: str
    gender: str | None


# ---------------------------------------------------------------------------------------
# Quotation marks


def quoted_spans(paragraph: str) -> list[Span]:
    """Quoted spans in order. An unclosed quote runs to the next opening mark or the end,
    as in multi-sentence quotes whose closing mark is left out before a new opening one."""
    spans: list[Span] = []
    open_at: int | None = None
    opener = closers = ""
    for i, ch in enumerate(paragraph):
        if ch not in _CLOSERS and ch != "»":
            continue
        before = paragraph[i - 1] if i else " "
        after = paragraph[i + 1] if i + 1 < len(paragraph) else " "
        can_open = ch in "“„«" or (
            ch in '"”' and (before.isspace() or before in "([{—–-/") and not after.isspace())
        if open_at is None:
            if can_open:
                open_at, opener, closers = i, ch, _CLOSERS[ch]
        elif ch in closers and not (ch == opener and can_open and before.isspace()):
            spans.append(Span(open_at, i + 1, paragraph[open_at + 1:i], True))
            open_at = None
        elif ch == opener and can_open:
            spans.append(Span(open_at, i, paragraph[open_at + 1:i], False))
            open_at = i
    if open_at is not None:
        spans.append(Span(open_at, len(paragraph), paragraph[open_at + 1:], False))
    return spans


def _sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence-ending mark in text outside quotes."""
    ends = []
    for m in re.finditer(r"[.!?…]+(?=\s|$)", text):
        word = re.search(r"([\w.]+)$", text[max(0, m.start() - 20): m.start()])
        token = word.group(1).casefold() if word else ""
        if m.group() == "." and (token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token)):
            continue
        ends.append(m.end())
    return ends


# ---------------------------------------------------------------------------------------
# Names


def _is_name_token(t: str) -> bool:
    if not t or (t[0].islower() and "-" not in t and "'" not in t and "’" not in t):
        return False  # the common case, decided without a regular expression
    if t.endswith(("'s", "’s", "'", "’")):
        return False  # a possessive ("the Unit's Mr Hensel") is not part of the name after it
    if re.fullmatch(r"(?:al|el|bin|ibn|de|da|di|van|von|le|la|d|o)[-'’][A-Z][\w'’-]*", t):
        return True
    # Every hyphenated part capitalised: "Jean-Michel", "Vice-President", not "Fifteen-year-old".
    return bool(re.fullmatch(r"[^\W\d_][\w'’.]*(?:-[^\W\d_][\w'’.]*)*", t)) and all(
        part[:1].isupper() for part in t.split("-"))


def trailing_name(chunk: str) -> str | None:
    """The capitalised run that ends `chunk` ("analyst John Ivankoe" → "John Ivankoe")."""
    run: list[str] = []
    for t in reversed(chunk.strip().rstrip(".!?:;,").split()):
        if _is_name_token(t) or (run and t in _PARTICLES):
            run.insert(0, t)
        else:
            break
    # Sentence openers are not names: "But", "On Monday", "Describing", "Asked".
    while run and (run[0] in _PARTICLES or run[0] in _NOT_NAME_START
                   or (len(run) > 1 and re.search(r"[a-z](?:ing|ed)$", run[0]))):
        run.pop(0)
    honorific = next((i for i, t in enumerate(run) if t.rstrip(".") in _HONORIFICS), 0)
    run = run[honorific:]  # "At the GDC Mr Allard" → "Mr Allard"
    if not run or (all(t.rstrip(".") in _TITLE_WORDS for t in run)
                   and not (len(run) > 1 and run[0].rstrip(".") in _HONORIFICS)):
        return None  # "the Prime Minister" is an office; "Mr King" is a person
    return " ".join(run)


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r",|;|\(|\)|\s[—–-]\s", text) if c.strip()]


def _subject(text: str) -> str | None:
    """The speaker named by the words before a speech verb: a name, "he"/"she", or None.

    The clause next to the verb comes first ("According to the FT, analyst Jo Bloggs said"),
    then earlier ones ("Armando Falcon, OFHEO director said"); modifiers are skipped.
    """
    words = text.strip(" ,;:—–-\"“”").split()
    while words and words[0].casefold() in {"but", "and", "so", "yet", "however", "then"}:
        words.pop(0)
    while words and words[-1].casefold() in _ADVERBS:
        words.pop()
    s = " ".join(words[-14:])
    if s.casefold() in _PRONOUNS:
        return s.casefold()
    clauses = [c for c in reversed(_clauses(s)) if not _MODIFIER.match(c.strip())]
    for clause in clauses:  # an appositive that is only a name: "Jo Bloggs, chief of Acme,"
        name = trailing_name(clause)
        if name and clause.split()[: -len(name.split())] == []:
            return name
    for clause in clauses:
        name = trailing_name(clause)
        if name and re.search(rf"\b(?:of|from|at|in|for|with|by)\s+(?:the\s+)?{re.escape(name)}$",
                              clause.strip().rstrip(".!?:;,")):
            # "David Graham from the FDA's Office of Drug Safety": the head comes first.
            name = trailing_name(_CUT_OBJECT.split(f" {clause} ", maxsplit=1)[0])
        if name:
            return name
    return None


def _object(text: str) -> str | None:
    """The speaker named after an inverted verb: `said Brian Taylor of Wells Fargo`."""
    for clause in _clauses(text)[:2]:
        head = _CUT_OBJECT.split(f" {clause} ", maxsplit=1)[0]
        if head.strip().casefold() in _PRONOUNS:
            return head.strip().casefold()
        name = trailing_name(head)
        if name:
            return name
    return None


# ---------------------------------------------------------------------------------------
# Attribution


def _post_attribution(post: str, quote: str) -> tuple[bool, str | None]:
    """(attributed, speaker) from the words after a closing mark, up to the sentence end."""
    if quote.rstrip().endswith(".") and not re.match(r"\s*[,;]|\s*[-–—]?\s*[a-z]", post):
        return False, None  # a new sentence starts after the quote
    m = _POST_VERB_FIRST.match(post)
    if m:
        return True, _object(m["obj"])
    m = _POST_SUBJ_FIRST.match(post)
    if m and len(m["subj"].split()) <= 12:
        return True, _subject(m["subj"])
    return False, None


def _pre_attribution(pre: str) -> tuple[bool, str | None]:
    """(attributed, speaker) from the words before an opening mark in the same sentence."""
    verbs = list(_VERB_RE.finditer(pre))
    if not verbs:
        return False, None
    m = verbs[-1]
    tail = pre[m.end():]
    if len(tail.split()) > MAX_TAIL_WORDS or re.search(r"[.!?;]", tail):
        return False, None
    if m.group().casefold() == "according to":
        return True, _object(tail)
    if m.group().casefold().endswith("ing"):
        return True, _participle_subject(pre[: m.start()])
    if not pre[: m.start()].strip(" ,;\"“”«»„"):
        return True, _object(tail)  # "…," said Mr King, "…": the name follows the verb
    return True, _subject(pre[: m.start()])


def _participle_subject(before: str) -> str | None:
    """Who is "saying"/"telling": the sentence's subject ("John Snow put on a brave face,
    saying"), else the name ending its first clause ("The film showed Mr X, …, telling")."""
    first = before.split()[:1]
    if first and first[0].casefold() in _PRONOUNS:
        return first[0].casefold()
    clauses = _clauses(before)
    return _sentence_subject(before) or (trailing_name(clauses[0]) if clauses else None)


def _sentence_subject(sentence: str) -> str | None:
    """The name heading a sentence: "Scissor Sisters frontwoman Ana Matronic collected …"."""
    tokens = sentence.split()[:10]
    possessive = re.fullmatch(r"([A-Z][\w-]+)(?:'s?|’s?)", tokens[0]) if tokens else None
    if possessive:  # "Williams' track beat …": the sentence is about Williams
        return possessive[1]
    head: list[str] = []
    for i, t in enumerate(tokens):
        word = t.rstrip(",;:.")
        if _VERB_RE.fullmatch(word) or not word:
            break
        # Lowercase role words continue the phrase only when a name follows them:
        # "Best British male artist winner Mike Skinner", not "Mike Skinner won the …".
        ahead = [x.rstrip(",;:.") for x in tokens[i + 1:i + 4]]
        role = word.islower() and word not in _PREPOSITIONS and any(
            _is_name_token(x) for x in ahead[: next(
                (k + 1 for k, x in enumerate(ahead) if not x.islower()), len(ahead))])
        if not (_is_name_token(word) or role):
            break
        head.append(word)
        if word != t:
            break
    return trailing_name(" ".join(head)) if head else None


def _speaker_of_sentence(sentence: str) -> str | None:
    """The named subject of a sentence that reports speech ("Ms X said the list …",
    "Treasury Secretary John Snow put a brave face on it, saying …")."""
    m = _VERB_RE.search(sentence)
    if not m or m.group().casefold() == "according to":
        return None
    if m.group().casefold().endswith("ing"):
        return _participle_subject(sentence[: m.start()])
    who = _subject(sentence[: m.start()]) or _sentence_subject(sentence)
    if who is None and sentence[: m.start()].rstrip().endswith(","):
        who = _object(sentence[m.end():])  # "…, said Jeremy Flynn, head of …"
    return who


def _is_title_like(text: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text) if len(w) > 3]
    return bool(words) and all(w[0].isupper() for w in words) and not re.search(r"[.!?]$", text)


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
        starts = [0] + _sentence_ends(piece)
        for st, en in zip(starts, [*starts[1:], len(piece)], strict=False):
            sentence = piece[st:en]
            lead = _sentence_subject(sentence)
            if lead and len(lead.split()) >= 2:
                found.append(_Mention((p, a + st), lead, _gender_of_title(lead.split()[0])))
            for m in re.finditer(r"\baccording to\s+([^.;]+)", sentence, re.I):
                who = _object(m[1])
                if who and who not in _PRONOUNS:
                    found.append(_Mention((p, a + st + m.start()), who, None))
            who = _speaker_of_sentence(sentence)
            if who and who not in _PRONOUNS and (len(who.split()) > 1 or who in body_caps):
                found.append(_Mention((p, a + st + 1), who, None))
    return sorted(found, key=lambda x: x.where)


def _name_runs(p: int, paragraph: str, spans: list[Span]) -> list[_Mention]:
    """Every run of two or more capitalised words outside quotes: the fuller forms of names."""
    found: list[_Mention] = []
    bounds = [0] + [x for s in spans for x in (s.start, s.end)] + [len(paragraph)]
    for a, b in zip(bounds[::2], bounds[1::2], strict=False):
        run: list[tuple[int, str]] = []
        for m in [*re.finditer(r"\S+", paragraph[a:b]), None]:
            token = m.group().rstrip(",.;:!?") if m else ""
            if m and (_is_name_token(token) or (run and token in _PARTICLES)):
                run.append((a + m.start(), token))
                if token == m.group():
                    continue
            name = trailing_name(" ".join(t for _, t in run)) if run else None
            if name and len([t for t in name.split() if t not in _TITLE_WORDS]) >= 2:
                found.append(_Mention((p, run[0][0]), name, None))
            run = []
    return found


def _gender_of_title(title: str) -> str | None:
    return "m" if title in _MALE else "f" if title in _FEMALE else None


def _bare(name: str) -> list[str]:
    return [t for t in name.split() if t.rstrip(".") not in _TITLE_WORDS]


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
        want = _PRONOUNS[pronoun]
        i = bisect.bisect_left(self.mentions, where, key=lambda x: x.where)
        for m in reversed(self.mentions[max(0, i - self.RECENT): i]):
            if self.gender(m.name) in (None, want):
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


def _around(paragraph: str, spans: list[Span], k: int) -> _Around:
    span = spans[k]
    gap = paragraph[spans[k - 1].end if k else 0: span.start]
    ends = _sentence_ends(gap)
    region = paragraph[span.end: spans[k + 1].start if k + 1 < len(spans) else len(paragraph)]
    post_ends = _sentence_ends(region)
    return _Around(
        gap=gap,
        gap_sentences=len(ends),
        before=gap[ends[-2] if len(ends) > 1 else 0: ends[-1]] if ends else "",
        pre=gap[ends[-1]:] if ends else gap,
        post=region[: post_ends[0]] if post_ends else region,
    )


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
    for p, paragraph in enumerate(paragraphs):
        spans = quoted_spans(paragraph)
        for m in _mentions(p, paragraph, spans, body_caps):
            people.add(m)
        for m in _name_runs(p, paragraph, spans):
            people.add_name(m)
        last: tuple[str | None, bool] = (carry, False)  # (speaker, attributed) of the previous
        run: list[int] = []  # unattributed parts of one unclosed quote, waiting for a speaker
        for k, span in enumerate(spans):
            ctx = _around(paragraph, spans, k)
            text = _quote_text(span)
            attributed, who = _post_attribution(ctx.post, text) if span.closed else (False, None)
            if not attributed:
                attributed, who = _pre_attribution(ctx.pre)
            if not attributed:
                who = _continued_speaker(ctx, k, last)
            where = (p, span.start)
            if who in _PRONOUNS:
                who = people.resolve(who, where)
            elif who and not people.plausible(who, body_caps):
                who = None
            if who:
                who = people.canonical(who, where)
                people.add(_Mention(where, who, people.gender(who)))
            if k and (ctx.gap.strip() or spans[k - 1].closed):
                run = []
            if who:  # "Part one. "Part two," X said.": part one is X's too
                for j in run:
                    quotes[j] = Quote(quotes[j].text, who)
                run = []
            if text and _is_speech(text, attributed, ctx):
                quotes.append(Quote(text, who))
                if not who and not span.closed:
                    run.append(len(quotes) - 1)
            last = (who, attributed)
        carry = _carry(paragraph, spans, last[0])
    return quotes


def _continued_speaker(ctx: _Around, k: int, last: tuple[str | None, bool]) -> str | None:
    """The speaker of an unattributed quote, from the quote or sentence just before it."""
    who, attributed = last
    if k and who and ctx.gap_sentences <= (1 if attributed else 0):
        return who  # the next part of an attributed quote: "…," X said. "…"
    if ctx.before:
        return _speaker_of_sentence(ctx.before)  # "X said the plan failed. "…""
    if k == 0 and not ctx.pre.strip():
        return who  # a quote opening a paragraph continues the previous paragraph's speaker
    return None


def _carry(paragraph: str, spans: list[Span], who: str | None) -> str | None:
    """The speaker still talking at the end of a paragraph: its last quote's speaker, or
    the subject of a closing "…, Mr X said." sentence; else None."""
    tail = paragraph[spans[-1].end:] if spans else paragraph
    ends = _sentence_ends(tail)
    if spans and (not spans[-1].closed or len(ends) <= 1):
        return who
    return _speaker_of_sentence(tail[ends[-2] if len(ends) > 1 else 0:])
