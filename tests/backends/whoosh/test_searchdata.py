"""The search data a build writes beside a Whoosh generation (searchdata.py): what a worker
maps equals what it would compute from the segments, after a reindex and after an update
(deletions included); a folder that does not match the generation is not used."""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest
from conftest import article, write_jsonl

from searchapp.backends.base import Query
from searchapp.backends.whoosh import WhooshBackend, building, generations, merge, searchdata
from searchapp.backends.whoosh.arrays import IndexData
from searchapp.backends.whoosh.schema import HASH, ID, INPUT, PATH
from searchapp.backends.whoosh.snapshot import open_generation
from searchapp.indexing import reindex, update

PEOPLE = ["Ann Øst", "Bo", "Chloé Dupont", "Dmitri", "Eve"]


def records(n: int, version: str = "") -> list[dict]:
    return [article(id=f"a-{i}", headline=f"Harbour {i} {version}", body="Quiet. " * (i % 5 + 1),
                    source=f"Source {i % 3}", published=f"20{10 + i % 9}-01-0{1 + i % 8}",
                    quotes=[{"text": "We will rebuild.", "speaker": PEOPLE[i % 5]}],
                    comments=[{"author": PEOPLE[(i + 1) % 5], "text": "Agreed."}] * (i % 3))
            for i in range(n)]


def assert_same(mapped: searchdata.SearchArrays, computed: searchdata.SearchArrays) -> None:
    assert mapped.n == computed.n
    assert np.array_equal(mapped.live, computed.live)
    assert np.array_equal(mapped.published, computed.published)
    assert np.array_equal(mapped.ncomments, computed.ncomments)
    assert mapped.lengths.keys() == computed.lengths.keys()
    for f in computed.lengths:
        assert np.array_equal(mapped.lengths[f], computed.lengths[f]), f
    assert mapped.avg_length == pytest.approx(computed.avg_length)
    assert mapped.facets.keys() == computed.facets.keys()
    for f, fa in computed.facets.items():
        ma = mapped.facets[f]
        assert list(ma.values) == list(fa.values), f
        for name in ("docs", "ords", "starts"):
            assert np.array_equal(getattr(ma, name), getattr(fa, name)), (f, name)


def assert_known_as_stored(index_dir) -> dict:
    """The (path, hash, input) table `update` reads equals the stored fields of the live
    documents."""
    path = generations.current_path(str(index_dir))
    with open_generation(path).searcher() as s:
        r = s.reader()
        table = searchdata.load_known(path, r.generation(), r.doc_count_all())
        stored = searchdata.known_of(s, ID, PATH, HASH, INPUT)
    assert table is not None and table == stored
    assert all(digest and source for _, digest, source in table.values())
    return table


def live_data(index_dir) -> tuple[IndexData, searchdata.SearchArrays]:
    path = generations.current_path(str(index_dir))
    searcher = open_generation(path).searcher()
    return IndexData(searcher, path), searchdata.compute(searcher)


@pytest.fixture
def facet_reads(monkeypatch) -> list[str]:
    """The segment ids whose facet postings are read, as searchdata reads them."""
    read: list[str] = []
    real = searchdata._facet

    def spy(leaves, *args):
        read.extend(searchdata.segment_id(seg) for seg, _ in leaves)
        return real(leaves, *args)

    monkeypatch.setattr(searchdata, "_facet", spy)
    return read


@pytest.fixture(params=["several segments", "one segment"])
def built(tmp_path, monkeypatch, request):
    if request.param == "several segments":
        monkeypatch.setattr(building, "WRITER_MEMORY", 20_000)
        monkeypatch.setattr(merge, "KEEP_SEGMENTS", 1000)  # the build leaves them unmerged
    src = write_jsonl(tmp_path / "in.jsonl", records(40))
    index_dir = tmp_path / "idx"
    reindex([str(src)], WhooshBackend(str(index_dir)), jobs=1)
    return tmp_path, index_dir, request.param


def test_a_reindex_writes_what_a_worker_maps(built):
    _, index_dir, layout = built
    data, computed = live_data(index_dir)
    try:
        assert (len(data.leaves) > 1) == (layout == "several segments")
        assert data.mapped
        assert isinstance(data.live, np.memmap) and isinstance(data.published, np.memmap)
        assert_same(searchdata.SearchArrays(data.n, data.live, data.lengths, data.avg_length,
                                            data.facets, data.published, data.ncomments),
                    computed)
        assert data.facets["speaker"].values.get("Chloé Dupont") is not None
        assert int(computed.live.sum()) == 40
        assert len(assert_known_as_stored(index_dir)) == 40
    finally:
        data.searcher.close()


def test_an_update_writes_them_again_for_its_commit(built, facet_reads):
    tmp_path, index_dir, layout = built
    before = generations.current_path(str(index_dir))
    with open_generation(before).reader() as r:
        segments_before = [searchdata.segment_id(seg) for seg, _ in r.leaf_readers()]
    changed = records(40, version="new")[:5] + records(40)[5:30]  # 5 edited, 10 removed
    src = write_jsonl(tmp_path / "in.jsonl", changed)
    before_known = assert_known_as_stored(index_dir)
    facet_reads.clear()
    update([str(src)], WhooshBackend(str(index_dir)), jobs=1)
    path = generations.current_path(str(index_dir))
    with open_generation(path).reader() as r:
        segments_after = [searchdata.segment_id(seg) for seg, _ in r.leaf_readers()]
    # Only the segments after those both generations have first, in the same order, were
    # read for the facets; the rest came from the live generation's search data.
    shared = 0
    while shared < min(len(segments_before), len(segments_after)) and \
            segments_after[shared] == segments_before[shared]:
        shared += 1
    assert shared >= 1 or layout == "several segments"  # one segment: kept, not merged
    assert facet_reads and set(facet_reads) == set(segments_after[shared:])
    after_known = assert_known_as_stored(index_dir)
    assert len(after_known) == 30
    changed_hashes = {i for i in after_known if after_known[i] != before_known[i]}
    assert changed_hashes == {f"a-{i}" for i in range(5)}
    assert path != before
    folders = [e for e in os.listdir(path) if e.startswith(searchdata.PREFIX)]
    data, computed = live_data(index_dir)
    try:
        assert folders == [f"{searchdata.PREFIX}{data.reader.generation()}"]  # only the last
        assert data.mapped
        # Deletions, unless the update merged their segments (merge.merge_small).
        assert int(computed.live.sum()) == 30 and computed.live.all() == (computed.n == 30)
        assert_same(searchdata.SearchArrays(data.n, data.live, data.lengths, data.avg_length,
                                            data.facets, data.published, data.ncomments),
                    computed)
    finally:
        data.searcher.close()


@pytest.mark.parametrize("change", ["version", "toc_generation", "documents", "no manifest"])
def test_a_folder_that_does_not_match_is_not_used(built, change):
    _, index_dir, layout = built
    path = generations.current_path(str(index_dir))
    (folder,) = [e for e in os.listdir(path) if e.startswith(searchdata.PREFIX)]
    manifest = os.path.join(path, folder, searchdata.MANIFEST)
    if change == "no manifest":
        os.unlink(manifest)
    else:
        with open(manifest) as f:
            m = json.load(f)
        m[change] += 1
        with open(manifest, "w") as f:
            json.dump(m, f)
    data, computed = live_data(index_dir)
    try:
        assert not data.mapped
        assert not isinstance(data.live, np.memmap)
        assert np.array_equal(data.live, computed.live)
        assert list(data.facets["source"].values) == ["Source 0", "Source 1", "Source 2"]
    finally:
        data.searcher.close()


def test_an_update_of_an_index_without_the_table_reads_the_stored_fields(built):
    tmp_path, index_dir, layout = built
    path = generations.current_path(str(index_dir))
    for entry in os.listdir(path):
        if entry.startswith(searchdata.PREFIX):
            shutil.rmtree(os.path.join(path, entry))  # as an older version wrote it
    src = write_jsonl(tmp_path / "in.jsonl", records(40)[:35])
    report = update([str(src)], WhooshBackend(str(index_dir)), jobs=1)
    assert (report.changed, report.removed) == (0, 5)
    assert len(assert_known_as_stored(index_dir)) == 35


def test_the_builds_log_makes_the_tables_the_dict_of_its_latest_entries_made(tmp_path):
    """KnownLog (the build's table, in files) against the dict it replaced: ids added
    twice keep their later entry, and strings of any length (none, non-ASCII, long) come
    back whole, across the blocks the tables are gathered in."""
    rng = np.random.default_rng(7)
    latest: dict[str, int] = {}
    as_dict: dict[str, tuple[str, str, str]] = {}
    log = searchdata.KnownLog(str(tmp_path), latest)
    words = ["", "é", "Øst/x.html", "p" * 300, "a/b.jsonl#12", "中文"]
    for seq in range(3000):
        article_id = f"id-{int(rng.integers(0, 1800))}"  # about a third added again
        entry = tuple(str(rng.choice(words)) + str(seq % int(rng.integers(1, 9)))
                      for _ in range(3))
        log.add(entry)
        latest[article_id] = seq
        as_dict[article_id] = entry
    made = {}
    for name in searchdata.KNOWN[1:]:
        log.files[name].flush()
        made[name] = searchdata._gathered(f"{log.base}.{name}", log.lengths[name],
                                          np.fromiter((latest[i] for i in sorted(latest)),
                                                      np.int64), block=97)
    got = log.arrays()
    want = searchdata._known_arrays(as_dict)
    assert got.keys() == want.keys()
    for name in want:
        assert np.array_equal(got[name], want[name]), name
    for k, name in enumerate(searchdata.KNOWN[1:]):
        assert list(made[name]) == [as_dict[i][k] for i in sorted(as_dict)]
    log.close()
    assert not [p for p in os.listdir(tmp_path) if p.startswith("known-log")]


def test_the_string_table_is_a_sorted_sequence_that_finds_its_strings():
    values = sorted(["", "Zoë", "Ørsted", "ab", "abc", "Å", "中文", "b"])
    table = searchdata.StringTable.of(values)
    assert list(table) == values and len(table) == len(values)
    assert table[-1] == values[-1]
    for i, v in enumerate(values):
        assert table.get(v) == i
    for missing in ("a", "abd", "Zoe", "中", "zzz"):
        assert table.get(missing) is None
    empty = searchdata.StringTable.of([])
    assert len(empty) == 0 and empty.get("x") is None
    with pytest.raises(IndexError):
        empty[0]


def as_version_1(index_dir, version: int = 1) -> str:
    """The live search data made as version 1 wrote it (no `known.inputs`, no clusters),
    or version 2 (no clusters); its folder."""
    path = generations.current_path(str(index_dir))
    (folder,) = [os.path.join(path, e) for e in os.listdir(path)
                 if e.startswith(searchdata.PREFIX)]
    with open(os.path.join(folder, searchdata.MANIFEST)) as f:
        m = json.load(f)
    assert m["version"] == searchdata.VERSION == 3
    m["version"] = version
    added_later = ("cluster", "dups.") + (("known.inputs.",) if version == 1 else ())
    for name in [n for n in m["arrays"] if n.startswith(added_later)]:
        del m["arrays"][name]
        os.unlink(os.path.join(folder, name + ".npy"))
    with open(os.path.join(folder, searchdata.MANIFEST), "w") as f:
        json.dump(m, f)
    return folder


def load_known(index_dir) -> dict | None:
    path = generations.current_path(str(index_dir))
    with open_generation(path).reader() as r:
        return searchdata.load_known(path, r.generation(), r.doc_count_all())


def test_version_1_is_still_read_without_input_digests(built):
    _, index_dir, _ = built
    written = assert_known_as_stored(index_dir)
    as_version_1(index_dir)
    data, computed = live_data(index_dir)
    try:
        assert data.mapped and isinstance(data.live, np.memmap)
        assert np.array_equal(data.live, computed.live)
    finally:
        data.searcher.close()
    assert load_known(index_dir) == {i: (p, h, "") for i, (p, h, _) in written.items()}


def test_version_2_is_read_with_every_article_its_own_story(tmp_path):
    wire = " ".join(f"word{n} of the wire story" for n in range(30))
    src = write_jsonl(tmp_path / "in.jsonl", [
        article(id=f"copy-{n}", headline="Wire", body=wire + " extra" * n) for n in range(3)])
    index_dir = tmp_path / "idx"
    reindex([str(src)], WhooshBackend(str(index_dir)), jobs=1)

    def clusters() -> set[str]:
        backend = WhooshBackend(str(index_dir))
        try:
            return {cluster for _, cluster in backend.export_clustered(Query())}
        finally:
            backend.close()

    assert clusters() == {"copy-0"}  # one story
    as_version_1(index_dir, version=2)
    data, _ = live_data(index_dir)
    try:
        assert data.mapped and not (data.cluster >= 0).any()
    finally:
        data.searcher.close()
    assert clusters() == {"copy-0", "copy-1", "copy-2"}  # each its own, until a reindex


def test_an_update_of_version_1_reads_every_input_once_and_writes_version_3(built):
    tmp_path, index_dir, _ = built
    as_version_1(index_dir)
    src = str(tmp_path / "in.jsonl")
    first = update([src], WhooshBackend(str(index_dir)), jobs=1)
    assert (first.unread, first.unchanged, first.changed, first.removed) == (0, 40, 0, 0)
    table = load_known(index_dir)
    assert table is not None and all(source for _, _, source in table.values())
    assert table == assert_known_as_stored(index_dir)
    second = update([src], WhooshBackend(str(index_dir)), jobs=1)
    assert (second.unread, second.unchanged) == (40, 40)


def assert_added_as_stored(index_dir) -> np.ndarray:
    """The mapped entry times equal each live document's stored `added` (what a worker
    would otherwise read), and are mapped, not read."""
    from searchapp.backends.whoosh.schema import ADDED

    data, _ = live_data(index_dir)
    try:
        mapped = data.added_times()
        assert isinstance(mapped, np.memmap)
        for d in np.flatnonzero(data.live):
            assert mapped[d] == data.reader.stored_fields(int(d))[ADDED], d
        return np.asarray(mapped[data.live])
    finally:
        data.searcher.close()


def test_builds_and_updates_write_the_entry_times(built):
    tmp_path, index_dir, _ = built
    first = assert_added_as_stored(index_dir)
    assert len(first) == 40 and len(set(first.tolist())) == 1  # one run, one time
    for round_ in range(3):  # edits, removals, new articles; small segments get merged
        more = [article(id=f"new-{round_}-{i}", headline=f"New {i}") for i in range(4)]
        src = write_jsonl(tmp_path / "in.jsonl", records(40, version=str(round_))[:3]
                          + records(40)[3:35] + more)
        update([str(src)], WhooshBackend(str(index_dir)), jobs=1)
        times = assert_added_as_stored(index_dir)
        assert len(times) == 35 + 4  # the last round's new ones replace the round before's
        assert times.min() == first[0]  # edited and kept articles keep their time
        assert times.max() > first[0]  # the new ones came in later
