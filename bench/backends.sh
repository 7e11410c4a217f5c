#!/usr/bin/env bash
# Both backends and SQLite FTS5 on one collection, in one run (the machine is noisy: compare
# the figures of one run, as ratios):
#     bench/backends.sh [N_ARTICLES]      (default 20000; results in bench/out/backends-N/)
# FTS5 (../shared/tools/peer_bench.py), then for the Whoosh backend, OpenSearch on one node
# and OpenSearch on a 3-node cluster (3 shards, a replica each): `scrapesearch reindex`
# (articles/s, bench/index_bench.py), then the page over HTTP under gunicorn (peer_bench.py
# http: p50/p95 of the plain top 10 and of the whole page). Nodes are started here with
# opensearch-node/start (Java 17, Maven) and stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
PY=.venv/bin/python
TOOLS=../shared/tools
OUT=bench/out/backends-$N
PORT=${PORT:-8766}
OS_HTTP=${OS_HTTP:-19700}
OS_TRANSPORT=${OS_TRANSPORT:-19800}
HEAP=${HEAP:-1g}
mkdir -p "$OUT"
CORPUS="bench/out/bench-$N.jsonl"
[ -s "$CORPUS" ] || python3 "$TOOLS/make_bench_corpus.py" "$N" "$CORPUS" --bbc ../shared/corpora/bbc

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    pids=()
}
trap cleanup EXIT

serve_and_measure() {  # $1: label; the backend settings are in the environment
    .venv/bin/gunicorn --bind "127.0.0.1:$PORT" --access-logfile /dev/null \
        --error-logfile "$OUT/gunicorn-$1.log" wsgi:app &
    local server=$!
    for _ in $(seq 150); do
        curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
        sleep 0.2
    done
    python3 "$TOOLS/peer_bench.py" http "$CORPUS" "http://127.0.0.1:$PORT" | tee "$OUT/http-$1.json"
    kill "$server"; wait "$server" 2>/dev/null || true
}

start_cluster() {  # $1: nodes
    opensearch-node/start --nodes "$1" --http "$OS_HTTP" --transport "$OS_TRANSPORT" \
        --heap "$HEAP" --data "$(mktemp -d -t scrapesearch-bench-os.XXXXXX)" \
        >"$OUT/opensearch-$1.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 240); do
        curl -fsS "http://127.0.0.1:$OS_HTTP/_cluster/health?wait_for_nodes=$1&wait_for_status=green&timeout=1s" \
            >/dev/null 2>&1 && return 0
        sleep 1
    done
    echo "OpenSearch ($1 nodes) did not start; see $OUT/opensearch-$1.log" >&2
    exit 1
}

echo "# SQLite FTS5 (build and queries)"
python3 "$TOOLS/peer_bench.py" fts5 "$CORPUS" "$OUT/pb-fts5" | tee "$OUT/fts5.json"
rm -rf "$OUT/pb-fts5"

echo "# Whoosh backend"
$PY bench/index_bench.py "$CORPUS" --index-dir "$OUT/index" | tee "$OUT/index-whoosh.json"
SCRAPESEARCH_INDEX_DIR="$OUT/index" serve_and_measure whoosh
rm -rf "$OUT/index"

for nodes in 1 3; do
    echo "# OpenSearch backend, $nodes node(s)"
    start_cluster "$nodes"
    export SCRAPESEARCH_BACKEND=opensearch
    export SCRAPESEARCH_OPENSEARCH_URL="http://127.0.0.1:$OS_HTTP"
    export SCRAPESEARCH_OPENSEARCH_INDEX="bench"
    export SCRAPESEARCH_OPENSEARCH_SHARDS="$nodes"
    $PY bench/index_bench.py "$CORPUS" | tee "$OUT/index-opensearch-$nodes.json"
    serve_and_measure "opensearch-$nodes"
    unset SCRAPESEARCH_BACKEND SCRAPESEARCH_OPENSEARCH_URL SCRAPESEARCH_OPENSEARCH_INDEX \
        SCRAPESEARCH_OPENSEARCH_SHARDS
    cleanup
done

$PY - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
def load(name):
    with open(f"{out}/{name}.json") as f:
        return json.loads(f.read().strip().splitlines()[-1])
fts = load("fts5")
rows = [("SQLite FTS5", fts.get("docs_per_s"), fts)]
for label, index, http in (("Whoosh backend", "index-whoosh", "http-whoosh"),
                           ("OpenSearch, 1 node", "index-opensearch-1", "http-opensearch-1"),
                           ("OpenSearch, 3 nodes", "index-opensearch-3", "http-opensearch-3")):
    ix = load(index)
    rows.append((label, ix.get("articles_per_second") or ix.get("docs_per_s"), load(http)))
print(f"{'engine':22} {'index art/s':>12} {'plain p50':>10} {'plain p95':>10} "
      f"{'page p50':>9} {'page p95':>9}  page p95 / FTS5")
for label, rate, q in rows:
    print(f"{label:22} {rate or 0:12,.0f} {q['plain_p50_ms']:10.1f} {q['plain_p95_ms']:10.1f} "
          f"{q['page_p50_ms']:9.1f} {q['page_p95_ms']:9.1f}  {q['page_p95_ms'] / fts['page_p95_ms']:.2f}")
PY
