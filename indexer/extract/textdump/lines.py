"""Text dumps as paragraphs of lines, and the shapes a line can have.

A line can be a widget label, a person's name, a site's name, a date, a caption with a
photo credit, or prose; the text-dump extractor decides section boundaries from these.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from indexer.extract.boilerplate import THREAD_OPENER, WIDGET_LINE, WIDGET_WORDS
from indexer.extract.text import clean_line, clean_text

# Photo credits that make a paragraph a caption: "… Photo: Name / Agency", "(Reuters)".
_AGENCIES = (
    r"Reuters|AFP|AP|EPA|Getty Images|Getty|Shutterstock|Alamy|PA|PA Wire|Xinhua|TASS|"
    r"RIA Novosti|Sputnik|Anadolu|Bloomberg|Wikimedia Commons|Wikipedia"
)
_CAPTION = re.compile(
    r"(?:^|[\s.(\[|–—-])(?:photos?|photograph|picture|pic|image|images|credit|illustration|"
    r"foto|video)(?:\s+(?:credit|by|courtesy(?: of)?))?\s*:\s*[^:]{1,80}\)?$"
    r"|(?:photo|image|picture)\s+(?:by|courtesy of)\s+[^.]{1,60}\.?$"
    rf"|\((?:{_AGENCIES})(?:\s+photo)?(?:\s*/\s*[^()]{{1,60}})?\)\.?$"
    rf"|\s/\s*(?:{_AGENCIES})\.?$"
    rf"|\bvia (?:{_AGENCIES})\)?\.?$"
    r"|^image (?:copyright|caption|source)\b",
    re.I,
)
# Wire credits are upper case ("REUTERS/Jane Doe"), so this one is case-sensitive.
_WIRE_CREDIT = re.compile(r"\b(?:REUTERS|AFP|AP|EPA|XINHUA|TASS)/[A-Z][\w .'’-]{1,40}\)?\.?$")
# Words never in a name or handle, in any case (pronouns, verbs, fillers) ...
_NEVER_NAME = frozenset(
    "i you we he she it they me my your our his her its their is are was were be been am "
    "do does did have has had not no yes this that these those what why how who when where "
    "but if or to for with on at by from just very too lol thanks thank great good nice "
    "agree agreed really would should could ok okay wow true exactly here there than all "
    "any some more most about into".split()
)
# ... and words that are names only when capitalised ("Will Young", "Hope Davis").
_LOWER_NOT_NAME = frozenset("will can may so well love then over hope rich grace faith".split())

# The label a dateline may start with: "Published: 4 June 2019", "Updated on …".
DATE_LABEL = re.compile(
    r"^(?:(?:first |last )?(?:published|updated|posted|modified|date)d?(?:\s+on)?\s*:?\s*)", re.I)
# A dateline is one of these English forms and nothing else. Stricter than the general
# dates.parse_date on purpose: that one also reads "06/04/2019" (June or April?) and
# foreign month names, and drops future dates, so it would change which lines count as
# datelines.
_MONTHS = {
    m: i
    for i, names in enumerate(
        ["jan january", "feb february", "mar march", "apr april", "may", "jun june",
         "jul july", "aug august", "sep sept september", "oct october", "nov november",
         "dec december"], 1)
    for m in names.split()
}
_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_TIME = r"(?:\s*(?:,|at|@|-)?\s*\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
_DATE_FORMS = [
    re.compile(rf"^{_WEEKDAY}{_DAY}\s+{_MONTH},?\s+{_YEAR}{_TIME}$", re.I),
    re.compile(rf"^{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}{_TIME}$", re.I),
    re.compile(r"^(?P<year>\d{4})-(?P<mon>\d\d)-(?P<day>\d\d)(?:[T ][\d:.+Z-]*)?$"),
    re.compile(rf"^(?P<day>\d{{1,2}})\.(?P<mon>\d{{1,2}})\.{_YEAR}{_TIME}$"),
]
_SENTENCE_END = re.compile(r"[.!?…]['\"’”»)]*$")


@dataclass(frozen=True, slots=True)
class Para:
    """A run of non-blank lines, and how many blank lines came before it."""

    lines: tuple[str, ...]
    gap: int

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def to_paragraphs(text: str) -> list[Para]:
    """Paragraphs of cleaned lines, each with the length of the blank run before it."""
    paras: list[Para] = []
    lines: list[str] = []
    gap = 0
    for raw in clean_text(text).split("\n"):
        line = clean_line(raw)
        if line:
            lines.append(line)
        elif lines:
            paras.append(Para(tuple(lines), gap))
            lines, gap = [], 1
        else:
            gap += 1
    if lines:
        paras.append(Para(tuple(lines), gap))
    return paras


def word_count(s: str) -> int:
    """Words separated by white space."""
    return len(s.split())


def is_sentence(s: str) -> bool:
    """Six or more words ending in sentence punctuation."""
    return word_count(s) >= 6 and bool(_SENTENCE_END.search(s))


def bare(line: str) -> str:
    """The line without the dots, colons and bullets that widgets put around labels."""
    return line.strip(" .:…•·|")


def is_thread_opener(line: str) -> bool:
    """A line that opens a comment section: "12 Comments", "Leave a Reply", "Notify of"."""
    return bool(THREAD_OPENER.fullmatch(bare(line)))


def is_widget_line(line: str) -> bool:
    """Comment-widget chrome: a known phrase, or a short line made of interface words."""
    if WIDGET_LINE.fullmatch(bare(line)):
        return True
    # Two thirds, so that a one-line comment like "About time" or "Good read" stays text.
    words = re.findall(r"[\w-]+", line.casefold())
    return 0 < len(words) <= 4 and sum(w in WIDGET_WORDS for w in words) * 3 >= len(words) * 2


def is_label(line: str) -> bool:
    """A short line without sentence punctuation or a list bullet: a button, a name."""
    return (word_count(line) <= 6 and len(line) <= 40 and not _SENTENCE_END.search(line)
            and not re.match(r"[-•*–]|\d+[.)]\s", line))


def parse_date(s: str) -> str | None:
    """An ISO date (YYYY-MM-DD) from a string that is only a date (and time), else None."""
    s = s.strip(" .,|•·–—-")
    for form in _DATE_FORMS:
        m = form.match(s)
        if not m:
            continue
        month = int(m["mon"]) if m["mon"].isdigit() else _MONTHS.get(m["mon"].casefold(), 0)
        try:
            return datetime.date(int(m["year"]), month, int(m["day"])).isoformat()
        except ValueError:
            return None
    return None


def person_name(line: str) -> str | None:
    """The line as a person's name or handle ("jens holm", "Old Soldier"), else None."""
    s = line.strip()
    if not s or len(s) > 40 or _SENTENCE_END.search(s) or s[-1] in ",;:":
        return None
    tokens = s.split()
    if not 1 <= len(tokens) <= 5 or is_widget_line(s):
        return None
    for t in tokens:
        if t.casefold() in _NEVER_NAME or t in _LOWER_NOT_NAME:
            return None
        if not re.fullmatch(r"@?[^\W\d_][\w.'’@-]*", t):
            return None  # "DocHoliday2" and "@ann" are handles; "5m" is not a name
    return s


def site_name(s: str) -> str | None:
    """A site's name in title case ("The Daily Ledger", "SouthFront", "news.example.com")."""
    s = s.strip(" :|–—-")
    tokens = s.split()
    if not 1 <= len(tokens) <= 6 or len(s) > 50 or re.search(r"[!?,;]$", s):
        return None
    if any(t.casefold().strip(".") in WIDGET_WORDS for t in tokens):
        return None
    for i, t in enumerate(tokens):
        domain = re.fullmatch(r"[\w-]+(?:\.[\w-]+)+", t)
        if not (t[0].isupper() or t[0].isdigit() or domain or t == "&"
                or (i and t in {"of", "the", "and", "for", "on", "in", "de", "la"})):
            return None
    return s.rstrip(".") or None


def is_caption(p: Para) -> bool:
    """A paragraph of at most 60 words with a photo credit ("Photo: Name / Agency")."""
    return word_count(p.text) <= 60 and bool(_CAPTION.search(p.text) or _WIRE_CREDIT.search(p.text))
