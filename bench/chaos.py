"""The long chaos run: `reindex` and `update` killed with -9 at random moments, many times.

The same runs as tests/test_resilience_chaos.py (tests/chaoskit.py), longer: --kills kills
per engine, half during `reindex` and half during `update`, each followed by the checks
(the index opens and holds exactly the old or the new articles, no id twice) and by an
unkilled run that must succeed and finish the move. Prints a table: kills by command and
by when they came (as a share of the median unkilled run time of the command; "after its
end": the run had finished), how many left the old state, the new one, or anything else
("bad"), and after how many the next run failed; then every failure.

    .venv/bin/python bench/chaos.py --engine whoosh --kills 50 --seed 1
    .venv/bin/python bench/chaos.py --engine opensearch --opensearch-url http://127.0.0.1:9200

Exit status 1 when any kill went bad.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from chaoskit import Chaos, summary, whoosh_leftovers, whoosh_where  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", choices=["whoosh", "opensearch"], default="whoosh")
    ap.add_argument("--kills", type=int, default=50, help="kills in all (half per command)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--opensearch-url", default="http://127.0.0.1:9200")
    ap.add_argument("--feed", type=int, default=800, help="JSON-lines articles in state A")
    ap.add_argument("--dumps", type=int, default=300, help="text dumps in state A")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repair-wait", type=float, default=0,
                    help="seconds the reindex after a failed kill may wait for a stale lock")
    ap.add_argument("--work", help="work folder (default: a new temporary one)")
    args = ap.parse_args()

    work = Path(args.work or tempfile.mkdtemp(prefix="scrapesearch-chaos-"))
    if args.engine == "whoosh":
        index_dir = str(work / "index")
        settings = {"BACKEND": "whoosh", "INDEX_DIR": index_dir}

        def after_run():
            whoosh_leftovers(index_dir)
        where = whoosh_where(index_dir)
    else:
        alias = f"chaos-{secrets.token_hex(4)}"
        settings = {"BACKEND": "opensearch", "OPENSEARCH_URL": args.opensearch_url,
                    "OPENSEARCH_INDEX": alias, "OPENSEARCH_GRACE_SECONDS": 0}
        after_run = where = None

    started = time.monotonic()
    per_command = {"reindex": args.kills // 2, "update": args.kills - args.kills // 2}
    runs = []
    try:
        for i, (command, kills) in enumerate(per_command.items()):
            chaos = Chaos(settings, work / command, seed=args.seed + i, feed=args.feed,
                          dumps=args.dumps, jobs=args.jobs, after_run=after_run,
                          repair_wait=args.repair_wait, where=where)
            runs.append(chaos)
            chaos.start(command)
            print(f"{command}: unkilled run {chaos.reference[command]:.1f} s; "
                  f"state A {len(chaos.states['A'])} articles, B {len(chaos.states['B'])}",
                  flush=True)
            for n in range(kills):
                kill = chaos.kill_once(command)
                print(f"  kill {n + 1:>3}/{kills} at {kill.at:4.2f} ({kill.phase}): "
                      f"{kill.where + ', ' if kill.where else ''}"
                      f"left {kill.outcome}, next run {kill.next_run or '-'}"
                      f"{'  ' + kill.problem if kill.problem else ''}",
                      flush=True)
                if chaos.broken:
                    print("  stopping: the repair failed too", flush=True)
                    break
    finally:
        if args.engine == "opensearch":
            from opensearchpy import OpenSearch

            OpenSearch([args.opensearch_url], timeout=60).indices.delete(
                index=f"{settings['OPENSEARCH_INDEX']}-*", ignore=[404])

    kills = [k for c in runs for k in c.kills]
    print(f"\n{args.engine}: {len(kills)} kills in {time.monotonic() - started:.0f} s "
          f"(seed {args.seed}, {args.feed} + {args.dumps} articles in state A)")
    print("\n".join(summary(kills)))
    failures = [line for c in runs for line in c.log]
    if failures:
        print("\nfailures:")
        print("\n".join(f"  {line}" for line in failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
