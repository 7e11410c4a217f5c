"""Queries of every kind for comparing backends on real collections (tests/test_parity.py,
bench/parity.py): words, phrases, OR, NOT, field prefixes, prefixes, fuzzy words, dates,
every scope, every sort, and (added from the collection itself) every facet filter."""

from __future__ import annotations

from searchapp.fields import FACETS, SCOPES

FIXED: list[dict[str, str]] = [
    # words
    {"q": "oil"}, {"q": "Oil prices"}, {"q": "government minister"}, {"q": "election"},
    {"q": "bank rates"}, {"q": "harbour"}, {"q": "café"}, {"q": "Müller"}, {"q": "U.S."},
    {"q": "the"}, {"q": "the profit"}, {"q": "long-term"}, {"q": "cease-fire"},
    {"q": "3.5"}, {"q": "zzqxj"}, {"q": "said"}, {"q": "analysts"},
    # phrases and slop
    {"q": '"interest rates"'}, {"q": '"prime minister"'}, {"q": '"secretary of state"'},
    {"q": '"central bank"~2'}, {"q": '"oil prices rose"~3'}, {"q": '"the the"'},
    {"q": '"net profit" shares'}, {"q": '"world cup"'},
    # OR, NOT, groups
    {"q": "oil OR gas"}, {"q": "bank OR banks OR banking"}, {"q": "oil -gas"},
    {"q": "NOT oil"}, {"q": "(oil OR gas) (price OR prices)"}, {"q": "market -(oil OR gold)"},
    {"q": "film OR music -award"}, {"q": "+shares +profit"},
    # field prefixes
    {"q": "headline:oil"}, {"q": "title:record"}, {"q": "body:tax"},
    {"q": "quote:economy"}, {"q": "speaker:blair"}, {"q": "speaker:brown economy"},
    {"q": "comment:harbour"}, {"q": "commenter:margaret_k"}, {"q": "author:marsh"},
    {"q": "source:northfield"}, {"q": "tag:politics"}, {"q": 'headline:"oil prices"'},
    {"q": "headline:(oil OR gold)"}, {"q": "caption:photo"},
    # prefixes
    {"q": "minist*"}, {"q": "econom*"}, {"q": "happy*"}, {"q": "e*"}, {"q": "zzq*"},
    {"q": "stock* -oil"}, {"q": "headline:gov*"},
    # fuzzy
    {"q": "govenment~"}, {"q": "econmy~2"}, {"q": "minstr~2"}, {"q": "oli~"},
    # dates
    {"q": "date:2004"}, {"q": "date:[2004-01-01 TO 2004-06-30]"}, {"q": "oil date:>1987"},
    {"q": "date:<2005"}, {"q": "", "from": "2018-01-01", "to": "2018-12-31"},
    {"q": "harbour date:2018-05"},
]
# Scopes and sorts, each over a few queries.
SCOPED = [{"q": q, "scope": scope} for scope in SCOPES
          for q in ("economy", '"said the"', "growth OR profit")]
SORTED = [{"q": "oil", "sort": sort} for sort in ("newest", "oldest", "comments")]


def all_queries(facet_values: dict[str, list[str]]) -> list[dict[str, str]]:
    """The fixed queries, plus a filter by each of the first two values of each facet."""
    out = FIXED + SCOPED + SORTED
    for name in FACETS:
        for value in facet_values.get(name, [])[:2]:
            out.append({"q": "", name: value})
            out.append({"q": "said", name: value})
    return out
