"""Words that must meet in one quote or one comment, and the person filters tied to them.

`speaker:popov ceasefire` in the quotes scope asks for a quote by Popov that says
"ceasefire"; `q=strike&scope=quotes&speaker=Declan Ofori` the same of the filter. Every
backend asks these functions which items of a query go together (entry_groups, tie,
entry_facet) and checks an article's entries with them where it reads Articles.
"""

from __future__ import annotations

from functools import lru_cache

from searchapp import people
from searchapp.analysis import terms
from searchapp.backends.base import Highlights
from searchapp.fields import COMMENTER, COMMENTS, FIELD_PREFIXES, QUOTES, SPEAKER, facet_value
from searchapp.search.matcher import Token, Wanted, add_leaf, leaf_targets
from searchapp.search.parser import And, Exact, Not, Or, Phrase, Word

# -- words that must meet in one quote or one comment ----------------------------------------
#
# `speaker:popov ceasefire` in the quotes scope asks for a quote by Popov that says
# "ceasefire", not an article with some quote by Popov and some other quote saying it.
# So in an AND, the items that search only quotes (speaker:, quote:, and plain words when
# the scope is quotes) must match within one quote when one of them names the speaker;
# likewise commenter:, comment: and plain words in the comments scope within one comment.
# Without a person among them, items match anywhere in the article, as before; items under
# a NOT are never grouped (an excluded word is excluded from the whole article).

ENTRY_PERSON = {QUOTES: "speaker", COMMENTS: "commenter"}
KIND_OF_PERSON = {SPEAKER: QUOTES, COMMENTER: COMMENTS}
_KIND_OF = {QUOTES: QUOTES, "speaker": QUOTES, COMMENTS: COMMENTS, "commenter": COMMENTS}

def entry_kind(node, scope: str) -> str | None:
    """QUOTES or COMMENTS when every leaf of `node` searches only that kind of entry."""
    if isinstance(node, Exact):
        return KIND_OF_PERSON.get(node.name)
    if isinstance(node, Word | Phrase):
        kinds = {_KIND_OF.get(t) for t in leaf_targets(node, scope)}
        return kinds.pop() if len(kinds) == 1 else None
    if isinstance(node, And | Or):
        kinds = {entry_kind(x, scope) for x in node.items}
        return kinds.pop() if len(kinds) == 1 else None
    return None


def _names_person(node) -> bool:
    if isinstance(node, Exact):
        return True
    if isinstance(node, Word | Phrase):
        return node.field is not None and FIELD_PREFIXES[node.field] in ENTRY_PERSON.values()
    if isinstance(node, And | Or):
        return any(_names_person(x) for x in node.items)
    return False


def entry_groups(items, scope: str) -> tuple[dict[str, list], list]:
    """The items of an AND that must meet in one entry, by kind, and the others."""
    by_kind: dict[str, list] = {}
    rest = []
    for item in items:
        kind = entry_kind(item, scope)
        if kind is None:
            rest.append(item)
        else:
            by_kind.setdefault(kind, []).append(item)
    groups = {}
    for kind, members in by_kind.items():
        if len(members) > 1 and any(_names_person(m) for m in members):
            groups[kind] = members
        else:
            rest.extend(members)
    return groups, rest


# -- the speaker and commenter filters, tied to the entry the words match in -----------------
#
# `q=strike&scope=quotes&speaker=Declan Ofori` asks for Ofori's quotes that say "strike".
# The filter's values go into the tree as an Exact leaf beside the words, where the rule
# above ties it to the one quote the words match in; in a scope where the words are not
# quote-only (all, body) the leaf stands alone and acts as the plain filter. Without words
# there is nothing to tie, and the filter alone does it.


def _items(tree) -> tuple:
    return tree.items if isinstance(tree, And) else (tree,)


def _tied_members(tree, scope: str, name: str) -> list:
    """The items of `tree` a filter of `name` would be tied to (none: it stands alone)."""
    kind = KIND_OF_PERSON[name]
    groups, _ = entry_groups((*_items(tree), Exact(name, ())), scope)
    return [m for m in groups.get(kind, ()) if not isinstance(m, Exact) or m.name != name]


def tie(tree, filters) -> object | None:
    """`tree` with the speaker and commenter filters among `filters` added as Exact leaves.

    In every scope, so that each scope's count is what that scope's search finds: where
    the words are not tied to an entry the leaf only repeats the filter."""
    if tree is None:
        return None
    exact = tuple(Exact(name, tuple(filters[name])) for name in KIND_OF_PERSON
                  if filters.get(name))
    return And((*_items(tree), *exact)) if exact else tree


def untie(tree, name: str):
    """`tree` without the Exact leaf of `name` that `tie` added."""
    if tree is None or not isinstance(tree, And):
        return tree
    items = tuple(x for x in tree.items if not (isinstance(x, Exact) and x.name == name))
    if len(items) == len(tree.items):
        return tree
    if not items:
        return None
    return items[0] if len(items) == 1 else And(items)


def entry_facet(tree, scope: str, name: str):
    """For the speaker or commenter facet: (the tree without its own filter, the items its
    values must meet in one entry with) when its values are counted per entry: a person is
    counted for an article only where one of their own quotes (comments) has the words, as
    selecting them would find. None when they are counted per article, as other facets."""
    if name not in KIND_OF_PERSON or tree is None:
        return None
    rest = untie(tree, name)
    if rest is None:
        return None
    members = _tied_members(rest, scope, name)
    return (rest, members) if members else None


class Entry:
    """One quote or comment as the entry matcher reads it: its text and its person's name
    as written (each analysed on first use, and only when it could hold the words asked
    for: Wanted.could_match), and its person as resolved (`who`, the facet value)."""

    __slots__ = ("kind", "text", "person", "resolved", "_tokens")

    def __init__(self, kind: str, text: str, person: str | None, resolved=None):
        self.kind = kind
        self.text = text
        self.person = person  # as written
        self.resolved = resolved  # people.Person or None
        self._tokens: dict[str, list[Token]] = {}

    @property
    def who(self) -> str | None:
        """The person as the facets count them (None: nobody)."""
        return (facet_value(self.resolved.name) or None) if self.resolved is not None else None

    def has(self, target: str) -> bool:
        return target == self.kind or target == ENTRY_PERSON[self.kind]

    def raw(self, target: str) -> str:
        return self.text if target == self.kind else facet_value(self.person)

    def tokens(self, target: str) -> list[Token]:
        if target not in self._tokens:
            stem = target == self.kind  # the text is stemmed, a name is not
            self._tokens[target] = terms(self.raw(target), stem, stem)
        return self._tokens[target]

    def leaf(self, node, target: str) -> bool | None:
        """Whether the word or phrase `node` is in `target` (None: nothing to look for)."""
        w = _wanted(node, target)
        if w is None:
            return None
        if not w.could_match(self.raw(target)):
            return False
        return bool(w.spans(self.tokens(target)))


@lru_cache(maxsize=512)
def _wanted(node, target: str) -> Wanted | None:
    """What a leaf asks for in one part or name, worked out once for all entries."""
    w = Wanted()
    return w if add_leaf(w, target, node) else None


def entry_match(node, entry: Entry, scope: str) -> bool | None:
    """Whether `node` matches within one entry (None: nothing searchable in it)."""
    if isinstance(node, Exact):
        return entry.who in node.values
    if isinstance(node, Word | Phrase):
        found = None
        for target in leaf_targets(node, scope):
            if not entry.has(target):
                continue
            hit = entry.leaf(node, target)
            if hit is not None:
                found = bool(found) or hit
        return found
    if isinstance(node, Not):
        inner = entry_match(node.item, entry, scope)
        return None if inner is None else not inner
    if isinstance(node, And | Or):
        results = [r for r in (entry_match(x, entry, scope) for x in node.items) if r is not None]
        if not results:
            return None
        return all(results) if isinstance(node, And) else any(results)
    return None


def article_entries(article, kind: str) -> list[Entry]:
    """Every quote (or comment) of `article` as an Entry."""
    if kind == QUOTES:
        return [Entry(kind, q.text, q.speaker, p)
                for q, p in zip(article.quotes, people.speakers(article), strict=True)]
    return [Entry(kind, c.text, c.author, p)
            for c, p in zip(article.comments, people.commenters(article), strict=True)]


def _matches(entry: Entry, members: list, scope: str) -> bool:
    results = [r for r in (entry_match(m, entry, scope) for m in members) if r is not None]
    return bool(results) and all(results)


def in_one_entry(article, kind: str, members: list, scope: str) -> bool:
    """True when one quote (or comment) of `article` matches every member."""
    return any(_matches(e, members, scope) for e in article_entries(article, kind))


def entry_people(article, kind: str, members: list, scope: str) -> set[str]:
    """The people (facet values) of the quotes (comments) of `article` matching every
    member: whom an article is counted for in a facet counted per entry."""
    return {e.who for e in article_entries(article, kind)
            if e.resolved is not None and _matches(e, members, scope)} - {None}


def _positive_groups(tree, scope: str) -> dict[str, list[list]]:
    """Every entry group of the positive ANDs of `tree`, by kind."""
    out: dict[str, list[list]] = {}

    def walk(node) -> None:
        if isinstance(node, And):
            groups, _ = entry_groups(node.items, scope)
            for kind, members in groups.items():
                out.setdefault(kind, []).append(members)
        if isinstance(node, And | Or):
            for item in node.items:
                walk(item)

    if tree is not None:
        walk(tree)
    return out


def only_tied(article, marks: Highlights, tree, scope: str) -> Highlights:
    """`marks` without the spans of the quotes (comments) that are not the ones the query's
    person and words met in: the snippet shown is that person's own quote."""
    groups = _positive_groups(tree, scope)
    if not groups:
        return marks
    kept = {}
    for kind, spans in ((QUOTES, marks.quotes), (COMMENTS, marks.comments)):
        if kind not in groups or not any(spans) or len(spans) != len(
                article.quotes if kind == QUOTES else article.comments):
            kept[kind] = spans
            continue
        entries = article_entries(article, kind)
        kept[kind] = [s if s and any(_matches(e, m, scope) for m in groups[kind]) else []
                      for s, e in zip(spans, entries, strict=True)]
    return Highlights(marks.headline, marks.body, marks.captions, kept[QUOTES],
                      kept[COMMENTS])
