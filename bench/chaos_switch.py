"""OpenSearch: `reindex` killed with -9 right around its alias switch, and the chaos check.

Kills the process group 0 to --max-delay seconds after the new index gets its report (the
_meta switch() writes just before it sends the `_aliases` request), optionally with the
node kept busy by other cluster state updates (--busy: _meta changes of another index), then
runs tests/chaoskit.py's check. With --no-drain the check does not first wait for the
requests the killed run had sent (what a chaos run did before): the `_aliases` request the
server carries out after the client is dead then lands during the check, whose export
saw the old index and count the new one.

    .venv/bin/python bench/chaos_switch.py --opensearch-url http://127.0.0.1:9200 --busy

Prints one line per kill (when the alias moved, counted from the kill; when the check ran)
and the tally; exit status 1 when a check failed.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from chaoskit import Chaos, fingerprint, group_alive, write_state  # noqa: E402
from opensearchpy import OpenSearch  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--opensearch-url", default="http://127.0.0.1:9200")
    ap.add_argument("--kills", type=int, default=25)
    ap.add_argument("--max-delay", type=float, default=0.04)
    ap.add_argument("--busy", action="store_true", help="other cluster state updates meanwhile")
    ap.add_argument("--no-drain", action="store_true", help="check at once after the kill")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    url = args.opensearch_url
    alias = f"switch-{secrets.token_hex(4)}"
    settings = {"BACKEND": "opensearch", "OPENSEARCH_URL": url, "OPENSEARCH_INDEX": alias,
                "OPENSEARCH_GRACE_SECONDS": 0}
    work = Path(tempfile.mkdtemp(prefix="scrapesearch-switch-"))
    client = OpenSearch([url], timeout=60)
    stop = threading.Event()
    busy: list[threading.Thread] = []
    tally = {"old": 0, "new": 0, "failed": 0, "moved after the kill": 0}
    try:
        chaos = Chaos(settings, work, seed=args.seed, feed=800, dumps=300)
        chaos.start("reindex")
        print(f"state A {len(chaos.states['A'])} articles, B {len(chaos.states['B'])}",
              flush=True)
        if args.busy:
            client.indices.create(index=f"{alias}-busy", body={"settings": {
                "number_of_shards": 1, "number_of_replicas": 0}})
            busy = [threading.Thread(target=_busy, args=(url, f"{alias}-busy", stop))
                    for _ in range(3)]
            for thread in busy:
                thread.start()
        rnd = random.Random(args.seed)
        for n in range(args.kills):
            old = chaos.state
            new = "B" if old == "A" else "A"
            line = _kill_at_switch(chaos, client, alias, new, rnd.uniform(0, args.max_delay),
                                   drain=not args.no_drain)
            try:
                got = fingerprint(settings)
                outcome = ("old" if got == chaos.states[old] else
                           "new" if got == chaos.states[new] else "neither")
            except AssertionError as e:
                outcome = f"failed: {e}"
            line["check"] += f"-{line['clock']()}ms"
            time.sleep(0.3)
            line["watch"].stop.set()
            line["watch"].join()
            moved = [(ms, t) for ms, t in line["watch"].seen[1:]]
            tally["moved after the kill"] += bool(moved)
            tally[outcome if outcome in tally else "failed"] += 1
            print(f"{n + 1:>3} {old}->{new} killed {line['delay']}; alias moved at "
                  f"{[ms for ms, _ in moved] or '-'} ms; check {line['check']}: {outcome}",
                  flush=True)
            chaos.settle("reindex", new)
    finally:
        stop.set()
        for thread in busy:
            thread.join()
        client.indices.delete(index=f"{alias}-*", ignore=[404])
    print(tally)
    return 1 if tally["failed"] else 0


def _busy(url: str, name: str, stop: threading.Event) -> None:
    """Cluster state updates of another index, one after the other: new _meta."""
    client = OpenSearch([url], timeout=60)
    n = 0
    while not stop.is_set():
        client.indices.put_mapping(index=name, body={"_meta": {"n": n}}, ignore=[404])
        n += 1


class _Watch(threading.Thread):
    """The alias's targets, polled, with when they changed (ms after `since`)."""

    def __init__(self, url: str, alias: str, since: float):
        super().__init__(daemon=True)
        self.client = OpenSearch([url], timeout=60)
        self.alias, self.since, self.seen, self.stop = alias, since, [], threading.Event()

    def run(self):
        last = None
        while not self.stop.is_set():
            got = sorted(self.client.indices.get_alias(name=self.alias, ignore=[404]))
            if got != last:
                self.seen.append((round((time.monotonic() - self.since) * 1000), got))
                last = got
            time.sleep(0.001)


def _kill_at_switch(chaos: Chaos, client, alias: str, target: str, delay: float,
                    drain: bool) -> dict:
    existing = set(client.indices.get(index=f"{alias}-g*", ignore=[404]))
    write_state(chaos.src, chaos.files[target])
    proc = subprocess.Popen(
        [sys.executable, "-m", "searchapp", "reindex", "--quiet", "--jobs", "2", "src"],
        cwd=chaos.work, env=chaos.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, start_new_session=True)
    while proc.poll() is None:
        got = client.indices.get_mapping(index=f"{alias}-g*", ignore=[404])
        if any("report" in ((body.get("mappings") or {}).get("_meta") or {})
               for name, body in got.items() if name not in existing):
            break
        time.sleep(0.002)
    else:
        raise SystemExit(f"reindex ended before its switch was seen: {proc.stderr.read()}")
    time.sleep(delay)
    killed = time.monotonic()
    watch = _Watch(chaos.settings["OPENSEARCH_URL"], alias, killed)
    watch.start()
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    while group_alive(proc.pid):
        time.sleep(0.002)

    def clock() -> int:
        return round((time.monotonic() - killed) * 1000)

    if drain:
        chaos.drain()
    return {"delay": f"{delay * 1000:.0f} ms after the report", "watch": watch,
            "check": f"{clock()}", "clock": clock}


if __name__ == "__main__":
    sys.exit(main())
