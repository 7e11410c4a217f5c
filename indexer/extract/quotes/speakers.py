"""Names and the attribution of speech: who said a quote, from the words around it.

`post_attribution` reads the words after a closing mark (`"…," X said`, `"…," said X, a Y
at Z`), `pre_attribution` those before an opening one (`X said: "…"`, `according to X`).
A speaker is a name, or "he"/"she" for the caller to resolve to a person named earlier.
"""

from __future__ import annotations

import re

from indexer.extract.quotes.words import (
    ADVERBS,
    ANAPHOR,
    HONORIFICS,
    NOT_NAME_START,
    PARTICLES,
    PERSON_NOUNS,
    PREPOSITIONS,
    PRONOUNS,
    SPEECH_VERBS,
    TITLE_WORDS,
    UNNAMED_NOUNS,
)

_DESCRIPTION = re.compile(rf"the\s+(?:[\w'’-]+\s+){{0,4}}(?:{PERSON_NOUNS})", re.I)
# "A spokesman for Acme", "a source close to the firm": someone the text does not name.
_UNNAMED = re.compile(rf"(?:[Aa]n?|[Tt]he)\s+(?:[a-z][\w-]*\s+)?(?:{UNNAMED_NOUNS})\s+"
                      r"(?:for|of|at|from|with|close to)\b")
MAX_TAIL_WORDS = 8  # words allowed between an introducing verb and the quote
# A fragment may close a longer reported sentence: `X said in the release this case shows
# that free speech does not protect people to "make threats …"`.
MAX_TAIL_WORDS_FRAGMENT = 20

# The lookahead on first letters lets the engine skip most positions of a long text.
_VERB = (r"(?=[" + "".join(sorted({v[0] for v in SPEECH_VERBS} | {"a"})) + r"])"
         r"(?:according to|" + "|".join(SPEECH_VERBS) + r")")
_POST_VERB_FIRST = re.compile(rf"^\s*[,;:]?\s*(?:[-–—]\s*)?(?P<verb>{_VERB})\b(?P<obj>.*)$",
                              re.I | re.S)
_POST_SUBJ_FIRST = re.compile(
    rf"^\s*[,;:]?\s*(?:[-–—]\s*)?(?P<subj>(?:[^.!?;:\"“”]|\.(?=\S)){{1,120}}?)\s+"
    rf"(?:(?:{'|'.join(ADVERBS)})\s+)*(?P<verb>{_VERB})\b", re.I | re.S)
_VERB_RE = re.compile(rf"\b{_VERB}\b", re.I)
_QUOTED_BY = re.compile(
    r"^\s*[,;:]?\s*[^.!?;:\"“”]{1,60}?\s+quot(?:es|ed|ing)\s+(?!as\b)(?P<obj>.*)$", re.S)
_MODIFIER = re.compile(r"(?:of|from|at|in|with|for|on|who|which|whose|according)\b", re.I)
_CUT_OBJECT = re.compile(
    r"\s(?:of|at|in|from|for|on|to|who|which|with|after|during|when|while|and|as|about|"
    r"before|told|adding|saying|last|this|yesterday|today)\s")


# ---------------------------------------------------------------------------------------
# Names


_PARTICLE_NAME = re.compile(r"(?:al|el|bin|ibn|de|da|di|van|von|le|la|d|l|o)[-'’][A-Z][\w'’-]*")
_WORD = re.compile(r"[^\W\d_][\w'’.]*(?:-[^\W\d_][\w'’.]*)*")


def is_name_token(t: str) -> bool:
    """A word that can be part of a name ("Jean-Michel", "al-Assad"); not a possessive."""
    if not t or (t[0].islower() and "-" not in t and "'" not in t and "’" not in t):
        return False  # the common case, decided without a regular expression
    if t.endswith(("'s", "’s", "'", "’")):
        return False  # a possessive ("the Unit's Mr Hensel") is not part of the name after it
    if _PARTICLE_NAME.fullmatch(t):
        return True
    # Every hyphenated part capitalised: "Jean-Michel", "Vice-President", not "Fifteen-year-old".
    return bool(_WORD.fullmatch(t)) and all(
        part[:1].isupper() for part in t.split("-"))


def trailing_name(chunk: str) -> str | None:
    """The capitalised run that ends `chunk` ("analyst John Ivankoe" → "John Ivankoe")."""
    run: list[str] = []
    tokens = chunk.strip().rstrip(".!?:;,").split()
    for i in range(len(tokens) - 1, -1, -1):
        t = tokens[i]
        # "Secretary of State Mike Pompeo": "of" joins two parts of one title
        of_title = (t == "of" and run and i and tokens[i - 1].rstrip(".") in TITLE_WORDS)
        # "Trade and Industry Secretary Patricia Hewitt"; not "Tesco and Chief Executive X"
        and_title = (t == "and" and len(run) > 1 and i and is_name_token(tokens[i - 1])
                     and run[0] not in TITLE_WORDS and run[1] in TITLE_WORDS)
        if is_name_token(t) or (run and t in PARTICLES) or of_title or and_title:
            run.insert(0, t)
        else:
            break
    # Sentence openers are not names: "But", "On Monday", "Describing", "Asked".
    while run and (run[0] in PARTICLES or run[0] in NOT_NAME_START
                   or (len(run) > 1 and re.search(r"[a-z](?:ing|ed)$", run[0]))):
        run.pop(0)
    honorific = next((i for i, t in enumerate(run) if t.rstrip(".") in HONORIFICS), 0)
    run = run[honorific:]  # "At the GDC Mr Allard" → "Mr Allard"
    if not run or (all(t.rstrip(".") in TITLE_WORDS for t in run)
                   and not (len(run) > 1 and run[0].rstrip(".") in HONORIFICS)):
        return None  # "the Prime Minister" is an office; "Mr King" is a person
    return " ".join(run)


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r",|;|\(|\)|\s[—–-]\s", text) if c.strip()]


def _speaker_before_verb(text: str) -> str | None:
    """The speaker named by the words before a speech verb: a name, "he"/"she", or None.

    The clause next to the verb comes first ("According to the FT, analyst Jo Bloggs said"),
    then earlier ones ("Armando Falcon, OFHEO director said"); modifiers are skipped.
    """
    # asides in brackets are parties or acronyms, never the speaker: "(D-Minn.)", "(WSIS)"
    words = re.sub(r"\s*\([^)]*\)", "", text).strip(" ,;:—–-\"“”").split()
    while words and words[0].casefold() in {"but", "and", "so", "yet", "however", "then"}:
        words.pop(0)
    while words and words[-1].casefold() in ADVERBS:
        words.pop()
    s = " ".join(words[-14:])
    if words and words[-1].casefold() in ("he", "she"):
        return words[-1].casefold()  # "…, which he said was"
    if _DESCRIPTION.fullmatch(s) or s.casefold() == ANAPHOR:
        return ANAPHOR
    clauses = [c for c in reversed(_clauses(s)) if not _MODIFIER.match(c.strip())]
    for clause in clauses:  # an appositive that is only a name: "Jo Bloggs, chief of Acme,"
        name = trailing_name(clause)
        if name and clause.split()[: -len(name.split())] == []:
            return name
    if clauses and re.match(r"(?:the|an?)\s", clauses[0].strip(), re.I) and not trailing_name(
            clauses[0]):
        return None  # "…, the Bishop said": the subject is not named; earlier names are others
    if len(clauses) == 1 and _UNNAMED.match(" ".join(words)):
        return None
    for clause in clauses:
        name = trailing_name(clause)
        if name and re.search(rf"\b(?:of|from|at|in|for|with|by)\s+(?:the\s+)?{re.escape(name)}$",
                              clause.strip().rstrip(".!?:;,")):
            # "David Graham from the FDA's Office of Drug Safety": the head comes first.
            name = trailing_name(_CUT_OBJECT.split(f" {clause} ", maxsplit=1)[0])
        if name:
            return name
    return None


def speaker_after_verb(text: str) -> str | None:
    """The speaker named after an inverted verb: `said Brian Taylor of Wells Fargo`."""
    described = None
    for clause in _clauses(text)[:2]:
        head = _CUT_OBJECT.split(f" {clause} ", maxsplit=1)[0]
        if head.strip().casefold() in PRONOUNS:
            return head.strip().casefold()
        if _DESCRIPTION.fullmatch(head.strip().rstrip(".!?")):
            # "…," added the two-time Academy Award winner; unless a name follows it:
            # "said the festival's executive director, Craig Prater"
            described = ANAPHOR
            continue
        name = trailing_name(head)
        if name:
            return name
    return described


# ---------------------------------------------------------------------------------------
# Attribution


def post_attribution(post: str, quote: str, loose_ok: bool = False) -> tuple[bool, str | None]:
    """(attributed, speaker) from the words after a closing mark, up to the sentence end;
    `quote` is the text inside the marks, with its own closing punctuation. With `loose_ok`
    the attribution may follow the rest of the sentence (`"…" for car sales, NAAMSA said`):
    for when no attribution before the quote claims it."""
    if quote.rstrip().endswith(".") and not re.match(r"\s*[,;]|\s*[-–—]?\s*[a-z]", post):
        return False, None  # a new sentence starts after the quote
    # Without a comma (`"…" said Mr Roberts`) only a plain attribution ends the quote:
    # in `says "we are pleased" at the news, adding …` the quote is inside a sentence.
    loose = not (re.match(r"\s*[,;:–—-]", post) or re.search(r"[,?!…][\s'’\"”]*$", quote))
    m = _POST_VERB_FIRST.match(post)
    if m:
        return True, speaker_after_verb(m["obj"])
    m = _POST_SUBJ_FIRST.match(post)
    if m and len(m["subj"].split()) <= 12 and not (
            loose and not loose_ok and (m["subj"].split()[0].casefold() in PREPOSITIONS
                       or m["verb"].casefold().endswith("ing"))):
        return True, _speaker_before_verb(m["subj"])
    m = _QUOTED_BY.match(post)
    if m:  # `"…," the newspaper quotes a source close to the firm`
        return True, speaker_after_verb(m["obj"])
    return False, None


def pre_attribution(pre: str, fragment: bool = False) -> tuple[bool, str | None]:
    """(attributed, speaker) from the words before an opening mark in the same sentence;
    a `fragment` (a quote starting in lower case) may stand further from its verb."""
    verbs = list(_VERB_RE.finditer(pre))
    if not verbs:
        return False, None
    m = verbs[-1]
    tail = pre[m.end():]
    # "According to the roads office, the pass may reopen "if the wind drops"" is the
    # writer's summary, not a speaker's sentence running on to its quoted end
    according = m.group().casefold() == "according to"
    limit = MAX_TAIL_WORDS_FRAGMENT if fragment and not according else MAX_TAIL_WORDS
    if len(tail.split()) > limit or re.search(r"[.!?;]", tail):
        return False, None
    if according:
        return True, speaker_after_verb(tail)
    if m.group().casefold().endswith("ing"):
        return True, participle_subject(pre[: m.start()])
    if not pre[: m.start()].strip(" ,;\"“”«»„"):
        # "…," said Mr King, "…": the name follows the verb
        return True, speaker_after_verb(tail)
    return True, _speaker_before_verb(pre[: m.start()])


def participle_subject(before: str) -> str | None:
    """Who is "saying"/"telling": the sentence's subject ("John Snow put on a brave face,
    saying"), else the name ending its first clause ("The film showed Mr X, …, telling")."""
    first = before.split()[:1]
    if first and first[0].casefold() in PRONOUNS:
        return first[0].casefold()
    clauses = _clauses(before)
    return sentence_subject(before) or (trailing_name(clauses[0]) if clauses else None)


def sentence_subject(sentence: str) -> str | None:
    """The name heading a sentence: "Scissor Sisters frontwoman Ana Matronic collected …"."""
    tokens = sentence.split()[:10]
    possessive = re.fullmatch(r"([A-Z][\w-]+)(?:'s?|’s?)", tokens[0]) if tokens else None
    if possessive:  # "Williams' track beat …": the sentence is about Williams
        return possessive[1]
    head: list[str] = []
    for i, t in enumerate(tokens):
        word = t if re.fullmatch(r"[A-Z]\.|[A-Z][a-z]{1,2}\.", t) else t.rstrip(",;:.")  # "A."
        if _VERB_RE.fullmatch(word) or not word:
            break
        # Lowercase role words continue the phrase only when a name follows them:
        # "Best British male artist winner Mike Skinner", not "Mike Skinner won the …".
        ahead = [x.rstrip(",;:.") for x in tokens[i + 1:i + 4]]
        role = word.islower() and word not in PREPOSITIONS and any(
            is_name_token(x) for x in ahead[: next(
                (k + 1 for k, x in enumerate(ahead) if not x.islower()), len(ahead))])
        if not (is_name_token(word) or role):
            if head and re.fullmatch(r"[A-Z][\w-]*['’]s?", word):
                return None  # "Despite enjoying Dan Brown's theory, …": a possessor
            break
        head.append(word)
        if word != t:
            break
    return trailing_name(" ".join(head)) if head else None


def speaker_of_sentence(sentence: str) -> str | None:
    """The named subject of a sentence that reports speech ("Ms X said the list …",
    "Treasury Secretary John Snow put a brave face on it, saying …")."""
    m = _VERB_RE.search(sentence)
    if not m or m.group().casefold() == "according to":
        return None
    if m.group().casefold().endswith("ing"):
        return participle_subject(sentence[: m.start()])
    who = _speaker_before_verb(sentence[: m.start()]) or sentence_subject(sentence)
    if who is None and sentence[: m.start()].rstrip().endswith(","):
        who = speaker_after_verb(sentence[m.end():])  # "…, said Jeremy Flynn, head of …"
    return who


# Words that end a sentence's subject: the first finite verb, roughly.
_FINITE = re.compile(r"(?!(?:his|this|its|us|thus|yes|as|less|across|plus)$)[a-z]+(?:ed|s)|"
                     r"has|have|had|is|was|were|are|will|would|could|can|may|might|must|"
                     r"should|did|does|do")
_NOT_ROLE = frozenset(
    "who which where when while and but or as in on at for with from to by if that this "
    "the a an his her its their "
    "has had have is was were are will would could said says told added".split())
_APPOSITIVE = re.compile(
    r"(?P<name>[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|da|van|von|den|der|al|el)){1,4}),\s+"
    r"(?:(?:the|a|an|his|her|its|[A-Z][\w.-]*['’]s)\s+)?(?P<role>[a-z][\w-]*)")


def named_people(sentence: str) -> list[tuple[int, str]]:
    """Names a sentence gives as people, with their offsets: the name ending its subject
    ("… general secretary Tony Woodley repeated …") and names with a role after them
    ("Tim Danton, editor of …")."""
    found: list[tuple[int, str]] = []
    tokens = sentence.split()
    for i, t in enumerate(tokens[:16]):
        if _FINITE.fullmatch(t) or _VERB_RE.fullmatch(t):
            # "analyst Nick Van den Brul of BNP Paribas was": the head, not the firm
            name = trailing_name(_CUT_OBJECT.split(f" {' '.join(tokens[:i])} ", maxsplit=1)[0])
            if name and not tokens[i - 1].endswith(","):
                found.append((0, name))
            break
    for m in _APPOSITIVE.finditer(sentence):
        name = trailing_name(m["name"])
        role = m["role"]  # a noun ("editor"), not a verb ("La Liga, did not")
        if name and role not in _NOT_ROLE and not (
                _FINITE.fullmatch(role) or role.endswith(("ing", "ly"))):
            found.append((m.start(), name))
    return [(at, n) for at, n in found
            if len([t for t in n.split() if t not in TITLE_WORDS]) >= 2]
