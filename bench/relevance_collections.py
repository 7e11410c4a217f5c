"""The judged test collections of bench/relevance.py, read into Article JSON and judgments.

    time  ../shared/corpora/time: TIME.ALL, TIME.QUE, TIME.REL (SMART format, upper case)
    cisi  ../shared/corpora/cisi: CISI.ALL, CISI.QRY, CISI.REL

Each collection keeps only its scorable development queries (at least one relevant
document in the collection); the others are listed in `dropped` with the reason.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

# TIME.REL numbers a document by its position in the upstream TIME.ALL of 425 documents;
# the TIME.ALL we have holds 423. Up to position 370 the judged documents are about their
# queries (query 5's 370 is "SOUTH VIET NAM: THE NEW ..."); from 380 on each one is two
# places later than its document here (query 75, Adoula expelling the Soviet embassy: 390
# is a Tory by-election, 388 "CONGO: READING THE RUSSIANS' MAIL"; query 15, Park Chung Hee
# elected: 424 does not exist, 422 is "SOUTH KOREA: FATIGUES TO FLANNELS"). So two
# documents are missing between positions 371 and 379, which no development judgment names.
TIME_LAST_ALIGNED = 370
TIME_FIRST_SHIFTED = 380
TIME_SHIFT = 2
TIME_MALFORMED = {"83": "its upstream judgments are malformed (SOURCE.md)"}
REL_READINGS = ("corrected", "as-given")


@dataclass
class Collection:
    name: str
    articles: list[dict]  # Article JSON records, in file order
    queries: dict[str, str]  # qid -> the query text as in the file, whitespace collapsed
    qrels: dict[str, set[str]]  # qid -> ids of the relevant articles
    dropped: dict[str, str] = field(default_factory=dict)  # qid -> why it is not scored
    listed: set[str] = field(default_factory=set)  # qids the judgments file lists

    def qids(self) -> list[str]:
        return sorted(self.queries, key=int)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _scorable(name: str, texts: dict[str, str], judged: dict[str, list[str]],
              dropped: dict[str, str], articles: list[dict]) -> Collection:
    """The collection with the queries that have text and a relevant document."""
    queries, qrels = {}, {}
    for qid in sorted(set(texts) | set(judged), key=int):
        if qid in dropped:  # already known to be unusable
            continue
        if qid not in texts:
            dropped[qid] = "judged, but not in the query file"
        elif qid not in judged:
            dropped[qid] = "it has no judgments"
        elif not judged[qid]:
            dropped[qid] = "no relevant document is listed"
        else:
            queries[qid], qrels[qid] = texts[qid], set(judged[qid])
    return Collection(name, articles, queries, qrels, dropped, set(judged))


def read_time(folder: Path, rel: str = "corrected") -> Collection:
    """TIME; `rel` "as-given" takes TIME.REL's numbers as positions here (SOURCE.md)."""
    if rel not in REL_READINGS:
        raise ValueError(f"rel must be one of {REL_READINGS}, not {rel!r}")
    raw = (folder / "TIME.ALL").read_text(encoding="latin-1")
    articles = []
    for record in re.split(r"^\*TEXT\s+", raw, flags=re.M)[1:]:
        head, _, text = record.partition("\n")
        # "017 01/04/63 PAGE 020"; once "431 08/30 63 PAGE 026"
        number, month, day, year = re.match(r"(\d+)\s+(\d\d)/(\d\d)[/ ](\d\d)", head).groups()
        # No headline: the first words run section, title and body together, with nothing
        # to tell where each ends, so the whole text is the body.
        articles.append({"id": f"time-{number}", "source": "TIME", "lang": "en",
                         "headline": "", "body": _flat(text),
                         "published": f"19{year}-{month}-{day}"})
    texts = {}
    for record in re.split(r"^\*FIND\s+", (folder / "TIME.QUE").read_text(), flags=re.M)[1:]:
        qid, _, text = record.partition("\n")
        texts[qid.strip()] = _flat(text)
    dropped = dict(TIME_MALFORMED)
    judged: dict[str, list[str]] = {}
    for line in (folder / "TIME.REL").read_text().splitlines():
        if not line.strip():
            continue
        qid, *positions = line.split()
        ids, lost = [], []
        for p in map(int, positions):
            here = _time_position(p, rel, len(articles))
            (ids if here else lost).append(articles[here - 1]["id"] if here else str(p))
        judged[qid] = ids
        if lost and not ids:
            dropped.setdefault(qid, f"its relevant documents ({', '.join(lost)}) are not "
                                    "in TIME.ALL")
    return _scorable("time", texts, judged, dropped, articles)


def _time_position(p: int, rel: str, count: int) -> int | None:
    """The position in our TIME.ALL of TIME.REL's document `p`, None when it is not there."""
    if rel == "corrected":
        if TIME_LAST_ALIGNED < p < TIME_FIRST_SHIFTED:
            return None  # which of these two are missing is unknown
        if p >= TIME_FIRST_SHIFTED:
            p -= TIME_SHIFT
    return p if 1 <= p <= count else None


def _smart_records(text: str) -> list[tuple[str, dict[str, list[str]]]]:
    """`.I id` records of SMART fields (`.T`, `.A`, `.W`, ...), each field's lines."""
    out = []
    for record in re.split(r"^\.I\s+", text, flags=re.M)[1:]:
        first, _, rest = record.partition("\n")
        fields: dict[str, list[str]] = {}
        current = None
        for line in rest.splitlines():
            marker = re.fullmatch(r"\.([A-Z])\s*", line)
            if marker:
                current = fields.setdefault(marker.group(1), [])
            elif current is not None:
                current.append(line)
        out.append((first.strip(), fields))
    return out


def read_cisi(folder: Path) -> Collection:
    """CISI: title as headline, abstract as body, one author per `.A` line."""
    articles = []
    for docid, f in _smart_records((folder / "CISI.ALL").read_text(encoding="latin-1")):
        articles.append({"id": f"cisi-{docid}", "source": "CISI", "lang": "en",
                         "headline": _flat(" ".join(f.get("T", []))),
                         "body": _flat(" ".join(f.get("W", []))),
                         "authors": [a.strip() for a in f.get("A", []) if a.strip()]})
    known = {a["id"] for a in articles}
    # The query is its `.W` text: the records that also carry `.T`/`.A` are articles'
    # abstracts used as queries, and `.W` is the part a person would paste.
    texts = {qid: _flat(" ".join(f.get("W", [])))
             for qid, f in _smart_records((folder / "CISI.QRY").read_text(encoding="latin-1"))}
    judged: dict[str, list[str]] = {}
    for line in (folder / "CISI.REL").read_text().splitlines():
        if line.strip():
            qid, docid = line.split()[:2]
            if f"cisi-{docid}" in known:
                judged.setdefault(qid, []).append(f"cisi-{docid}")
    return _scorable("cisi", texts, judged, {}, articles)


READERS = {"time": lambda folder, rel: read_time(folder / "time", rel),
           "cisi": lambda folder, rel: read_cisi(folder / "cisi")}


def halves(collection: Collection) -> dict[str, str]:
    """qid -> "tune" or "report" for every scored query.

    The queries the judgments file lists (scored or not) are ordered by a hash of the
    collection's name and the qid, and the first half (rounded up) is for tuning: fixed,
    unrelated to the topic order of the files (neighbouring TIME queries share topics), and
    the same whichever queries a reading of the judgments drops.
    """
    def key(qid: str) -> str:
        return hashlib.sha256(f"{collection.name}:{qid}".encode()).hexdigest()

    ordered = sorted(collection.listed | set(collection.queries), key=key)
    cut = (len(ordered) + 1) // 2
    return {qid: ("tune" if i < cut else "report") for i, qid in enumerate(ordered)
            if qid in collection.queries}
