#!/usr/bin/env bash
# The issue's comparison in one run: SQLite FTS5 and plain Whoosh (../shared/tools/peer_bench.py)
# against scrapesearch on the same realistic collection. Run by hand from the repository:
#     bench/compare.sh [N_ARTICLES]        (default 20000; results in bench/out/)
# Needs the project's venv (make test or make run creates it) and ../shared beside the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
PY=.venv/bin/python
TOOLS=../shared/tools
OUT=bench/out
PORT=${PORT:-8765}
mkdir -p "$OUT"
CORPUS="$OUT/bench-$N.jsonl"
[ -s "$CORPUS" ] || python3 "$TOOLS/make_bench_corpus.py" "$N" "$CORPUS" --bbc ../shared/corpora/bbc

echo "# SQLite FTS5 (build and queries)"
python3 "$TOOLS/peer_bench.py" fts5 "$CORPUS" "$OUT/pb-fts5" | tee "$OUT/fts5.json"
echo "# plain Whoosh 2.7.4 (build only; its page takes seconds per query)"
$PY "$TOOLS/peer_bench.py" whoosh "$CORPUS" "$OUT/pb-whoosh" --index-only | tee "$OUT/whoosh.json"
echo "# scrapesearch reindex"
$PY bench/index_bench.py "$CORPUS" --index-dir "$OUT/index" | tee "$OUT/scrapesearch-index.json"

echo "# scrapesearch over HTTP (gunicorn, default workers)"
SCRAPESEARCH_INDEX_DIR="$OUT/index" .venv/bin/gunicorn --bind "127.0.0.1:$PORT" \
    --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" wsgi:app &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done
python3 "$TOOLS/peer_bench.py" http "$CORPUS" "http://127.0.0.1:$PORT" | tee "$OUT/http.json"
$PY bench/query_bench.py --url "http://127.0.0.1:$PORT" | tee "$OUT/query-http.json"
