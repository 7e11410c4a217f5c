"""The plain-text dump format: headline, captions, body, site footer and comment thread.

A dump is paragraphs separated by blank lines, laid out top to bottom as

    Headline                          (often repeated as the next paragraph)
    Caption. Photo: Name / Agency     (optional, any number)
    Body paragraphs
    <two or more blank lines>
    Site footer                       (optional: "SiteName: tagline", links, share buttons)
    <two or more blank lines>
    Comment widget                    (optional: "Notify of", "12 Comments", "Leave a Reply")
    Author / blank / paragraphs, repeated; a comment after a doubled blank line with
    no author line is anonymous.

A plain "headline, blank line, paragraphs" file is the same format without the extras.
Sites differ in footers and widgets, so boundaries come from structure first (runs of
blank lines, line length and shape, position); the phrase lists below only settle what
structure leaves open. The body is never cut unless what follows is clearly not prose.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from indexer.article import Article, Comment, make_id
from indexer.extract.quotes import find_quotes
from indexer.extract.text import (
    MAX_COMMENT_CHARS,
    MAX_COMMENTS,
    MAX_FIELD_CHARS,
    clean_line,
    clean_text,
    join_paragraphs,
    truncate,
)

# ---------------------------------------------------------------------------------------
# Data: phrases of comment widgets, share bars and site footers (case-insensitive).

# A whole line that opens a comment section: wpDiscuz, Disqus, WordPress, generic.
_THREAD_OPENERS = [
    r"notify of",
    r"(?:\d[\d,]*|no|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
    r"(?:comments?|responses?|replies|reply|thoughts?)(?:\s+(?:on|to)\b.*)?",
    r"(?:reader |user |show |view |facebook )?comments?(?:\s*\(\d+\))?",
    r"leave an? (?:reply|comment|response)(?:\s+cancel reply)?",
    r"(?:join|start) the (?:discussion|conversation)",
    r"(?:add|post|write) an? (?:comment|reply)",
    r"sort by \w+",
    r"(?:newest |oldest )*(?:newest|oldest)(?: most voted)?",
    r"inline feedbacks?",
    r"view all comments",
    r"comments are closed",
    r"have your say",
    r".*\bdisqus\b.*",
]
# A whole line that is widget chrome anywhere in a thread: buttons, counters, form fields.
_WIDGET_LINES = _THREAD_OPENERS + [
    r"reply(?: ↓| →)?|cancel reply|log ?in(?: to reply)?|sign ?in|sign ?up|register",
    r"(?:\d+\s+)?(?:recommend|likes?|upvotes?|downvotes?|votes?|points?)",
    r"(?:share|tweet|report|flag|edit|permalink|like|dislike|loading)(?: ›)?",
    r"(?:load|show|view) (?:more|all|\d+ more)(?: comments| replies)?",
    r"(?:newest|oldest|best|top|popular|most voted)(?: first)?|label",
    r"\d+\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago",
    r"your email address will not be published|required fields are marked \*?",
    r"(?:comment|name|email|e-mail|website)\s*\*?|post comment|submit(?: comment)?",
    r"save my name, email, and website.*|this site uses akismet.*|powered by .*",
    r"privacy policy|do not sell my data|also on (?:[^\s.!?,]+ ?){1,4}",
    r"[\W_]*|Δ",  # arrows and bullets (no letters), and the anti-spam field's "Δ"
]
# After comments, these end the thread: the reply form and "Also on <site>" teasers.
_THREAD_END = re.compile(
    r"leave an? (?:reply|comment|response)\b.*|also on (?:[^\s.!?,]+ ?){1,4}", re.I)
# Words that mark a short line as interface text rather than a name or a sentence.
_WIDGET_WORDS = frozenset(
    "comment comments reply replies notify newest oldest voted feedback feedbacks login "
    "logout subscribe subscribed sort recommend share shares tweet disqus discussion thoughts "
    "responses upvote downvote powered privacy policy cookies cookie newsletter donate donation "
    "follow related like advertisement advertising sponsored menu search home contact about "
    "terms twitter facebook telegram whatsapp linkedin reddit pinterest email e-mail print "
    "rss tags categories category previous next read support copyright rights reserved".split()
)
# Footer paragraphs that are boilerplate even when written as a sentence.
_LEGAL = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved", re.I)
_BOILERPLATE = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|\bsubscribe\b|\bnewsletter\b"
    r"|\bdonat(?:e|ion)\b|\bfollow us\b|\bshare this\b|\blike this\b|\bsupport (?:our|us|"
    r"independent)\b|\bprivacy policy\b|\bterms of (?:use|service)\b|\bcontact us\b|\bsign up\b"
    r"|\badvertise with us\b|\bour (?:journalism|reporting|mission)\b|\breader-funded\b"
    r"|\bindependent (?:news|journalism|media)\b|\bsince (?:18|19|20)\d\d$",
    re.I,
)
# Whole paragraphs inside a body that are page chrome, not article text.
_BODY_CHROME = re.compile(
    r"advertisement|story continues below(?: advertisement)?|continue reading(?: below)?|"
    r"scroll to continue(?: with content)?|sponsored content|"
    r"media playback is (?:unsupported|not supported) on your device",
    re.I,
)
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
_PLACEHOLDER_AUTHORS = frozenset({"anonymous", "guest", "unknown", "anon"})

# Bylines and datelines: "Published: 4 June 2019", "By A and B | June 4, 2019".
_DATE_LABEL = re.compile(
    r"^(?:(?:first |last )?(?:published|updated|posted|modified|date)d?(?:\s+on)?\s*:?\s*)", re.I)
_BYLINE = re.compile(
    r"^(?:by|reporting by|written by)\s+(?P<names>[^|•·–—,;()]+?)\s*"
    r"(?:[|•·–—,;]\s*(?P<rest>.*))?$", re.I)
_AUTHOR_SUFFIX = re.compile(r"\s+(?:says|said|wrote|writes|commented)\s*:?\s*$", re.I)

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
MAX_FOOTER_PARAS = 15  # a site footer is a handful of lines; more is article text
THREAD_BREAK = 4  # blank lines that set a widget-less comment thread apart from the article


def _full(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


_OPENER_RE = _full(_THREAD_OPENERS)
_WIDGET_RE = _full(_WIDGET_LINES)

# ---------------------------------------------------------------------------------------
# Paragraphs and line shapes


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


def _words(s: str) -> int:
    return len(s.split())


def _key(s: str) -> str:
    """Text for comparing two lines: case and punctuation ignored."""
    return " ".join(re.findall(r"\w+", s.casefold()))


def _is_sentence(s: str) -> bool:
    return _words(s) >= 6 and bool(_SENTENCE_END.search(s))


def _bare(line: str) -> str:
    return line.strip(" .:…•·|")


def is_thread_opener(line: str) -> bool:
    return bool(_OPENER_RE.fullmatch(_bare(line)))


def is_widget_line(line: str) -> bool:
    """Comment-widget chrome: a known phrase, or a short line made of interface words."""
    if _WIDGET_RE.fullmatch(_bare(line)):
        return True
    # Two thirds, so that a one-line comment like "About time" or "Good read" stays text.
    words = re.findall(r"[\w-]+", line.casefold())
    return 0 < len(words) <= 4 and sum(w in _WIDGET_WORDS for w in words) * 3 >= len(words) * 2


def _is_label(line: str) -> bool:
    """A short line without sentence punctuation or a list bullet: a button, a name."""
    return (_words(line) <= 6 and len(line) <= 40 and not _SENTENCE_END.search(line)
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
    if any(t.casefold().strip(".") in _WIDGET_WORDS for t in tokens):
        return None
    for i, t in enumerate(tokens):
        domain = re.fullmatch(r"[\w-]+(?:\.[\w-]+)+", t)
        if not (t[0].isupper() or t[0].isdigit() or domain or t == "&"
                or (i and t in {"of", "the", "and", "for", "on", "in", "de", "la"})):
            return None
    return s.rstrip(".") or None


def is_caption(p: Para) -> bool:
    return _words(p.text) <= 60 and bool(_CAPTION.search(p.text) or _WIRE_CREDIT.search(p.text))


# ---------------------------------------------------------------------------------------
# Sections: headline | body | footer | thread


def split_headline(paras: list[Para]) -> tuple[str, list[Para]]:
    """The first line as headline; the rest, without a repeat of the headline."""
    if not paras:
        return "", []
    first = paras[0]
    headline = first.lines[0]
    rest = ([Para(first.lines[1:], 1)] if len(first.lines) > 1 else []) + paras[1:]
    if rest and _key(rest[0].lines[0]) == _key(headline):
        rest[0] = Para(rest[0].lines[1:], rest[0].gap)
        if not rest[0].lines:
            rest.pop(0)
    return headline, rest


def _author_para(p: Para) -> tuple[str | None, str | None] | None:
    """(author, date) when the paragraph is a comment's author line, else None. Shapes:
    "Name", "Name says:", "Name on June 4, 2019", "Name • 3 years ago", "Name" + date line."""
    head, *more = p.lines
    date = None
    for line in more:
        d = parse_date(_DATE_LABEL.sub("", line))
        if not d and not is_widget_line(line):
            return None
        date = date or d
    head = _AUTHOR_SUFFIX.sub("", head)
    parts = re.split(r"\s+(?:on|at|[•·|–—-])\s+", head, maxsplit=1)
    if len(parts) == 2 and (parse_date(parts[1]) or is_widget_line(parts[1])):
        head, date = parts[0], date or parse_date(parts[1])
    if head.casefold() in _PLACEHOLDER_AUTHORS:
        return None, date  # "Guest" is the widget's word for "no name given"
    name = person_name(head)
    return (name, date) if name else None


def _is_author_then_text(paras: list[Para], i: int) -> bool:
    return (i + 1 < len(paras) and _author_para(paras[i]) is not None
            and _author_para(paras[i + 1]) is None and not _is_label(paras[i + 1].text))


def _heading_author(lines: tuple[str, ...]) -> tuple[str | None, str | None] | None:
    """The first comment's author when it is glued under the widget's labels: the last
    line ("…\nView all comments\njens holm") or the last two ("Name says:" + a date)."""
    for k in (2, 1):
        found = _author_para(Para(lines[-k:], 1)) if len(lines) > k else None
        if found and found[0]:
            return found
    return None


def _starts_thread(rest: list[Para], i: int) -> bool:
    """What follows a block of labels looks like comments: an author line (glued under the
    labels or next) followed by text, or the labels are widget words."""
    lines, nxt = rest[i].lines, (rest[i + 1] if i + 1 < len(rest) else None)
    # Two labels and a name could be a fact box ("Key facts / Capital Oslo"): a widget
    # known only by the author glued under it needs at least two labels above that name.
    return (any(is_widget_line(x) for x in lines)
            or (len(lines) >= 3 and nxt is not None and _heading_author(lines) is not None
                and _author_para(nxt) is None and not _is_label(nxt.text))
            or _is_author_then_text(rest, i + 1))


def find_thread(rest: list[Para]) -> int:
    """Index of the paragraph that starts the comment section (len(rest) when none)."""
    after_body = range(1, len(rest))
    for i in after_body:  # a known widget heading, maybe with a site name or count line
        lines = rest[i].lines
        if any(is_thread_opener(x) for x in lines) and all(
                is_thread_opener(x) or is_widget_line(x) or _is_label(x) for x in lines):
            return i
    for i in after_body:  # an unknown widget: labels on consecutive lines after a break
        p = rest[i]
        if (p.gap >= 2 and len(p.lines) >= 2
                and all(_is_label(x) or is_widget_line(x) for x in p.lines)
                and not _BOILERPLATE.search(p.text) and _starts_thread(rest, i)):
            return i
    # No widget: a break longer than any inside an article, then "name / text". Shorter
    # breaks followed by "Subheading / text" are common in bodies, so they do not count.
    for i in after_body:
        if rest[i].gap >= THREAD_BREAK and _is_author_then_text(rest, i):
            return i
    return len(rest)


def _is_footer_block(block: list[Para]) -> bool:
    """Short lines (site name, links, share buttons, ©) rather than article prose."""
    if not block or len(block) > 12 or any(re.search(r"[\"“”«»]", p.text) for p in block):
        return False
    return all(_words(p.text) <= 20 and (not _is_sentence(p.text) or _BOILERPLATE.search(p.text))
               for p in block)


def _is_loose_boilerplate(p: Para) -> bool:
    """Footer text in the body's last paragraphs (no doubled blank line before it)."""
    return _words(p.text) <= 20 and bool(
        _LEGAL.search(p.text) or (_BOILERPLATE.search(p.text) and not _is_sentence(p.text)))


def split_footer(paras: list[Para]) -> tuple[list[Para], list[Para]]:
    """(article paragraphs, footer paragraphs): the footer follows a doubled blank line."""
    cut = len(paras)
    for start in reversed([i for i in range(1, len(paras)) if paras[i].gap >= 2]):
        if len(paras) - start > MAX_FOOTER_PARAS or not _is_footer_block(paras[start:cut]):
            break
        cut = start
    end = cut
    while cut > 1 and _is_loose_boilerplate(paras[cut - 1]):
        cut -= 1
    if end > cut > 1 and site_name(paras[cut - 1].text):
        cut -= 1  # the bare site name above "© …" / "Subscribe …"
    return paras[:cut], paras[cut:]


def _trailing_footer(thread: list[Para]) -> tuple[list[Para], list[Para]]:
    """A site footer after the comments, told from an anonymous comment by its boilerplate."""
    starts = [i for i in range(1, len(thread)) if thread[i].gap >= 2]
    if starts and _is_footer_block(thread[starts[-1]:]) and any(
            _BOILERPLATE.search(p.text) for p in thread[starts[-1]:]):
        return thread[:starts[-1]], thread[starts[-1]:]
    return thread, []


def source_of(footer: list[Para]) -> str | None:
    """The site a footer names: "© 2021 Name. All rights reserved.", or its first line
    when that is "Name: tagline" or "Name" alone; share bars and links name none."""
    for p in footer:
        if _LEGAL.search(p.text):
            s = re.sub(r"all rights reserved\.?|©|\(c\)|copyright|\b\d{4}(?:\s*[-–]\s*\d{4})?\b",
                       "", p.text, flags=re.I)
            name = site_name(s.strip(" .,|–—-:"))
            if name:
                return name
    if not footer:
        return None
    first = footer[0].lines[0]
    for sep in (":", " | ", " — ", " – ", " - "):
        if sep in first:
            return site_name(first.split(sep, 1)[0])
    return site_name(first)


def split_captions(paras: list[Para]) -> tuple[list[str], list[Para]]:
    return [p.text for p in paras if is_caption(p)], [p for p in paras if not is_caption(p)]


def _byline(s: str) -> tuple[list[str], str | None] | None:
    """(authors, date) when a line is only a byline and/or a date, else None."""
    date = parse_date(_DATE_LABEL.sub("", s))
    if date:
        return [], date
    m = _BYLINE.match(s.strip("()— "))
    if not m:
        return None
    names = [n.strip() for n in re.split(r"\band\b|&", m["names"]) if n.strip()]
    if not names or not all(site_name(n) for n in names):
        return None
    rest = (m["rest"] or "").strip()
    date = parse_date(_DATE_LABEL.sub("", rest)) if rest else None
    if rest and not date and not re.match(r"editing by ", rest, re.I):
        return None
    return names, date


def split_byline(paras: list[Para]) -> tuple[list[str], str | None, list[Para]]:
    """Authors and date from byline/dateline paragraphs at the top or bottom of the body."""
    authors: list[str] = []
    published = None
    body = list(paras)
    for at in (0, 0, -1):  # up to two lines at the top ("By …", "Published: …"), one below
        if len(body) < 2 or len(body[at].lines) > 2 or _words(body[at].text) > 15:
            continue
        found = _byline(body[at].text)
        if found:
            authors += [a for a in found[0] if a not in authors]
            published = published or found[1]
            del body[at]
    return authors, published, body


def parse_comments(paras: list[Para]) -> list[Comment]:
    """Comments from the widget heading (or first author line) to the end of the thread."""
    comments: list[tuple[str | None, str | None, list[str]]] = []
    pending: tuple[str | None, str | None] | None = None
    for i, p in enumerate(paras):
        if comments and any(_THREAD_END.fullmatch(_bare(x)) for x in p.lines):
            break
        if i == 0:  # the heading, maybe with the first author under it; or that author
            found = _author_para(p) or _heading_author(p.lines)
            pending = found if found and found[0] and len(paras) > 1 else None
            continue
        lines = [x for x in p.lines if not is_widget_line(x)]
        if not lines:
            continue
        date = parse_date(_DATE_LABEL.sub("", p.text)) if len(lines) == 1 else None
        if pending is not None and date:
            pending = (pending[0], pending[1] or date)  # "Name says:" / blank / "June 4, 2019"
            continue
        found = _author_para(Para(tuple(lines), p.gap))
        if found and i + 1 < len(paras) and _author_para(paras[i + 1]) is None:
            pending = found
            continue
        if pending is not None or p.gap >= 2 or not comments:
            author, date = pending or (None, None)
            comments.append((author, date, [" ".join(lines)]))
            pending = None
        else:
            comments[-1][2].append(" ".join(lines))
    return [Comment(join_paragraphs(t), a, d) for a, d, t in comments]


# ---------------------------------------------------------------------------------------


def parse(text: str, path: str) -> Article:
    """One plain-text dump as an Article; `path` is kept exactly as given."""
    headline, rest = split_headline(to_paragraphs(text))
    cut = find_thread(rest)
    article, footer = split_footer(rest[:cut])
    thread, end_footer = _trailing_footer(rest[cut:])
    captions, body_paras = split_captions(article)
    body_paras = [p for p in body_paras if not _BODY_CHROME.fullmatch(_bare(p.text))]
    authors, published, body_paras = split_byline(body_paras)
    warnings: list[str] = []
    body = join_paragraphs([p.text for p in body_paras])
    body = truncate(body, MAX_FIELD_CHARS, "body", warnings)
    comments = parse_comments(thread)
    if len(comments) > MAX_COMMENTS:
        warnings.append(f"comments cut from {len(comments):,} to {MAX_COMMENTS:,}")
        comments = comments[:MAX_COMMENTS]
    comments = [
        Comment(truncate(c.text, MAX_COMMENT_CHARS, "comment", warnings), c.author, c.published)
        for c in comments
    ]
    return Article(
        id=make_id(headline, None, path, text),
        path=path,
        headline=headline,
        body=body,
        source=source_of(footer) or source_of(end_footer),
        authors=tuple(authors),
        published=published,
        captions=tuple(captions),
        quotes=tuple(find_quotes(body)),
        comments=tuple(comments),
        warnings=tuple(warnings),
    )
