"""IndexData.terms_within (fuzzy words, respellings) finds exactly what Whoosh's own
automaton walk finds, per segment and in the same order; it only measures the distances
in C (rapidfuzz) instead of stepping an automaton in Python."""

from __future__ import annotations

import random

import pytest
from whoosh import index

from searchapp.backends.whoosh.arrays import IndexData
from searchapp.backends.whoosh.schema import build_schema

VOCABULARY = ("harbour harbor harbours harboured barbour arbour habour strike strikes stroke "
              "stance stances distance stanza station stand a ab abc b é élan elan café cafe "
              "caffè müller muller mueller straße strasse ørsted orsted naïve naive x xy xyz "
              "überall uber über ß ss 42 420 4200 1,000 co-operation cooperation").split()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("within")
    ix = index.create_in(str(folder), build_schema())
    rnd = random.Random(9)
    for n in range(3):  # three segments: a term may come once per segment
        w = ix.writer()
        for i in range(20):
            w.add_document(id=f"a-{n}-{i}", body=" ".join(rnd.sample(VOCABULARY, 12)),
                           headline=" ".join(rnd.sample(VOCABULARY, 3)))
        w.commit(merge=False)
    searcher = ix.searcher()
    yield IndexData(searcher)
    searcher.close()


def whoosh_own(data, fieldname, term, maxdist):
    return [t for seg, _ in data.leaves
            for t in seg.terms_within(fieldname, term, maxdist, prefix=1)]


def test_the_index_has_several_segments(data):
    assert len(data.leaves) == 3


@pytest.mark.parametrize("maxdist", [1, 2])
@pytest.mark.parametrize("fieldname", ["body", "headline"])
def test_same_terms_as_whooshs_own_walk(data, fieldname, maxdist):
    words = VOCABULARY + ["harbr", "stnace", "zzz", "q", "muler", "ca", "éla", "ü"]
    for term in words:
        got = data.terms_within(fieldname, term, maxdist)
        assert got == whoosh_own(data, fieldname, term, maxdist), term
    # Something was found: the comparison is not between two empty lists.
    assert len(data.terms_within(fieldname, "harbour", maxdist)) >= 3


def test_a_missing_field_or_empty_word_has_no_terms(data):
    assert data.terms_within("comments", "harbour", 2) == []
    assert data.terms_within("body", "", 2) == []
