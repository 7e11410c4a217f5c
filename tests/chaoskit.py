"""kill -9 at random moments: what tests/test_resilience_chaos.py and bench/chaos.py share.

A Chaos runs the real command line (`python -m searchapp reindex|update`, configured by
SCRAPESEARCH_* variables as a user's shell would) on a generated collection that exists in
two states, A and B: B drops some articles of A, edits others (text dumps without a URL
get a new id when edited, so an edit is an add plus a remove) and adds new ones. Each run
moves the index from one state to the other, and a seeded random share of the runs is
killed with SIGKILL, the whole process group at once (the command, its extraction
workers and the Whoosh backend's forked segment writers). After each kill:

- the index opens and holds exactly the articles of the old state or of the new one (ids
  and contents), with no id twice and a document count that says the same;
- the next run, with no one touching anything, succeeds and leaves the new state.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newsgen import records

from searchapp.backends import load_backend
from searchapp.config import DEFAULTS, ENVIRONMENT
from searchapp.search.params import SearchParams
from searchapp.search.service import iter_articles

REPO = Path(__file__).resolve().parents[1]
# Runs that are not killed (the first ones, and the recoveries) must end by then.
RUN_TIMEOUT = 600
PHASES = ("0-25%", "25-50%", "50-75%", "75-100%", "after its end")


# -------------------------------------------------------------------------- the collection


def _dump(headline: str, body: str) -> str:
    return f"{headline}\n\n{body}\n"


def collection(feed: int, dumps: int, seed: int) -> dict[str, dict[str, str]]:
    """The two states: {"A": {relative path: file text}, "B": {...}}."""
    rnd = random.Random(seed)
    base = records(feed + dumps, seed=seed)
    extra = records(feed // 5 + dumps // 5, seed=seed + 1)
    feed_a = base[:feed]
    texts_a = {f"dumps/{i:04d}.txt": _dump(r["headline"], r["body"])
               for i, r in enumerate(base[feed:])}
    feed_b = []
    for r in feed_a:
        roll = rnd.random()
        if roll < 0.1:
            continue  # removed
        if roll < 0.3:
            r = {**r, "headline": r["headline"] + " (updated)", "body": r["body"] + " Updated."}
        feed_b.append(r)
    for i, r in enumerate(extra[:feed // 5]):
        feed_b.append({**r, "id": f"new-{i:04d}"})
    texts_b = {}
    for path, text in texts_a.items():
        roll = rnd.random()
        if roll < 0.1:
            continue  # deleted
        texts_b[path] = text + "\nA correction was added.\n" if roll < 0.3 else text
    for i, r in enumerate(extra[feed // 5:]):
        texts_b[f"dumps/new-{i:04d}.txt"] = _dump(r["headline"], r["body"])

    def jsonl(rs):
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rs)

    return {"A": {"feed.jsonl": jsonl(feed_a), **texts_a},
            "B": {"feed.jsonl": jsonl(feed_b), **texts_b}}


def write_state(src: Path, files: dict[str, str]) -> None:
    """Make `src` hold exactly `files` (unchanged files are left untouched)."""
    for p in sorted(src.rglob("*"), reverse=True):
        rel = p.relative_to(src).as_posix()
        if p.is_file() and rel not in files:
            p.unlink()
    for rel, text in files.items():
        p = src / rel
        if p.is_file() and p.read_text(encoding="utf-8") == text:
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


# ------------------------------------------------------------------------------- observing


def fingerprint(settings: dict) -> dict[str, str]:
    """Every article of the live index: id -> hash of its content. Raises on duplicates, on
    a document count that is not the export's, and when the live index changed while it
    looked (then something was still writing: the export and the count say nothing)."""
    backend = load_backend({**DEFAULTS, **settings})
    try:
        live = backend.health().generation
        found = list(iter_articles(backend, SearchParams()))
        by_id = {a.id: hashlib.sha1(f"{a.headline}\n{a.body}".encode()).hexdigest()
                 for a in found}
        dupes = [i for i, n in Counter(a.id for a in found).items() if n > 1]
        if dupes:
            raise AssertionError(f"{len(dupes)} ids found twice, e.g. {dupes[:3]}")
        health = backend.health()
        after = backend.health().generation  # the count too was of the index seen before
        if live != health.generation or live != after:
            raise AssertionError(f"the live index changed during the check ({live} -> "
                                 f"{after}): something was still writing")
        documents = health.documents
        if documents != len(found):
            raise AssertionError(f"health says {documents} documents, the export {len(found)}")
        return by_id
    finally:
        backend.close()


def opensearch_drain(url: str, timeout: float = 120) -> None:
    """Wait until the cluster has done what a killed client had sent: a SIGKILL ends the
    client, not the request it was waiting on (the server carries out an `_aliases`
    request, say, after the client is gone; a check reading the alias meanwhile sees the
    old index, then the new one). Waits for every index request running now (none of ours
    starts after the kill), then for the cluster state updates queued."""
    from opensearchpy import OpenSearch

    client = OpenSearch([url], timeout=60)
    deadline = time.monotonic() + timeout
    running = client.tasks.list(actions="indices:*")
    for node in running.get("nodes", {}).values():
        for task_id in node.get("tasks", {}):
            while time.monotonic() < deadline:
                # Waits up to 30 s (the server's default); 404: it ended before we asked.
                got = client.tasks.get(task_id=task_id, wait_for_completion=True,
                                       ignore=[404, 408, 500])
                if got.get("completed") or got.get("status") == 404:
                    break
                time.sleep(0.1)
    client.cluster.health(wait_for_events="languid")  # the cluster state updates queued
    client.close()


def environment(settings: dict, instance: Path) -> dict[str, str]:
    """The environment that makes the command line open the backend of `settings`."""
    env = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT}
    by_key = {key: var for var, key in ENVIRONMENT.items()}
    for key, value in settings.items():
        env[by_key[key]] = str(value)
    env["SCRAPESEARCH_INSTANCE"] = str(instance)  # an empty one: no config.py from the cwd
    env["SCRAPESEARCH_GENERATION_GRACE"] = "0"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def group_alive(pgid: int) -> list[int]:
    """Processes of group `pgid` that are not dead yet (zombies hold no files: dead)."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            alive.append(int(entry))
    return alive


# --------------------------------------------------------------------------------- running


@dataclass
class Run:
    command: str
    killed: bool  # False: it ended before the kill time (or was not to be killed)
    seconds: float
    returncode: int | None
    stderr: str


@dataclass
class Kill:
    command: str
    at: float  # fraction of the command's reference duration
    phase: str
    outcome: str  # "old", "new" or "bad" (anything else, or the index did not open)
    problem: str = ""
    next_run: str = ""  # "ok", "failed" (it did not succeed or left another state) or ""
    where: str = ""  # what the engine's `where` saw right after the kill


@dataclass
class Chaos:
    """One engine's index (`settings`), a work folder, and a seeded schedule of kills."""

    settings: dict
    work: Path
    seed: int = 9
    feed: int = 400
    dumps: int = 150
    jobs: int = 2
    reference: dict[str, float] = field(default_factory=dict)
    durations: dict[str, list[float]] = field(default_factory=dict)
    states: dict[str, dict[str, str]] = field(default_factory=dict)  # fingerprints
    kills: list[Kill] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    # Engine-specific checks after every successful run (what it leaves on disk, say).
    after_run: Callable[[], None] | None = None
    # A failed kill is followed by a reindex to get back to a known state; it may wait this
    # long for a lock the killed run left (0: a stale lock is a failure, as for a user).
    repair_wait: float = 0
    broken: bool = False  # the repair failed too: further kills would say nothing
    # Engine-specific: what the killed run was doing, seen from what it left (a label).
    where: Callable[[], str] | None = None
    # Engine-specific: wait, after a kill, for what the killed run had asked a server to do
    # (by default, for OpenSearch, opensearch_drain).
    drain: Callable[[], None] | None = None

    def __post_init__(self):
        self.rnd = random.Random(self.seed)
        self.src = self.work / "src"
        self.files = collection(self.feed, self.dumps, self.seed)
        (self.work / "instance").mkdir(parents=True, exist_ok=True)
        self.env = environment(self.settings, self.work / "instance")
        self.state = ""  # the state the index holds now
        if self.drain is None and self.settings.get("BACKEND") == "opensearch":
            url = self.settings["OPENSEARCH_URL"]
            self.drain = lambda: opensearch_drain(url)

    def run(self, command: str, target: str, kill_after: float | None = None,
            wait: float = 0) -> Run:
        """Run `command` towards state `target`; SIGKILL its process group after
        `kill_after` seconds when it is still running then."""
        write_state(self.src, self.files[target])
        err = self.work / "stderr.txt"
        with open(err, "wb") as stderr:
            started = time.monotonic()
            proc = subprocess.Popen(
                [sys.executable, "-m", "searchapp", command, "--quiet", "--jobs", str(self.jobs),
                 "--wait", str(wait), "src"], cwd=self.work, env=self.env, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
            killed = False
            try:
                proc.wait(timeout=RUN_TIMEOUT if kill_after is None else kill_after)
            except subprocess.TimeoutExpired:
                if kill_after is None:
                    raise
                killed = True
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the group
                proc.wait()
                deadline = time.monotonic() + 60
                while group_alive(proc.pid) and time.monotonic() < deadline:
                    time.sleep(0.02)
            seconds = time.monotonic() - started
        if killed and self.drain is not None:
            self.drain()
        return Run(command, killed, seconds, None if killed else proc.returncode,
                   err.read_text(encoding="utf-8", errors="replace"))

    def settle(self, command: str, target: str, wait: float = 0) -> Run:
        """An unkilled run that must succeed and leave exactly `target`."""
        run = self.run(command, target, wait=wait)
        if run.returncode != 0:
            raise AssertionError(f"`{command}` towards {target} exited with {run.returncode}: "
                                 f"{run.stderr.strip()[-800:]}")
        self.check_state(target)
        if self.after_run is not None:
            self.after_run()
        self.state = target
        return run

    def check_state(self, expected: str) -> None:
        got = fingerprint(self.settings)
        if expected not in self.states:
            self.states[expected] = got
        elif got != self.states[expected]:
            raise AssertionError(f"the index is not state {expected}: "
                                 f"{_diff(got, self.states[expected])}")

    def start(self, command: str) -> None:
        """Build state A, then move to B with `command` unkilled: the two reference states,
        and the command's duration (kill times are drawn over it)."""
        self.settle("reindex", "A")
        self._timed(command, self.settle(command, "B"))

    def _timed(self, command: str, run: Run) -> None:
        """Kill times are drawn over the median duration of the command's unkilled runs
        (on a busy machine one run's time says little)."""
        self.durations.setdefault(command, []).append(run.seconds)
        self.reference[command] = statistics.median(self.durations[command])

    def kill_once(self, command: str) -> Kill:
        """One run towards the other state killed at a random moment, checked, then the
        recovery run (unkilled) that must finish the move."""
        old = self.state
        new = "B" if old == "A" else "A"
        at = self.rnd.uniform(0.02, 1.2)
        run = self.run(command, new, kill_after=at * self.reference[command])
        phase = PHASES[min(int(at * 4), 3)] if run.killed else PHASES[-1]
        kill = Kill(command, at, phase, "bad")
        if self.where is not None and run.killed:
            kill.where = self.where()
        try:
            if not run.killed and run.returncode != 0:
                raise AssertionError(f"`{command}` exited with {run.returncode}: "
                                     f"{run.stderr.strip()[-800:]}")
            got = fingerprint(self.settings)
            if got == self.states[old]:
                kill.outcome = "old"
            elif got == self.states[new]:
                kill.outcome = "new"
            else:
                raise AssertionError(f"neither the old state ({_diff(got, self.states[old])}) "
                                     f"nor the new one ({_diff(got, self.states[new])})")
            kill.next_run = "failed"
            self._timed(command, self.settle(command, new))
            kill.next_run = "ok"
        except Exception as e:  # noqa: BLE001 - recorded; the caller decides
            kill.problem = f"{type(e).__name__}: {e}"[:600]
            self.log.append(f"{command} killed at {at:.2f}: {kill.problem}")
            self._repair(new)
        self.kills.append(kill)
        return kill

    def _repair(self, target: str) -> None:
        """After a failure, get back to a known state for the next kill: a full reindex,
        waiting up to `repair_wait` seconds for a lock the killed run left."""
        try:
            self.settle("reindex", target, wait=self.repair_wait)
        except Exception as e:  # noqa: BLE001
            self.log.append(f"the repair (a reindex) failed too: {e}"[:600])
            self.broken = True

    def summary(self) -> list[str]:
        return summary(self.kills)


def summary(kills: list[Kill]) -> list[str]:
    """The table bench/chaos.py prints: kills by command and phase, what each left, and
    whether the next run succeeded."""
    head = "command  killed at      kills  old  new  bad  next run failed"
    rows = [head]

    def row(command: str, phase: str, ks: list[Kill]) -> str:
        n = Counter(k.outcome for k in ks)
        failed = sum(1 for k in ks if k.next_run == "failed")
        return (f"{command:<8} {phase:<14} {len(ks):>5} {n['old']:>4} {n['new']:>4} "
                f"{n['bad']:>4} {failed:>16}")

    for command in sorted({k.command for k in kills}):
        for phase in PHASES:
            ks = [k for k in kills if k.command == command and k.phase == phase]
            if ks:
                rows.append(row(command, phase, ks))
    rows.append(row("all", "", kills))
    seen = [k for k in kills if k.where]
    if seen:
        rows += ["", "command  killed while                            kills  old  new  bad"]
        for command in sorted({k.command for k in seen}):
            for where in sorted({k.where for k in seen if k.command == command}):
                ks = [k for k in seen if k.command == command and k.where == where]
                n = Counter(k.outcome for k in ks)
                rows.append(f"{command:<8} {where:<38} {len(ks):>5} {n['old']:>4} "
                            f"{n['new']:>4} {n['bad']:>4}")
    return rows


def _diff(got: dict[str, str], want: dict[str, str]) -> str:
    missing = len(want.keys() - got.keys())
    extra = len(got.keys() - want.keys())
    changed = sum(1 for k in want.keys() & got.keys() if want[k] != got[k])
    return f"{len(got)} articles, {missing} missing, {extra} extra, {changed} different"



def whoosh_leftovers(index_dir: str) -> None:
    """After a successful run: no unfinished generation, and no more than retention keeps."""
    from searchapp.backends.whoosh import generations

    names = generations.list_generations(index_dir)
    unfinished = [n for n in names
                  if generations.read_report(os.path.join(index_dir, n)) is None]
    if unfinished:
        raise AssertionError(f"unfinished generations left behind: {unfinished}")
    if len(names) > 2 + generations.GRACE_KEPT:
        raise AssertionError(f"{len(names)} generations kept: {names}")


def whoosh_where(index_dir: str) -> Callable[[], str]:
    """Whether a killed run was writing a generation (it left one without a report)."""
    from searchapp.backends.whoosh import generations

    def where() -> str:
        names = generations.list_generations(index_dir)
        if any(generations.read_report(os.path.join(index_dir, n)) is None for n in names):
            return "writing a new generation"
        return "not writing (reading, or done)"

    return where
