"""The digest of a raw input item, before extraction: what `update` compares to skip it.

Two items with the same digest extract to the same Article, so an `update` that finds an
item's digest in the index does not read it again. The digest covers everything that
extraction depends on: the item's bytes (the file, the JSON line, the archived page), its
path (stored in the Article, and part of the id when there is no URL), its key below its
source, its format, what an archive says of it (URL, fetch time, Content-Type), the
extractor's own version (EXTRACTOR_VERSION, bumped by hand whenever extraction changes)
and the versions of the libraries that shape what it extracts.
"""

from __future__ import annotations

import functools
import hashlib
from importlib.metadata import PackageNotFoundError, version

from indexer.discover import Item
from indexer.extract import EXTRACTOR_VERSION

# Libraries whose upgrade can change an extracted Article: the HTML parser (and the C
# library under it), the fallback parser, the slug of ids and its transliteration, the
# web archive reader.
LIBRARIES = ("lxml", "beautifulsoup4", "python-slugify", "text-unidecode", "warcio")
CHUNK = 1 << 20


@functools.cache
def extraction_versions() -> str:
    """EXTRACTOR_VERSION and the versions of LIBRARIES (and libxml2), as one string."""
    parts = [f"extractor={EXTRACTOR_VERSION}"]
    for name in LIBRARIES:
        try:
            parts.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name}=none")
    try:
        from lxml import etree

        parts.append("libxml2=" + ".".join(map(str, etree.LIBXML_VERSION)))
    except ImportError:
        parts.append("libxml2=none")
    return ";".join(parts)


def input_digest(item: Item) -> str:
    """32 hex digits for `item` as it is now; "" when its file cannot be read (then the
    item is read, and fails, as without a digest)."""
    # repr of the tuple: quoted and escaped, so no two tuples give the same text
    head = repr((extraction_versions(), item.format, item.path, item.key, item.url,
                 item.fetched, item.content_type))
    h = hashlib.blake2b(head.encode("utf-8", "surrogateescape"), digest_size=16)
    if item.data is not None:
        h.update(b"d")
        h.update(item.data)
        return h.hexdigest()
    h.update(b"f")
    try:
        with open(item.path, "rb") as f:
            while chunk := f.read(CHUNK):
                h.update(chunk)
    except OSError:
        return ""
    return h.hexdigest()
