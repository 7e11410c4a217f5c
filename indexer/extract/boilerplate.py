"""Boilerplate phrases, as data: comment widgets, share bars, site footers, page chrome.

Case-insensitive patterns for whole lines or paragraphs of text that is not the article.
The text-dump extractor uses them to settle what the page structure leaves open; the HTML
extractor tests its text blocks against them (its markup rules are in `html/rules.py`).
"""

from __future__ import annotations

import re

# A whole line that opens a comment section: wpDiscuz, Disqus, WordPress, generic.
THREAD_OPENERS = [
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
WIDGET_LINES = THREAD_OPENERS + [
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
THREAD_END = re.compile(
    r"leave an? (?:reply|comment|response)\b.*|also on (?:[^\s.!?,]+ ?){1,4}", re.I)
# Words that mark a short line as interface text rather than a name or a sentence.
WIDGET_WORDS = frozenset(
    "comment comments reply replies notify newest oldest voted feedback feedbacks login "
    "logout subscribe subscribed sort recommend share shares tweet disqus discussion thoughts "
    "responses upvote downvote powered privacy policy cookies cookie newsletter donate donation "
    "follow related like advertisement advertising sponsored menu search home contact about "
    "terms twitter facebook telegram whatsapp linkedin reddit pinterest email e-mail print "
    "rss tags categories category previous next read support copyright rights reserved".split()
)
# Footer paragraphs that are boilerplate even when written as a sentence.
LEGAL = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved", re.I)
# Phrases that make a short footer paragraph boilerplate: the legal line, calls to
# subscribe, donate, follow or share, links to policies.
BOILERPLATE = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|\bsubscribe\b|\bnewsletter\b"
    r"|\bdonat(?:e|ion)\b|\bfollow us\b|\bshare this\b|\blike this\b|\bsupport (?:our|us|"
    r"independent)\b|\bprivacy policy\b|\bterms of (?:use|service)\b|\bcontact us\b|\bsign up\b"
    r"|\badvertise with us\b|\bour (?:journalism|reporting|mission)\b|\breader-funded\b"
    r"|\bindependent (?:news|journalism|media)\b|\bsince (?:18|19|20)\d\d$",
    re.I,
)
# Whole paragraphs inside a body that are page chrome, not article text.
BODY_CHROME = re.compile(
    r"advertisement|story continues below(?: advertisement)?|continue reading(?: below)?|"
    r"scroll to continue(?: with content)?|sponsored content|"
    r"media playback is (?:unsupported|not supported) on your device",
    re.I,
)
# Whole blocks of an HTML page that are site furniture wherever they appear (anchored):
# share bars, cookie notes, "related" lists, legal lines, blog-theme lines around a post.
FURNITURE_LINE = re.compile(
    r"^(?:advertisement|advertisements?|sponsored(?: content)?|share(?: this)?(?: article| story"
    r"| post| page)?(?: on \w+)?|share on \w+|tweet|email|print|print this(?: page| article)?|"
    r"read more|continue reading|click here.*|related(?: articles| stories| posts| content)?|"
    r"more from .{0,40}|follow us.*|sign up.*|subscribe.*|image \d+ of \d+|"
    r"(?:photo|image|picture|video)(?: credit)?:? ?.{0,40}|getty images|ap photo.{0,30}|"
    r"reuters|loading\W*|please enable javascript.*|"
    r"we use cookies.*|this (?:site|website) uses cookies.*|accept(?: all)? cookies|"
    r"back to top|top of page|skip to (?:main )?content|comments?|\d+ comments?|"
    r"leave a (?:comment|reply)|you might also like|recommended(?: for you)?|"
    r"most (?:read|popular|viewed|shared)|trending(?: now)?|"
    r"(?:next|previous) (?:article|post|story).*|"
    r"tags?:.*|filed under:?.*|topics?:.*|see also:?.*|view comments|all rights reserved.*|"
    r"©.*|copyright ©?.*|\(c\) \d{4}.*|story continues below.*|article continues below.*|"
    # WordPress and blog-theme lines around a post
    r"this entry was posted .{0,200}|posted in .{0,80}|filed under .{0,80}|"
    r"comments? \(\d+\)|no comments?(?: yet)?\.?|no recommendations|"
    r"(?:no )?related (?:posts|content|articles|stories)\W{0,3}|like (?:our|this) (?:site|page)\W*|"
    r"stay connected.{0,40}|follow (?:us|me|@?\w+)(?: on \w+)?\W*|"
    r"if you (?:enjoyed|liked) this (?:post|article).{0,200}|"
    r"(?:bonus|featured|more) (?:galleries|gallery|videos?|photos)\W{0,3}|"
    r"text size\W.{0,40}|[\d,.]+ ?(?:views?|comments?|shares?|likes?|reads?)\b.{0,30})$",
    re.I)

# Wire sign-offs closing a story ("Reuter", "REUTER...^M" in Reuters-21578): boilerplate.
# Only on a line of its own, after a run of spaces or after a full stop ("... he said.
# REUTER"), never in a sentence ("..., a spokesman told Reuters."); see bodytext.
SIGNOFF_WORDS = r"reuters?(?:\^m|\.)*"


def _full(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


# For fullmatch against a line stripped of dots, colons and bullets.
THREAD_OPENER = _full(THREAD_OPENERS)
WIDGET_LINE = _full(WIDGET_LINES)
