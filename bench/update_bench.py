#!/usr/bin/env python3
"""`scrapesearch update` against a full `reindex`, for one or more checkouts in one run.

    .venv/bin/python bench/update_bench.py COLLECTION [CHECKOUT...] [--edit 0.01]
        [--jobs N] [--work DIR]

For each checkout (default: this one), run with that checkout's code (PYTHONPATH): a
`reindex` of the collection (a copy at one fixed path, so that every checkout reads the
same paths), an `update` that changes nothing, then an `update` after a share `--edit` of
the articles was edited in place (bench/serving.py's edited_copy: a sentence added to the
body; none removed). Prints each run's seconds and each update as a share of the reindex
of the same checkout, then one JSON line per checkout; two checkouts (main and a branch)
make before/after ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from serving import edited_copy  # noqa: E402


def run(checkout: Path, *args: str) -> tuple[float, dict]:
    """Seconds of `scrapesearch ARGS` run with `checkout`'s code, and its JSON report."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", "from searchapp.cli import main; main()",
                           *args], env=env, cwd=checkout, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode not in (0, 1):
        sys.exit(f"{checkout}: scrapesearch {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return seconds, done


def last_update(index_dir: Path) -> dict:
    """The live generation's last-update.json (what the update says it did)."""
    gen = (index_dir / "current").resolve()
    path = gen / "last-update.json"
    return json.loads(path.read_text()) if path.exists() else {}


def bench(checkout: Path, collection: Path, work: Path, edit: float, jobs: int) -> dict:
    source = work / "source" / collection.name
    index = work / checkout.name / "index"
    shutil.rmtree(index.parent, ignore_errors=True)
    index.parent.mkdir(parents=True)
    source.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(collection, source)
    common = ["--index-dir", str(index), "--jobs", str(jobs)]
    out: dict = {"checkout": str(checkout), "load_before": os.getloadavg()[0]}
    out["reindex_s"], _ = run(checkout, "reindex", *common, str(source))
    out["nochange_s"], _ = run(checkout, "update", *common, str(source))
    out["nochange_report"] = last_update(index)
    out["kept"] = edited_copy(collection, source, seed=1, edit=edit, drop=0.0)
    out["update_s"], _ = run(checkout, "update", *common, str(source))
    out["update_report"] = last_update(index)
    out["load_after"] = os.getloadavg()[0]
    shutil.copyfile(collection, source)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("collection", type=Path, help="Article JSON lines")
    ap.add_argument("checkouts", type=Path, nargs="*", default=[REPO])
    ap.add_argument("--edit", type=float, default=0.01, help="share of articles edited")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--work", type=Path,
                    default=Path(tempfile.gettempdir()) / "update_bench",
                    help="where the copies and indexes go (deleted at the end)")
    args = ap.parse_args()
    if not args.collection.is_file():
        ap.error(f"{args.collection} does not exist")
    names = [c.resolve().name for c in args.checkouts]
    if len(set(names)) != len(names):
        ap.error("the checkouts' folder names must differ (each names its index)")
    results = []
    try:
        for checkout in args.checkouts:
            r = bench(checkout.resolve(), args.collection.resolve(), args.work, args.edit,
                      args.jobs)
            results.append(r)
            print(json.dumps({k: v for k, v in r.items() if not k.endswith("_report")}),
                  flush=True)
    finally:
        shutil.rmtree(args.work, ignore_errors=True)
    print(f"\n{args.collection.name}, {args.edit:.0%} edited, --jobs {args.jobs}\n")
    print("| checkout | reindex s | update (edited) s | share | no-change update s | share |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(f"| {r['checkout']} | {r['reindex_s']:.1f} | {r['update_s']:.1f} | "
              f"{r['update_s'] / r['reindex_s']:.1%} | {r['nochange_s']:.1f} | "
              f"{r['nochange_s'] / r['reindex_s']:.1%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
