"""The Article record: what every extractor returns and what `extract` prints (DESIGN 3.2)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

from slugify import slugify

# Article ids are looked up in the index, never joined to a path; views accept only this shape.
ID_PATTERN = r"[a-z0-9][a-z0-9-]{0,119}"
SLUG_WORDS_MAX = 60


@dataclass(frozen=True, slots=True)
class Quote:
    text: str
    speaker: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "speaker": self.speaker}


@dataclass(frozen=True, slots=True)
class Comment:
    text: str
    author: str | None = None
    published: str | None = None
    # Index (0-based, in this article's comments) of the comment this one replies to.
    parent: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"author": self.author, "text": self.text, "published": self.published,
                "parent": self.parent}


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    path: str
    headline: str = ""
    body: str = ""
    url: str | None = None
    source: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    lang: str | None = None
    tags: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    comments: tuple[Comment, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form of DESIGN 3.2, keys in the documented order."""
        return {
            "id": self.id,
            "path": self.path,
            "url": self.url,
            "source": self.source,
            "headline": self.headline,
            "authors": list(self.authors),
            "published": self.published,
            "lang": self.lang,
            "tags": list(self.tags),
            "captions": list(self.captions),
            "body": self.body,
            "quotes": [q.as_dict() for q in self.quotes],
            "comments": [c.as_dict() for c in self.comments],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        """Rebuild an Article from its JSON form (trusted input, e.g. the index's stored copy)."""
        return cls(
            id=d["id"],
            path=d.get("path") or "",
            url=d.get("url"),
            source=d.get("source"),
            headline=d.get("headline") or "",
            authors=tuple(d.get("authors") or ()),
            published=d.get("published"),
            lang=d.get("lang"),
            tags=tuple(d.get("tags") or ()),
            captions=tuple(d.get("captions") or ()),
            body=d.get("body") or "",
            quotes=tuple(Quote(q["text"], q.get("speaker")) for q in d.get("quotes") or ()),
            comments=tuple(
                Comment(c["text"], c.get("author"), c.get("published"), c.get("parent"))
                for c in d.get("comments") or ()
            ),
            warnings=tuple(d.get("warnings") or ()),
        )


def source_key(path: str, root: str = "") -> str:
    """What an article's id takes of its input's path: the path below its source folder
    (`root`), or the file's name when the file was given by itself (`root` "").

    `scrape/2024/a.txt` under `scrape` is `2024/a.txt`, and so it stays when the folder is
    moved, mounted elsewhere or typed as `./scrape/../scrape`; a line of a JSON-lines file
    or a page of an archive keeps its `#N`.
    """
    if not root:
        return os.path.basename(path)
    prefix = root if root.endswith(os.sep) else root + os.sep
    if path.startswith(prefix):  # discovery joins names onto the root as given: no lookups
        return path[len(prefix):].replace(os.sep, "/")
    return os.path.relpath(path, root).replace(os.sep, "/")


def make_id(headline: str, url: str | None, key: str, content: str) -> str:
    """A stable id: slug of the headline plus a short hash of the URL, or of the input's
    `source_key` and its content when there is no URL."""
    key = url if url else f"{key}\x00{content}"
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    slug = slugify(headline or "", max_length=SLUG_WORDS_MAX, word_boundary=True)
    return f"{slug}-{digest}" if slug else f"article-{digest}"


def content_hash(article: Article) -> str:
    """Hash of everything extracted (not the path), to spot changed articles on update."""
    d = article.as_dict()
    d.pop("path", None)
    d.pop("warnings", None)
    blob = repr(sorted(d.items())).encode("utf-8", "surrogatepass")
    return hashlib.sha1(blob).hexdigest()
