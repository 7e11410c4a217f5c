"""What `scrapesearch stats` reports about the live index."""

from __future__ import annotations

import os
from typing import Any

from whoosh import index as whoosh_index

from indexer import generations
from indexer.errors import NoIndexError


def index_stats(index_dir: str) -> dict[str, Any]:
    gen = generations.current_path(index_dir)
    if gen is None:
        raise NoIndexError(f"there is no index in {index_dir} yet; build one with "
                           "`scrapesearch reindex SOURCE...`")
    ix = whoosh_index.open_dir(gen)
    with ix.reader() as r:
        documents = r.doc_count()
        segments = len(ix._segments())
    size = sum(os.path.getsize(os.path.join(gen, n)) for n in os.listdir(gen)
               if os.path.isfile(os.path.join(gen, n)))
    return {
        "index_dir": os.path.abspath(index_dir),
        "generation": os.path.basename(gen),
        "documents": documents,
        "segments": segments,
        "size_bytes": size,
        "report": generations.read_report(gen) or {},
    }
