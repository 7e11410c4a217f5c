"""The speaker rule of the facets before issue 11's people model, kept to measure against.

`searchapp/fields.py` at d35f96a: titles set aside only when a full name of two words or
more is left. `bench/people_eval.py --mode before` uses it, so that the "before" figures
stay what they were whatever the people model becomes. Not used by scrapesearch itself.
"""

from __future__ import annotations

import re

_TITLES = sorted("""
    Major General|Lieutenant General|Brigadier General|General|Colonel|Lieutenant|Captain|
    Commander|Admiral|Sergeant|Prime Minister|Deputy Prime Minister|First Minister|Minister|
    Secretary of State|Secretary|Chancellor|President|Vice President|Vice-President|Premier|
    Governor|Senator|Sen.|Rep.|Representative|Congressman|Congresswoman|Mayor|Deputy Mayor|
    Councillor|Councilor|Cllr|Cllr.|Alderman|Judge|Justice|Chief Justice|Ambassador|Dr|Dr.|
    Prof|Prof.|Professor|Mr|Mr.|Mrs|Mrs.|Ms|Ms.|Miss|Mx|Sir|Dame|Lord|Lady|Baroness|Baron|
    Rev|Rev.|Reverend|Father|Bishop|Archbishop|Rabbi|Imam|Sheikh|King|Queen|Prince|Princess|
    Chief Executive|Chief Constable|Inspector|Detective|Superintendent|Coach|Manager|Chairman|
    Chairwoman|Chair|Spokesman|Spokeswoman|Spokesperson""".replace("\n", "").split("|"),
                 key=len, reverse=True)
_TITLE_WORDS = "|".join(re.escape(t.strip()) for t in _TITLES if t.strip())
# Titles (each maybe after one capitalised word: "Infrastructure Minister"), then a name.
_TITLE = re.compile(rf"^(?:(?:[A-Z][\w-]*\s+)?(?:{_TITLE_WORDS})\s+)+(?=[A-Z])",
                    re.IGNORECASE)


def person(name: str) -> str:
    """A quoted person's name without the titles before it.

    Only when a full name (two words or more) is left: "Mr Yushchenko", "Queen Mary" and
    "General Motors" stay as they are.
    """
    rest = _TITLE.sub("", name)
    return rest if rest != name and len(rest.split()) >= 2 and rest[:1].isupper() else name
