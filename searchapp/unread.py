"""What `update` leaves unread: input items whose digest the index already has.

An item whose input digest (indexer/digest.py) is one the index recorded for an article
extracts to that same article again, so `update` does not read it: its article counts as
seen (it is not removed) and unchanged. Only new and changed items go to the extraction
pool.

Input order still decides between items that share an id, as in `reindex` (the later one
wins). An item that lost to a later one is never recorded, so it is always read; its
article is dropped when a later unread item is already known to have its id, and when that
later item only turns up after the article was written, the later item is read again at
the end (`to_read_again`) and written over it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from indexer.digest import input_digest
from indexer.discover import Item, Unchanged
from indexer.work import Extracted
from searchapp.backends.base import Known


class Unread:
    """The bookkeeping of one update: which items went unread, and where they were."""

    def __init__(self, known: dict[str, Known]):
        # input digest -> the id of the article the index has from it
        self.by_input = {k.input: i for i, k in known.items() if k.input}
        self.claimed: dict[str, tuple[int, str]] = {}  # id -> (position, digest) of the
        # last unread item with that id
        self.at: dict[str, int] = {}  # digest of an item sent to be read -> its position
        self.written: dict[str, int] = {}  # id -> position of the last read item written
        self.unread = 0

    def sift(self, entries: Iterable, seen: set[str]) -> Iterator:
        """`entries` (discover.iter_items) with their digests made, and the items the index
        already has replaced by `Unchanged`; their ids go into `seen`."""
        for position, entry in enumerate(entries):
            if isinstance(entry, Item):
                digest = input_digest(entry)
                article_id = self.by_input.get(digest) if digest else None
                if article_id is not None:
                    self.claimed[article_id] = (position, digest)
                    seen.add(article_id)
                    self.unread += 1
                    yield Unchanged(entry.path, entry.size)
                    continue
                self.at[digest] = position
                entry = dataclasses.replace(entry, digest=digest)
            yield entry

    def loses(self, r: Extracted) -> bool:
        """True when an unread item after r's has r's id (it wins, as in reindex)."""
        return self.claimed.get(r.id, (-1, ""))[0] > self.at.get(r.input, -1)

    def wrote(self, r: Extracted) -> None:
        self.written[r.id] = self.at.get(r.input, -1)

    def to_read_again(self) -> set[str]:
        """Digests of unread items that must be read after all: an article read from an
        earlier item with the same id was written over theirs."""
        return {digest for article_id, (position, digest) in self.claimed.items()
                if self.written.get(article_id, position) < position}


def items_again(entries: Iterable, digests: set[str]) -> Iterator[Item]:
    """The items of `entries` whose digest is one of `digests`, digests made."""
    for entry in entries:
        if isinstance(entry, Item):
            digest = input_digest(entry)
            if digest in digests:
                yield dataclasses.replace(entry, digest=digest)
