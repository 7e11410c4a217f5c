"""blocks.py reads posting blocks as Whoosh does: blocks written by Whoosh's own posting
writer with pickle protocol 2 (what Whoosh writes) and 3, compared with Whoosh's matcher;
what it does not recognise is refused, and the search reads it with Whoosh's matcher."""

from __future__ import annotations

import pickle
import random
import zlib

import numpy as np
import pytest
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import W3LeafMatcher, W3PostingsWriter, W3TermInfo
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.formats import Frequency

from searchapp.backends.whoosh import blocks
from searchapp.backends.whoosh.formats import CompactCharacters, CompactPositions

GAPS = {"small": [1, 2, 7, 200, 255],  # BININT1 but for each block's first id
        "any": [1, 2, 7, 200, 255, 256, 300, 65535, 65536, 70000]}  # BININT2, BININT


def _postings(rng: random.Random, n: int, weights: str, fmt, gaps: str = "any"):
    """n postings: ids with gaps of every width (BININT1, BININT2, BININT), values."""
    ids, d = [], 70_000 if gaps == "small" else 0
    for _ in range(n):
        d += rng.choice(GAPS[gaps])
        ids.append(d)
    if weights == "ones":
        ws = [1.0] * n
    elif weights == "same":
        ws = [2.5] * n
    else:
        ws = [float(rng.randint(1, 9)) for _ in range(n)]
    values = []
    for w in ws:
        freq = int(w) if w == int(w) else 1
        pos = sorted(rng.sample(range(2000), freq))
        if isinstance(fmt, CompactCharacters):
            values.append(fmt.encode([(p, 7 * p, 7 * p + 5) for p in pos]))
        elif isinstance(fmt, CompactPositions):
            values.append(fmt.encode(pos))
        else:
            values.append(b"")
    return ids, ws, values


def _write(monkeypatch, protocol: int, postings, fmt, compression: int = 3,
           info_protocol: int | None = None):
    """The postings written by Whoosh's own writer, the data pickled with `protocol`, the
    block info with `info_protocol` (default the same): (postings file, offset, length)."""
    def dumps(obj, _protocol):
        is_info = len(obj) == 6  # (postings, last id, max weight, compression, lengths)
        return pickle.dumps(obj, info_protocol or protocol if is_info else protocol)

    monkeypatch.setattr(whoosh3, "dumps", dumps)
    out = StructFile(_Bytes())
    out.write(b"pad")  # the term does not start the file
    writer = W3PostingsWriter(out, blocklimit=128, compression=compression)
    info = W3TermInfo()
    writer.start_postings(fmt, info)
    for i, w, v in zip(*postings, strict=True):
        writer.add_posting(i, w, v)
    writer.finish_postings()
    offset, length = info.extent()
    return BufferFile(out.file.getvalue()), offset, length


class _Bytes:
    def __init__(self):
        import io
        self.buf = io.BytesIO()
        self.write, self.tell, self.seek = self.buf.write, self.buf.tell, self.buf.seek

    def getvalue(self):
        return self.buf.getvalue()

    def close(self):
        pass

    def flush(self):
        pass


def _whoosh_read(postfile, offset, length, fmt):
    m = W3LeafMatcher(postfile, offset, length, fmt)
    ids, ws, vs = [], [], []
    while m.is_active():
        ids.append(m.id())
        ws.append(m.weight())
        if fmt.supports("positions"):
            vs.append(m.value())
        m.next()
    return ids, ws, vs


FORMATS = {"characters": CompactCharacters(), "positions": CompactPositions(),
           "frequency": Frequency()}


# data pickle, block info pickle: Whoosh's (2, 2); fastwrite.py's DATA_PROTOCOL (3, 2)
@pytest.mark.parametrize("protocol,info_protocol", [(2, 2), (3, 3), (3, 2)])
@pytest.mark.parametrize("n", [1, 2, 3, 4, 127, 128, 129, 300, 1000])
@pytest.mark.parametrize("weights", ["ones", "same", "varied"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("gaps", GAPS)
@pytest.mark.parametrize("together", [1, 10**9], ids=["together", "one-by-one"])
def test_blocks_read_as_whoosh_reads_them(monkeypatch, protocol, info_protocol, n, weights,
                                          fmt, gaps, together):
    monkeypatch.setattr(blocks, "FEW_BLOCKS", together)
    rng = random.Random(f"{protocol}{n}{weights}{fmt}{gaps}")
    f = FORMATS[fmt]
    postings = _postings(rng, n, weights, f, gaps)
    postfile, offset, length = _write(monkeypatch, protocol, postings, f,
                                      compression=3 if n % 2 else 0,
                                      info_protocol=info_protocol)
    raw = postfile.get(offset, length)
    assert raw[4 + 4 + 1] == info_protocol  # the block info's PROTO opcode: as asked
    info_len = len(pickle.dumps(pickle.loads(raw[8:]), info_protocol))
    data = raw[8 + info_len:]
    assert (zlib.decompress(data) if n % 2 else data)[1] == protocol
    ids, ws, vs = _whoosh_read(postfile, offset, length, f)
    assert ids == postings[0]
    got_ids, got_ws, table = blocks.read_term(postfile, offset, length)
    assert got_ids.tolist() == ids
    assert got_ws.tolist() == pytest.approx(ws)
    assert table.counts.sum() == n and table.last_ids[-1] == ids[-1]
    if not f.supports("positions"):
        return  # Whoosh writes no values for it (and cannot read them back)
    some = np.array(sorted(rng.sample(ids, min(n, 5))), np.int64)
    want = [vs[ids.index(d)] for d in some]
    got = blocks.values_at(table, got_ids, some, f.fixed_value_size())
    assert [bytes(v or b"") for v in got] == [bytes(v or b"") for v in want]


def test_an_unknown_opcode_is_refused(monkeypatch):
    f = CompactPositions()
    postings = _postings(random.Random(1), 10, "varied", f)
    postfile, offset, length = _write(monkeypatch, 2, postings, f, compression=0)
    raw = bytearray(postfile.get(offset, length))
    # The ids as a list, not a tuple: the data pickle's first opcode after PROTO.
    data = pickle.dumps((list(np.diff([0, *postings[0]]).tolist()), tuple(postings[1]),
                         tuple(postings[2])), 2)
    info_len = len(pickle.dumps(pickle.loads(bytes(raw[8:])), 2))
    raw[8 + info_len:] = data
    raw[4:8] = (-(info_len + len(data))).to_bytes(4, "big", signed=True)
    with pytest.raises(blocks.Unrecognised):
        blocks.read_term(BufferFile(bytes(raw)), 0, len(raw))


def test_a_compressed_block_reads_only_its_start(monkeypatch):
    f = CompactCharacters()
    postings = _postings(random.Random(2), 128, "varied", f)
    postfile, offset, length = _write(monkeypatch, 3, postings, f)
    raw = postfile.get(offset, length)
    info_len = len(pickle.dumps(pickle.loads(raw[8:]), 3))
    full = zlib.decompress(raw[8 + info_len:])
    assert len(full) > 14 * 128 + 16  # the values are past what is inflated
    assert blocks.read_term(postfile, offset, length)[0].tolist() == postings[0]


def test_the_search_falls_back_on_whooshs_matcher(monkeypatch, tmp_path):
    from conftest import article
    from engines import ENGINES

    from searchapp.search.params import SearchParams
    from searchapp.search.service import run_search

    backend = ENGINES["whoosh"].build(tmp_path, [
        article(id=f"a-{i}", headline=f"Harbour {i}", body="The prime minister spoke.")
        for i in range(5)])
    try:
        args = {"q": '"prime minister" harbour', "per_page": "5"}
        before = run_search(backend, SearchParams.from_args(args))

        def refuse(*_args):
            raise blocks.Unrecognised("test")

        monkeypatch.setattr(blocks, "read_term", refuse)
        backend.close()
        after = run_search(backend, SearchParams.from_args(args))
        assert before.total == after.total == 5
        assert [h.to_dict() for h in after.results] == [h.to_dict() for h in before.results]
        assert any("<mark>" in "".join(h.snippets.to_dict()["body"]) for h in after.results)
    finally:
        backend.close()
