"""The baselines of bench/relevance.py: SQLite FTS5 and plain Whoosh over the same articles.

Built the way ../shared/tools/peer_bench.py builds them (FTS5 with the porter tokenizer and
bm25() with the headline weighted 3 to the body's 1; Whoosh 2.7.4 with its StemmingAnalyzer,
a headline field_boost of 3 and its default BM25F), over the headline and the body only,
each in memory. Both read the query as an OR of its words.
"""

from __future__ import annotations

import re
import sqlite3

HEADLINE_WEIGHT = 3.0  # peer_bench.py's weight for the headline (body 1.0)


class Fts5:
    name = "fts5"

    def __init__(self, articles: list[dict]):
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE a USING fts5(headline, body, tokenize='porter')")
        self.ids = [a["id"] for a in articles]
        self.db.executemany("INSERT INTO a(rowid, headline, body) VALUES (?, ?, ?)",
                            [(n, a.get("headline") or "", a.get("body") or "")
                             for n, a in enumerate(articles, 1)])

    def rank(self, text: str, limit: int) -> list[str]:
        """The top `limit` ids for an OR of the text's words (each quoted: no operators)."""
        words = re.findall(r"\w+", text)
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)  # \w+ holds no double quote
        rows = self.db.execute(
            "SELECT rowid FROM a WHERE a MATCH ? ORDER BY bm25(a, ?, 1.0), rowid LIMIT ?",
            (match, HEADLINE_WEIGHT, limit)).fetchall()
        return [self.ids[rowid - 1] for (rowid,) in rows]

    def close(self) -> None:
        self.db.close()


class PlainWhoosh:
    name = "plain-whoosh"

    def __init__(self, articles: list[dict]):
        from whoosh import fields
        from whoosh.analysis import StemmingAnalyzer
        from whoosh.filedb.filestore import RamStorage
        from whoosh.qparser import MultifieldParser, OrGroup

        sa = StemmingAnalyzer()
        schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                               headline=fields.TEXT(analyzer=sa, field_boost=HEADLINE_WEIGHT),
                               body=fields.TEXT(analyzer=sa))
        self.ix = RamStorage().create_index(schema)
        with self.ix.writer() as w:
            for a in articles:
                w.add_document(id=a["id"], headline=a.get("headline") or "",
                               body=a.get("body") or "")
        self.parser = MultifieldParser(["headline", "body"], schema, group=OrGroup)
        self.searcher = self.ix.searcher()  # default weighting: BM25F

    def rank(self, text: str, limit: int) -> list[str]:
        """The top `limit` ids for the text read by Whoosh's own parser, words ORed."""
        hits = self.searcher.search(self.parser.parse(text), limit=limit)
        return [h["id"] for h in hits]

    def close(self) -> None:
        self.searcher.close()
