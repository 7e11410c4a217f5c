"""The vocabulary every backend indexes: facet values, the person behind a quoted speaker, the
names `speaker:` searches, field prefixes."""

from __future__ import annotations

import pytest

from indexer.article import Article, Quote
from searchapp.backends.whoosh.documents import to_document
from searchapp.fields import FIELD_PREFIXES, PREFIX_OF, facet_values, name_values, person


@pytest.mark.parametrize("written, counted", [
    ("Mayor Lena Ortiz", "Lena Ortiz"),
    ("Major General Yury Popov", "Yury Popov"),
    ("Infrastructure Minister Harriet Vance", "Harriet Vance"),
    ("Arts minister Estelle Morris", "Estelle Morris"),
    ("Prof. Ingrid Solberg", "Ingrid Solberg"),
    ("Chief Executive Gerd Niebaum", "Gerd Niebaum"),
    ("Lena Ortiz", "Lena Ortiz"),
    ("Mr Yushchenko", "Yushchenko"),  # issue 11: "President Reagan" is Reagan
    ("General Motors", "General Motors"),
    ("Queen Mary", "Queen Mary"),
    ("President", "President"),
])
def test_person(written, counted):
    assert person(written) == counted


def test_speaker_facet_counts_the_person_and_names_keep_the_title():
    a = Article(id="a", path="p", headline="H", body="B",
                quotes=(Quote("one", "Mayor Lena Ortiz"), Quote("two", "Lena Ortiz"),
                        Quote("three", None), Quote("four", "Dr Amir Haddad")))
    assert facet_values(a)["speaker"] == ["Lena Ortiz", "Amir Haddad"]
    # As written, then the people they are (issue 11: `speaker:"rod eddington"` finds
    # "Mr Eddington" in an article that names Rod Eddington).
    assert name_values(a)["speaker"] == ["Mayor Lena Ortiz", "Lena Ortiz", "Dr Amir Haddad",
                                         "Amir Haddad"]
    doc = to_document(a)
    assert doc["speaker"] == ["Lena Ortiz", "Amir Haddad"]
    assert doc["speaker_names"] == ("Mayor Lena Ortiz\n\nLena Ortiz\n\nDr Amir Haddad\n\n"
                                    "Amir Haddad")
    assert doc["meta"]["quotes"][0][2] == "Mayor Lena Ortiz"  # the record keeps the title


def test_read_as_writes_back_the_first_prefix_of_each_target():
    assert PREFIX_OF == {"headline": "headline", "body": "body", "captions": "caption",
                         "quotes": "quote", "speaker": "speaker", "comments": "comment",
                         "commenter": "commenter", "source": "source", "author": "author",
                         "tag": "tag"}
    assert all(FIELD_PREFIXES[p] == target for target, p in PREFIX_OF.items())


def test_every_scope_and_sort_has_a_label():
    from searchapp.fields import SCOPE_LABELS, SCOPES, SORT_LABELS, SORTS

    assert list(SCOPE_LABELS) == list(SCOPES)
    assert list(SORT_LABELS) == list(SORTS)
