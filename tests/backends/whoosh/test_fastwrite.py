"""FastSegmentWriter (codec internals) against Whoosh's own writer: the same index, byte for byte
in what a reader sees — documents, stored fields, lengths, columns and every posting.
"""

from __future__ import annotations

import newsgen
import pytest
from conftest import article
from whoosh import index as whoosh_index

from indexer.article import Article, content_hash
from indexer.discover import Item, iter_items
from indexer.extract import extract_jsonl_line
from searchapp.backends.whoosh import generations
from searchapp.backends.whoosh.documents import to_document
from searchapp.backends.whoosh.schema import ADDED, ENTRY_POSITION_GAP, INPUT, build_schema
from searchapp.backends.whoosh.snapshot import open_generation


def test_plain_writer_accepts_to_document(tmp_path):
    """Plain (not pre-analysed) values index as UTF-8 term bytes, as Whoosh's writer needs."""
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    with ix.writer() as writer:
        writer.add_document(**to_document(Article(id="a", path="p", headline="Hello café")))
    with ix.searcher() as s:
        assert [t for f, t in s.reader().all_terms() if f == "headline"] == [b"cafe", b"hello"]


OPENED: list = []  # readers build_both opened, closed after each test


@pytest.fixture(autouse=True)
def _close_readers():
    yield
    while OPENED:
        OPENED.pop().close()


def build_both(make_index, tmp_path, records, preanalyze=False):
    """(reader of the fast build through reindex, reader of Whoosh's plain writer)."""
    fast_dir = make_index(records)
    fast = open_generation(generations.current_path(str(fast_dir))).reader()
    (tmp_path / "plain").mkdir()
    plain_ix = whoosh_index.create_in(str(tmp_path / "plain"), build_schema())
    writer = plain_ix.writer()
    for item in iter_items([str(tmp_path / "index-input.jsonl")]):
        assert isinstance(item, Item)
        article = extract_jsonl_line(item.data, item.path)
        writer.add_document(**to_document(article, preanalyze=preanalyze,
                                          digest=content_hash(article)))
    writer.commit()
    OPENED.extend([fast, plain_ix.reader()])
    return OPENED[-2], OPENED[-1]


def postings(reader, fieldname, btext):
    m = reader.postings(fieldname, btext)
    out = []
    while m.is_active():
        out.append((m.id(), m.weight(), m.value()))
        m.next()
    return out


def compare(fast, plain, positions_differ=lambda fieldname, docnum: False, merged=False):
    """Assert the two indexes read the same; returns how many postings were compared.

    With `merged`, `plain` is Whoosh's merge of the index `fast` was merged from
    (test_merge.py): it has the build's stamps, and other field totals (see merge.py).
    """
    assert fast.doc_count() == plain.doc_count() == fast.doc_count_all()
    schema = fast.schema
    for d in range(fast.doc_count_all()):
        # The build stamps when each article entered the index, and the digest of its input;
        # to_document cannot.
        assert {k: v for k, v in fast.stored_fields(d).items()
                if merged or k not in (ADDED, INPUT)} == plain.stored_fields(d)
        for name in schema.scorable_names():
            assert fast.doc_field_length(d, name) == plain.doc_field_length(d, name), (d, name)
    for name in ("published", "ncomments"):
        assert list(fast.column_reader(name, translate=False)) == \
            list(plain.column_reader(name, translate=False))
    for name in schema.scorable_names():
        assert merged or fast.field_length(name) == plain.field_length(name), name
        if plain.field_length(name):  # Whoosh cannot take the max of a missing column
            assert fast.max_field_length(name) == plain.max_field_length(name), name
            assert fast.min_field_length(name) == plain.min_field_length(name), name
    terms = list(fast.all_terms())
    assert terms == list(plain.all_terms()), sorted(set(terms) ^ set(plain.all_terms()))[:10]
    compared = 0
    for fieldname, btext in terms:
        a, b = postings(fast, fieldname, btext), postings(plain, fieldname, btext)
        assert [(d, w) for d, w, _ in a] == [(d, w) for d, w, _ in b], (fieldname, btext)
        fmt = schema[fieldname].format
        for (d, _, va), (_, _, vb) in zip(a, b, strict=True):
            if va == vb:
                continue
            # Only the positions of multi-entry fields may differ (see the test below).
            assert positions_differ(fieldname, d), (fieldname, btext, d)
            assert fmt.decode_frequency(va) == fmt.decode_frequency(vb)
            if fmt.supports("characters"):
                assert [c[1:] for c in fmt.decode_characters(va)] == \
                    [c[1:] for c in fmt.decode_characters(vb)]
        ta, tb = fast.term_info(fieldname, btext), plain.term_info(fieldname, btext)
        assert (ta.weight(), ta.doc_frequency(), ta.min_id(), ta.max_id(), ta.max_weight()) == \
            (tb.weight(), tb.doc_frequency(), tb.min_id(), tb.max_id(), tb.max_weight())
        assert (ta.min_length(), ta.max_length()) == (tb.min_length(), tb.max_length())
        compared += len(a)
    return compared


def single_entry(rec: dict) -> dict:
    """The record with at most one caption, quote, comment, author and tag."""
    return {**rec, "captions": rec["captions"][:1], "quotes": rec["quotes"][:1],
            "comments": rec["comments"][:1], "authors": rec["authors"][:1],
            "tags": rec["tags"][:1]}


def test_identical_postings_for_single_entry_fields(make_index, tmp_path):
    records = [single_entry(r) for r in newsgen.records(150, seed=3)]
    # Long posting lists span several blocks (Whoosh writes 128 postings a block).
    records += [article(id=f"common-{i}", headline="common story", body="common " * (i % 7 + 1))
                for i in range(300)]
    fast, plain = build_both(make_index, tmp_path, records)
    assert compare(fast, plain) > 10_000
    assert fast.doc_frequency("headline", "common") == 300


def test_multi_entry_fields_differ_only_by_the_entry_gap(make_index, tmp_path):
    """The writers agree except where the fast path spaces entries apart.

    `to_document(preanalyze=True)` (what reindex uses) puts ENTRY_POSITION_GAP positions
    between two quotes, comments, captions or names, so a phrase never spans two of them;
    `to_document()` joins them into one text, so Whoosh's writer numbers them on.
    """
    records = newsgen.records(150, seed=3)
    fast, plain = build_both(make_index, tmp_path, records)
    multi = {"captions": "captions", "quotes": "quotes", "comments": "comments",
             "speaker_names": "quotes", "commenter_names": "comments",
             "author_names": "authors", "tag_names": "tags"}

    def several(fieldname, docnum):
        if fieldname not in multi:
            return False
        rec = records[docnum]
        return len(rec[multi[fieldname]]) > 1

    assert compare(fast, plain, several) > 10_000
    # A document with two quotes: positions in the second are shifted by the gap.
    d = next(i for i, r in enumerate(records) if len(r["quotes"]) == 2)
    fmt = fast.schema["quotes"].format
    first_words = len([w for w in records[d]["quotes"][0]["text"].split()])
    assert first_words > 0
    shifted = 0
    for fieldname, btext in fast.all_terms():
        if fieldname != "quotes":
            continue
        for (doc, _, va), (_, _, vb) in zip(postings(fast, "quotes", btext),
                                              postings(plain, "quotes", btext), strict=True):
            if doc != d:
                continue
            for pa, pb in zip(fmt.decode_positions(va), fmt.decode_positions(vb), strict=True):
                assert pa - pb in (0, ENTRY_POSITION_GAP - 1)
                shifted += pa != pb
    assert shifted > 0


def test_identical_to_whoosh_writer_fed_preanalysed_documents(make_index, tmp_path):
    """What `update` does (Whoosh's writer, pre-analysed fields): identical in every field."""
    fast, plain = build_both(make_index, tmp_path, newsgen.records(150, seed=3),
                             preanalyze=True)
    assert compare(fast, plain) > 10_000


@pytest.mark.parametrize("records", [
    [article(id="only", headline="One", body="")],
    [article(id="e1", headline="", body="body only"), article(id="e2", headline="h", body="")],
])
def test_sparse_documents(make_index, tmp_path, records):
    fast, plain = build_both(make_index, tmp_path, records)
    compare(fast, plain)


def test_block_data_is_pickled_with_data_protocol(make_index):
    """Posting blocks hold their data in fastwrite.DATA_PROTOCOL (Whoosh writes protocol 2),
    short and compressed blocks alike, and Whoosh's own reader reads them."""
    import zlib

    from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
    from whoosh.compat import dumps, loads
    from whoosh.system import unpack_int

    from searchapp.backends.whoosh import fastwrite
    from searchapp.backends.whoosh.mergeterms import SegmentTerms

    records = [article(id=f"a{i}", headline=f"h{i}",
                       body="common words " * (i + 1) + ("rare" if i < 5 else ""))
               for i in range(300)]
    reader = open_generation(generations.current_path(str(make_index(records)))).reader()
    OPENED.append(reader)
    segment = reader.leaf_readers()[0][0]
    terms = SegmentTerms(segment, "body")
    headers = set()
    for offset, length in zip(terms.offsets.tolist(), terms.lengths.tolist(), strict=True):
        buf = terms.postfile.get(offset, length)
        assert buf[:4] == WHOOSH3_HEADER_MAGIC
        pos = 4
        while pos < length:
            size = abs(unpack_int(buf[pos:pos + 4])[0])
            info = loads(buf[pos + 4:pos + 4 + size])
            data = buf[pos + 4 + len(dumps(info, 2)):pos + 4 + size]
            headers.add((bytes((zlib.decompress(data) if info[3] else data)[:2]), info[3] > 0))
            pos += 4 + size
    assert headers == {(b"\x80" + bytes([fastwrite.DATA_PROTOCOL]), False),
                       (b"\x80" + bytes([fastwrite.DATA_PROTOCOL]), True)}
    assert len(postings(reader, "body", b"common")) == 300


def test_compact_hash_buckets_write_the_same_term_table():
    """An OrderedHashWriter whose buckets are HashBuckets (the merge's term table) writes
    the bytes of Whoosh's own, with keys added both through add_terms and through add (the
    merge's children's terms), and Whoosh reads every key back from it."""
    import io
    import random

    from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter
    from whoosh.filedb.structfile import StructFile

    from searchapp.backends.whoosh import fastwrite

    class Kept(io.BytesIO):  # its bytes are read after the writer closes it
        def close(self):
            pass

    rng = random.Random(3)
    keys = sorted({bytes(rng.choices(b"abcdefghij\xc3\xa9", k=rng.randint(1, 12)))
                   for _ in range(5000)})
    values = [bytes(rng.randrange(256) for _ in range(rng.randint(0, 30))) for _ in keys]
    written = []
    for compact in (False, True):
        buf = Kept()
        w = OrderedHashWriter(StructFile(buf))
        if compact:
            fastwrite.compact_buckets(w)
        half = len(keys) // 2
        fastwrite.add_terms(w, keys[:half], values[:half])
        for k, v in zip(keys[half:], values[half:], strict=True):
            w.add(k, v)
        w.close()
        written.append(buf.getvalue())
    assert written[0] == written[1]
    data = written[1]
    reader = OrderedHashReader(StructFile(io.BytesIO(data)), len(data))
    assert all(reader[k] == v for k, v in zip(keys, values, strict=True))
