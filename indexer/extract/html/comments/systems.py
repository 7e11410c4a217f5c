"""Reader-comment markup, as data: what marks one comment, its author, date and text.

Saved pages carry the markup of a handful of comment systems (WordPress, wpDiscuz, Disqus,
Livefyre, Viafoura, Blogger, TypePad, Drupal, schema.org) and many home-made ones that
follow the same habits: one element per comment whose class or id says "comment", an
author element, a date, a text element, and chrome (reply, vote, report) around them.
`threads` reads class and id tokens lower-cased against these patterns.
"""

from __future__ import annotations

import re

# A first, cheap cut on "class id itemtype" lower-cased: could this element matter?
SCAN_WORDS = re.compile(
    r"comment|talkback|respond|discuss|reaction|repl|disqus|dsq|fyre|vf-|wpd|post-list"
    r"|sidebar|widget|recent|latest|popular|most|leaderboard|(?:^|\s)c\d{5}"
)

# A class token that marks ONE comment: "comment", "wpd-comment", "dsq-comment",
# "comment-item", "usercomment", "comment_box", "highlander-comment", "talkback-item"...
# Prefixes that make the token a link or a form ("post-comment", "add-comment") or a
# sidebar list ("recent-comment") are excluded by NOT_ITEM_TOKEN.
ITEM_TOKEN = re.compile(
    r"(?:[a-z]+[-_]?)?(?:comment|talkback)"
    r"(?:[-_]?(?:item|entry|box|wrap|wrapper|container|block|row|single|node|unit|li|div"
    r"|holder|cell|inner|body|main|thread-item|text|content|post))?"
    r"|(?:[a-z]+[-_]?)?(?:comments|talkbacks)[-_]?(?:item|entry|row|single|unit|li|body)"
    r"|fyre-comment-wrapper|vf-comment"
)
# Disqus calls each comment "post" ("li.post" inside "ul.post-list").
DISQUS_ITEM = "post"
NOT_ITEM_TOKEN = re.compile(
    r"(?:post|add|leave|no|form|write|count|recent|latest|top|popular|most|share|submit|view"
    r"|show|read|hide|toggle|new|reply|your|make|num|total|has|open|closed|close|allow"
    r"|login|fb|facebook|sidebar|widget|related|get|do|js)[-_]?(?:comment|talkback).*"
)
# An id like WordPress's "comment-123", "li-comment-123", TypePad's "comment-6a00e5...".
ITEM_ID = re.compile(
    r"(?:(?:li|div|dsq|comment)[-_])?comment[-_]?(?:\d+|[0-9a-f]{10,})"
    r"|c\d{5,}"  # Movable Type and TypePad: <div id="c115850">
)
SCHEMA_COMMENT = re.compile(r"schema\.org/(?:Comment|UserComments)\b", re.I)
# Tags a comment can be; a link or a span with class "comment" is a count or a button.
ITEM_TAGS = frozenset(
    "div li article section dl dd table tbody tr td blockquote p aside".split())

# The author: a class token like these (Disqus "author", WordPress "fn", Livefyre
# "fyre-comment-username", Viafoura "vf-username"), <cite>, or itemprop author/creator.
AUTHOR_TOKEN = re.compile(
    r"fn|nick(?:name)?|cite|vcard"
    r"|.*(?:author|user[-_]?name|username|commenter|poster|screen[-_]?name|display[-_]?name)"
    r".*|(?:comment|post|user|member|reader)[-_]?(?:name|by|user|info)|name|user|byline|who"
)
# Tokens that look like an author's but hold a picture or a link list.
# "AboutAuthor" and "author-bio" boxes are the article writer's, never a commenter's.
NOT_AUTHOR_TOKEN = re.compile(
    r".*(?:avatar|photo|image|img|pic|icon|thumb|link|url|about|bio(?:graphy)?\b|bio[-_]).*")
# The date: <time>, itemprop dateCreated/datePublished, or a class token like these.
DATE_TOKEN = re.compile(
    r".*(?:date|time|posted|published|when|ago).*|meta|comment[-_]?meta|commentmetadata"
    r"|comment[-_]?(?:info|details|header|footer)|post[-_]?meta|byline|submitted|stamp"
    r"|signature"  # Squarespace: "October 22, 2012 | Ben Stopford" under the text
)
# The text: a class token like these (WordPress "comment-content", Disqus "post-message",
# wpDiscuz "wpd-comment-text", Viafoura "vf-comment-html"), or itemprop text.
TEXT_TOKEN = re.compile(
    r".*(?:content|text|message|comment[-_]?body|commentbody|html|entry).*|body|msg|quote"
)
# Chrome inside a comment: buttons, votes, avatars, share and report links, nested forms.
CHROME_TOKEN = re.compile(
    r".*(?:reply|report|flag|vote|voting|like|rating|avatar|action|toolbar|tools|share"
    r"|permalink|button|btn|abuse|moderat|controls|links|karma|points|score|badge"
    r"|gravatar|photo|hidden|count|number|num).*|(?:.*[-_])?edit(?:[-_].*)?"
)
CHROME_TAGS = frozenset("form button img input textarea select label svg iframe".split())

# A wrapper of replies placed after the comment they answer (Drupal's "indented").
REPLIES_TOKEN = re.compile(r"indented|indent|children|replies|comment-replies|sub-?comments?")
# An element whose class/id says "the comment section" (the thread, its heading, its form).
SECTION_TOKEN = re.compile(
    r"(?:.*[-_])?respond(?:[-_].*)?"  # "respond", "comment-respond"; not "correspondents"
    r"|.*(?:comment|discussion|disqus|dsq|reactions|talkback|replies|wpdcom|wpd-"
    r"|fyre|livefyre|viafoura|vf-).*"
)
# ...but not one of these, which are sidebar lists or links to the comments elsewhere.
NOT_SECTION_TOKEN = re.compile(
    r".*(?:recent|latest|popular|most|widget|sidebar|count|link|num|icon).*"
)
# Comment forms and "comments are closed" notes: removed even when no comment is found.
# (ids are compared as written: "commentForm" is as common as "commentform")
FORM_IDS = frozenset({"respond", "commentform", "comment-form", "commentsform", "commentForm",
                      "commentsForm"})
FORM_CLASSES = frozenset({"comment-respond", "comment-form", "nocomments", "comments-closed"})
# Forms stay in the tree when they are this long: a mislabelled wrapper, not a form.
FORM_MAX_CHARS = 1500

# An ancestor this item must never be inside: sidebars of "Recent comments" and the like.
NOT_THREAD_ANCESTOR = re.compile(
    r"(?:(?:left|right|primary|secondary)[-_]?)?sidebar(?:[-_]?\d+)?"
    r"|widget[-_]?(?:recent|latest|popular|top|most).*|.*(?:recent|latest)[-_]?comments?.*"
    r"|.*most[-_]?(?:commented|read|popular).*|.*popular[-_]?(?:comments?|posts?).*"
    r"|.*leaderboard.*"
)

# "Name says:", "Posted by Name", "Name wrote:": the words are the widget's, not the name.
AUTHOR_NOISE = re.compile(
    r"^\s*(?:(?:posted|written|submitted|comment(?:ed)?|added)\s+)?by\s*:?\s*"
    r"|\s*(?:says|said|wrote|writes|commented)\s*(?:\.{3}|…|:)?\s*$",
    re.I,
)
# A web address or a number before the name ("http://twitter.com/ann Ann Lee", "2. Ann"),
# and what some widgets put after it ("Ann Posted: 11/6/2012", "ann • 15 minutes ago").
AUTHOR_URL = re.compile(r"^\s*(?:(?:https?://|www\.)\S+|#?\d+[.):]?)\s+(?=\S)", re.I)
AUTHOR_TAIL = re.compile(
    r"\s+(?:posted|added|commented|replied)\b.*$|\s*[•·]\s.*$"
    r"|\s+\(?(?:from\s+)?(?:\d+|an?)\s+(?:second|minute|hour|day|week|month|year)s?\s+ago\b.*$"
    r"|\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}"
    r"(?:st|nd|rd|th)?\b.*$",
    re.I,
)
# Names a widget shows when none was given.
PLACEHOLDER_AUTHORS = frozenset(
    {"anonymous", "guest", "unknown", "anon", "reply", "profile", "permalink", "link", "website",
     "avatar", "report", "more", "full", "published", "posted", "updated", "submitted",
     "written", "added", "comment", "comments", "said", "says"})
# An empty thread's box is short: its heading, the "no comments" line, a link to a form.
EMPTY_BOX_CHARS = 300
# Whole texts that are an empty thread, not a comment.
NO_COMMENTS = re.compile(
    r".*(?:no comments|be the first|first to comment|comments? (?:are|is) (?:closed|disabled)"
    r"|comments? (?:have|has) (?:been )?(?:closed|disabled)|start the (?:discussion|conversation)"
    r"|leave a (?:comment|reply)|there are no (?:comments|responses|replies)"
    r"|log ?in to (?:comment|post)).*",
    re.I | re.S,
)
# Inline styles that hide an element from readers.
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
