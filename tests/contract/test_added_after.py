"""What entered the index after a time (Query.added_after), the newest first (ADDED_SORT),
and when the last article entered (newest_added): what saved searches and alerts stand on,
over every backend."""

from __future__ import annotations

import time

from conftest import article, write_jsonl

from searchapp.backends.base import ADDED_SORT, Query, SearchRequest
from searchapp.indexing import reindex, update


def found(backend, **query) -> list[str]:
    page = backend.search(SearchRequest(query=Query(**query), size=50, facets=(),
                                        suggest=False))
    assert page.total == len(page.found)
    return [f.article.id for f in page.found]


def test_added_after_finds_what_entered_later(engine, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = [article(id=f"old-{i}", headline=f"Harbour story {i}",
                     body="Harbour news, harbour talk, harbour ships.",
                     published=f"202{i}-01-01") for i in range(3)]
    write_jsonl(tmp_path / "src.jsonl", first)
    backend = engine.new(tmp_path)
    try:
        reindex(["src.jsonl"], backend, jobs=1)
        mark = backend.newest_added()
        entered = backend.added(["old-0", "old-1", "old-2"])
        assert abs(mark - max(t.timestamp() for t in entered.values())) < 1e-5
        assert found(backend, added_after=mark) == []
        assert len(found(backend, added_after=mark - 3600)) == 3
        time.sleep(0.05)

        # An update: old-1 edited (not new), two new articles, one published long ago.
        write_jsonl(tmp_path / "src.jsonl", [
            first[0], article(id="old-1", headline="Harbour story 1, corrected",
                              body="Harbour news."), first[2],
            article(id="new-a", headline="Harbour opens", body="Harbour news.",
                    published="1999-05-05"),
            article(id="new-b", headline="Ferry strike", body="Ferry news.")])
        update(["src.jsonl"], backend, jobs=1)
        later = backend.newest_added()
        assert later > mark

        assert sorted(found(backend, added_after=mark)) == ["new-a", "new-b"]
        # With the words and filters of a search: only the new matches.
        from searchapp.search.params import SearchParams
        from searchapp.search.service import to_query
        harbour = to_query(SearchParams(q="harbour"))[0]
        q = {"tree": harbour.tree, "added_after": mark}
        assert found(backend, **q) == ["new-a"]
        assert found(backend, **{**q, "sort": ADDED_SORT}) == ["new-a"]
        assert found(backend, added_after=later) == []
        # The words' matches, the last to enter first (not by score).
        assert found(backend, tree=harbour.tree, sort=ADDED_SORT)[0] == "new-a"

        # The newest first: the two new ones (index order between them), then the rest.
        order = [a.id for a in backend.export(Query(sort=ADDED_SORT))]
        assert sorted(order[:2]) == ["new-a", "new-b"]
        assert sorted(order[2:]) == ["old-0", "old-1", "old-2"]
        assert [a.id for a in backend.export(Query(sort=ADDED_SORT, added_after=mark))
                ] == order[:2]
    finally:
        backend.close()

