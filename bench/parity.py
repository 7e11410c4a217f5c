#!/usr/bin/env python3
"""How much the two backends' first ten hits agree, on the parity collection and queries.

    .venv/bin/python bench/parity.py --opensearch-url http://127.0.0.1:9200

Indexes the demo samples, bbc and Reuters (../shared) into a temporary Whoosh index and an
OpenSearch alias, runs tests/parity_queries.py (the queries tests/test_parity.py holds to
the same totals, matches and facets), and prints, per query, the total and the overlap of
the two top-10 lists (|both| / min(10, total)); then the mean and the lowest overlaps, for
relevance-ranked queries and for the others (sorted by date or comments, where ties
differ only by index order). Prints one JSON line at the end.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from parity_queries import all_queries  # noqa: E402

from searchapp.backends.opensearch import OpenSearchBackend  # noqa: E402
from searchapp.backends.whoosh import WhooshBackend  # noqa: E402
from searchapp.indexing import reindex  # noqa: E402
from searchapp.search.params import SearchParams  # noqa: E402
from searchapp.search.service import run_search  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--opensearch-url", required=True)
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    args = ap.parse_args()
    shared = Path(args.shared)
    sources = [str(REPO / "samples"), str(shared / "corpora" / "bbc"),
               str(shared / "corpora" / "reuters21578" / "reuters21578.jsonl.gz")]
    alias = f"parity-{secrets.token_hex(3)}"
    with tempfile.TemporaryDirectory() as tmp:
        whoosh = WhooshBackend(str(Path(tmp) / "index"))
        opensearch = OpenSearchBackend.from_config({"OPENSEARCH_URL": args.opensearch_url,
                                                    "OPENSEARCH_INDEX": alias})
        try:
            for backend in (whoosh, opensearch):
                reindex(sources, backend, jobs=2)
            first = run_search(whoosh, SearchParams.from_args({"q": ""}))
            values = {n: [v.value for v in f.values] for n, f in first.facets.items()}
            rows = []
            for q in all_queries(values):
                params = SearchParams.from_args({**q, "per_page": "10"})
                w, o = run_search(whoosh, params), run_search(opensearch, params)
                top_w, top_o = [h.id for h in w.results], [h.id for h in o.results]
                want = min(10, w.total)
                overlap = len(set(top_w) & set(top_o)) / want if want else 1.0
                ranked = w.ranked and q.get("sort", "relevance") == "relevance"
                rows.append({"query": q, "total": w.total, "same_total": w.total == o.total,
                             "ranked": ranked, "overlap": round(overlap, 2),
                             "same_order": top_w == top_o})
                print(f"{overlap:5.2f} {'=' if top_w == top_o else ' '} {w.total:7,} "
                      f"{json.dumps(q, ensure_ascii=False)}")
        finally:
            opensearch.client.indices.delete(index=f"{alias}-*", ignore=[404])
            opensearch.client.indices.delete(index=f"{alias}-lock", ignore=[404])
    summary = {"queries": len(rows), "same_totals": sum(r["same_total"] for r in rows)}
    for label, chosen in (("ranked", [r for r in rows if r["ranked"] and r["total"]]),
                          ("unranked", [r for r in rows if not r["ranked"] and r["total"]])):
        overlaps = [r["overlap"] for r in chosen]
        if overlaps:
            summary[label] = {"queries": len(overlaps),
                              "mean_top10_overlap": round(statistics.mean(overlaps), 3),
                              "min_top10_overlap": min(overlaps),
                              "same_top10_order": sum(r["same_order"] for r in chosen)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
