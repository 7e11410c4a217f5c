"""Ranking quality on judged collections (issue 12): scrapesearch beside SQLite FTS5 and Whoosh.

    .venv/bin/python bench/relevance.py [--opensearch URL] [--collection time|cisi]...
        [--half tune|report|all]... [--json FILE] [--time-rel corrected|as-given]

Reads TIME and CISI from ../shared/corpora (relevance_collections.py), writes each as
Article JSON lines, indexes them through `reindex` on the Whoosh backend (a temporary
index) and, with --opensearch, on OpenSearch (a new alias, deleted afterwards), and runs
every scored development query as typed through `run_search`, the call behind the web
page and the API (on one line, cut to the query language's limit, parser.MAX_QUERY_CHARS,
at a word boundary). Beside them, from the same run, SQLite FTS5 and plain Whoosh
(relevance_peers.py) get the whole line. Prints nDCG@10, MAP@100, P@10 and the queries
that found nothing (or fewer than 10), per collection, half of the queries (tune, report,
all) and system; --json writes them with every query's figures and first ten ids.
"""

from __future__ import annotations

import argparse
import json
import math
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))  # run from anywhere, without installing
sys.path.append(str(Path(__file__).resolve().parent))  # its helpers, and nothing shadowed

from relevance_collections import READERS, REL_READINGS, Collection, halves  # noqa: E402
from relevance_peers import Fts5, PlainWhoosh  # noqa: E402

DEPTH = 100  # ids taken per query: MAP@100, and the most a page shows (MAX_PER_PAGE)
CUTOFF = 10  # nDCG@10, P@10
HALVES = ("tune", "report", "all")
Ranker = Callable[[str], list[str]]  # the query on one line -> ids, best first


# ------------------------------------------------------------------------------ metrics

def precision_at(ranking: list[str], relevant: set[str], k: int = CUTOFF) -> float:
    """The share of the first k places held by relevant documents (empty places count)."""
    return sum(1 for d in ranking[:k] if d in relevant) / k


def ndcg_at(ranking: list[str], relevant: set[str], k: int = CUTOFF) -> float:
    """Binary gains, log2(rank + 1) discount; the ideal puts every relevant one first."""
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranking[:k]) if d in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def average_precision(ranking: list[str], relevant: set[str], depth: int = DEPTH) -> float:
    """Precision at each relevant document in the first `depth`, over all relevant ones."""
    found, total = 0, 0.0
    for i, d in enumerate(ranking[:depth]):
        if d in relevant:
            found += 1
            total += found / (i + 1)
    return total / len(relevant) if relevant else 0.0


# ------------------------------------------------------------------------ our readings

def typed(text: str) -> str:
    """The query on one line, cut to the query language's limit at a word boundary (the
    parser would cut it there too, in a word perhaps). The peers get the whole line."""
    from searchapp.search.parser import MAX_QUERY_CHARS

    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARS:
        head = text[:MAX_QUERY_CHARS + 1]
        text = head.rsplit(" ", 1)[0] if " " in head else text[:MAX_QUERY_CHARS]
    return text


def search(backend, q: str, match: str = "auto"):
    """The first DEPTH hits of `q` as the search page and /api/search get them."""
    from searchapp.search.params import SearchParams
    from searchapp.search.service import run_search

    params = SearchParams.from_args({"q": q, "per_page": str(DEPTH), "facets": "none",
                                     "snippets": "none", "match": match})
    return run_search(backend, params, suggest=False)


def as_typed(backend, text: str) -> list[str]:
    """The strict reading: the query as typed, AND of every word (match=all)."""
    return [h.id for h in search(backend, text, "all").results]


OURS = "as typed"
ENOUGH = 10


def ours(backend, text: str) -> list[str]:
    """scrapesearch's reading of a typed question, as the page and the API give it: the
    strict reading, and for a long query that finds fewer than service.LOOSE_BELOW, the
    loose one (the most of its words first); change it here (OURS names it)."""
    return [h.id for h in search(backend, text).results]


BEFORE = "strict, then OR when <10 (before issue 12)"


def strict_then_or(backend, text: str) -> list[str]:
    """What a user got before issue 12: the strict reading, and when it finds fewer than
    ENOUGH, after its hits those of the "any of the words" query the page offered at zero
    results (service._or_version), run as that link runs it (through the parser again, so
    cut at parser.MAX_QUERY_CHARS)."""
    from searchapp.search.parser import parse
    from searchapp.search.service import _or_version

    first = search(backend, text, "all")
    ids = [h.id for h in first.results]
    loose = _or_version(parse(text).tree) if first.total < ENOUGH else None
    if loose:
        seen = set(ids)
        ids += [h.id for h in search(backend, loose, "all").results if h.id not in seen]
    return ids[:DEPTH]


# ----------------------------------------------------------------------------- engines

def whoosh_backend(work: Path, name: str):
    from searchapp.backends.whoosh import WhooshBackend

    return WhooshBackend(str(work / f"index-{name}"))


def opensearch_backend(url: str, name: str, stack: ExitStack):
    """A backend on a new alias, whose indexes are deleted when `stack` closes."""
    from opensearchpy import OpenSearch

    from searchapp.backends.opensearch import OpenSearchBackend

    alias = f"relevance-{name}-{secrets.token_hex(4)}"
    client = OpenSearch([url], timeout=60)
    stack.callback(client.indices.delete, index=f"{alias}-*", ignore=[404])
    return OpenSearchBackend.from_config({"OPENSEARCH_URL": url, "OPENSEARCH_INDEX": alias,
                                          "OPENSEARCH_GRACE_SECONDS": 0})


def systems(coll: Collection, source: Path, work: Path, args, stack: ExitStack,
            log) -> dict[str, Ranker]:
    """Every system to measure on `coll`, indexed and ready: name -> text -> ranked ids."""
    from searchapp.indexing import reindex

    engines = {"whoosh": lambda: whoosh_backend(work, coll.name)}
    if args.opensearch:
        engines["opensearch"] = lambda: opensearch_backend(args.opensearch, coll.name, stack)
    out: dict[str, Ranker] = {}
    for engine, make in engines.items():
        backend = make()
        stack.callback(backend.close)
        t = time.perf_counter()
        report = reindex([str(source)], backend, jobs=args.jobs)
        log(f"{coll.name}: {engine} reindex: {report.indexed} articles, "
            f"{report.skipped_total} skipped, {time.perf_counter() - t:.1f} s")
        out[f"{engine}: strict"] = lambda text, b=backend: as_typed(b, typed(text))
        out[f"{engine}: {BEFORE}"] = lambda text, b=backend: strict_then_or(b, typed(text))
        out[f"{engine}: {OURS}"] = lambda text, b=backend: ours(b, typed(text))
    for peer in (Fts5(coll.articles), PlainWhoosh(coll.articles)):
        stack.callback(peer.close)
        out[peer.name] = lambda text, p=peer: p.rank(text, DEPTH)
    return out


def limits_hit(coll: Collection) -> dict[str, list[str]]:
    """The queries cut to the character limit, and those the parser cut to its word limit."""
    from searchapp.search.parser import MAX_QUERY_CHARS, MAX_WORDS, parse

    flat = {qid: " ".join(coll.queries[qid].split()) for qid in coll.qids()}
    return {"cut_chars": [q for q, t in flat.items() if len(t) > MAX_QUERY_CHARS],
            "cut_words": [q for q, t in flat.items() if any(
                f"first {MAX_WORDS} words" in n for n in parse(typed(t)).notices)]}


# ------------------------------------------------------------------------------- a run

def measure(coll: Collection, rankers: dict[str, Ranker], log) -> dict:
    """Per system, per query: the metrics and the first ids; and the seconds it took."""
    out = {}
    for name, rank in rankers.items():
        t, rows = time.perf_counter(), {}
        for qid in coll.qids():
            ranking = list(dict.fromkeys(rank(" ".join(coll.queries[qid].split()))))
            rel = coll.qrels[qid]
            rows[qid] = {"ndcg@10": ndcg_at(ranking, rel), "ap@100": average_precision(
                ranking, rel), "p@10": precision_at(ranking, rel), "found": len(ranking),
                "top10": ranking[:CUTOFF]}
        out[name] = {"queries": rows, "seconds": round(time.perf_counter() - t, 2)}
        log(f"{coll.name}: {name}: {out[name]['seconds']} s")
    return out


def summary(rows: dict[str, dict], which: dict[str, str], half: str) -> dict:
    picked = [r for qid, r in rows.items() if half == "all" or which[qid] == half]
    n = len(picked)

    def mean(key: str) -> float:
        return round(sum(r[key] for r in picked) / n, 4) if n else 0.0

    return {"queries": n, "ndcg@10": mean("ndcg@10"), "map@100": mean("ap@100"),
            "p@10": mean("p@10"), "zero": sum(1 for r in picked if not r["found"]),
            "under10": sum(1 for r in picked if r["found"] < CUTOFF)}


def table(results: list[dict], shown: tuple[str, ...]) -> str:
    lines = ["| collection | half | system | queries | nDCG@10 | MAP@100 | P@10 | zero results "
             "| under 10 |", "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        if r["half"] in shown:
            lines.append(f"| {r['collection']} | {r['half']} | {r['system']} | {r['queries']} "
                         f"| {r['ndcg@10']:.3f} | {r['map@100']:.3f} | {r['p@10']:.3f} "
                         f"| {r['zero']} | {r['under10']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--opensearch", metavar="URL", help="also measure the OpenSearch backend")
    ap.add_argument("--collection", action="append", choices=sorted(READERS))
    ap.add_argument("--half", action="append", choices=HALVES,
                    help="halves of the queries to print (default: all three)")
    ap.add_argument("--json", metavar="FILE", help="write every figure and ranking here")
    ap.add_argument("--time-rel", choices=REL_READINGS, default="corrected",
                    help="TIME.REL's numbers shifted past the two missing documents "
                         "(corrected, the default) or taken as positions (as-given)")
    ap.add_argument("--corpora", type=Path, default=SHARED / "corpora")
    ap.add_argument("--work", type=Path, help="keep the articles and indexes here")
    ap.add_argument("--jobs", type=int, default=1, help="reindex's worker processes")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    results, details = [], {}
    with ExitStack() as stack:
        work = args.work or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        work.mkdir(parents=True, exist_ok=True)
        for name in args.collection or sorted(READERS, reverse=True):  # time, then cisi
            coll = READERS[name](args.corpora, args.time_rel)
            which = halves(coll)
            source = work / f"{name}.jsonl"
            source.write_text("".join(json.dumps(a) + "\n" for a in coll.articles))
            measured = measure(coll, systems(coll, source, work, args, stack, log), log)
            for half in HALVES:
                for system, m in measured.items():
                    results.append({"collection": name, "half": half, "system": system,
                                    **summary(m["queries"], which, half)})
            details[name] = {"articles": len(coll.articles), "queries": len(coll.queries),
                             "dropped": coll.dropped, "halves": which, **limits_hit(coll),
                             "systems": measured}
    print(table(results, tuple(args.half or HALVES)))
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"command": sys.argv, "time_rel": args.time_rel, "ours": OURS,
             "results": results, "collections": details}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
