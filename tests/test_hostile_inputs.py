"""Hostile inputs are skipped or extracted within bounds, with a reason, and the pool survives.

Issue 3 and reliability.md T20/T23: a 50 MB page, 100,000 nested elements, binary data
named .html, a gzip bomb, a truncated WARC, a page that needs too much memory; plus the
per-item time bound and the per-worker memory bound (indexer/limits.py) by themselves.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest
from warcs import Archive, page

from indexer.discover import Item
from indexer.limits import ITEM_SECONDS_ENV, WORKER_MEMORY_ENV, Limits, TookTooLong, time_bound
from indexer.pipeline import extract_all
from indexer.pipeline import pool as _pool
from indexer.work import Extracted, Failed, extract_item

GOOD_PAGES = {
    f"page-{i}.html": page(f"Council votes on the {name} budget",
                           f"The council approved the {name} budget on Tuesday evening.",
                           f"Spending on {name} rises by four percent next year.")
    for i, name in enumerate(["harbour", "library", "school", "tram"])
}
GOOD_DUMPS = {
    f"dump-{i}.txt": f"Storm closes the {name} road\n\nThe {name} road was closed overnight "
                     f"after the storm brought down trees.\n"
    for i, name in enumerate(["coast", "valley"])
}


def gzip_bomb(path: Path, gigabytes: int) -> None:
    """A .gz that inflates to `gigabytes` of zeros: one 16 MB member, repeated (~2 MB per GB)."""
    member = zlib.compressobj(9, zlib.DEFLATED, 31)
    one = member.compress(bytes(16 << 20)) + member.flush()
    with open(path, "wb") as f:
        for _ in range(gigabytes * 64):
            f.write(one)


def hostile_folder(src: Path) -> dict[str, str]:
    """Good inputs plus the hostile ones; returns {hostile path: what it is}."""
    src.mkdir()
    for name, data in GOOD_PAGES.items():
        (src / name).write_bytes(data)
    for name, text in GOOD_DUMPS.items():
        (src / name).write_text(text, encoding="utf-8")
    with open(src / "big.html", "wb") as f:  # 50 MB and a bit of ordinary paragraphs
        para = b"<p>" + b"The harbour board met again to discuss the quay. " * 20 + b"</p>\n"
        f.write(b"<html><head><title>Big</title></head><body>")
        f.write(para * ((50 << 20) // len(para) + 1))
        f.write(b"</body></html>")
    (src / "nested.html").write_bytes(
        b"<html><head><title>Nested</title></head><body>" + b"<div>" * 100_000
        + b"<p>Deep down there is one sentence of text in this page.</p>"
        + b"</div>" * 100_000 + b"</body></html>")
    (src / "x.html").write_bytes(os.urandom(1 << 20))
    gzip_bomb(src / "x.html.gz", gigabytes=2)
    (src / "flat.html").write_bytes(  # 5 million elements: a parse tree of gigabytes
        b"<html><head><title>Flat</title></head><body><p>" + b"<i>x</i>" * (5 << 20)
        + b"</p></body></html>")
    whole = (Archive(src / "crawl.warc.gz").warcinfo()
             .response("https://coastpost.example/ferry",
                       page("Ferry timetable changes", "The winter timetable starts in October."))
             .response("https://coastpost.example/bridge",
                       page("Bridge reopens", "The bridge reopened to traffic on Sunday."))
             .response("https://coastpost.example/cut", page("Cut short", "This one is cut."))
             .close())
    data = whole.read_bytes()
    whole.write_bytes(data[: len(data) - 150])  # the last record loses its end
    return {
        "src/big.html": "a 50 MB page",
        "src/nested.html": "100,000 nested elements",
        "src/x.html": "random bytes named .html",
        "src/x.html.gz": "a gzip bomb",
        "src/flat.html": "a page whose tree needs gigabytes",
        "src/crawl.warc.gz": "a truncated WARC",
    }


@pytest.mark.slow
def test_hostile_inputs_beside_good_ones(tmp_path):
    hostile = hostile_folder(tmp_path / "src")
    env = {**os.environ, "SCRAPESEARCH_INDEX_DIR": str(tmp_path / "idx"),
           ITEM_SECONDS_ENV: "20", WORKER_MEMORY_ENV: "1024"}
    env.pop("SCRAPESEARCH_INSTANCE", None)
    # A wrapper process measures the peak memory of the indexing process (the workers,
    # grandchildren under the forkserver, are not counted: their RLIMIT_AS bounds them).
    wrapper = ("import resource, subprocess, sys; "
               "rc = subprocess.run([sys.executable, '-m', 'searchapp', 'reindex', '--jobs', '2', "
               "'--quiet', 'src']).returncode; "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", wrapper], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    seconds = time.monotonic() - started
    peak_kb, rc = map(int, done.stdout.split())
    assert rc == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert peak_kb < 1024 * 1024, f"peak RSS {peak_kb // 1024} MB"
    assert seconds < 200  # a hang would hit the timeout; this is only a generous guard

    stats = subprocess.run([sys.executable, "-m", "searchapp", "stats", "--json"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=60)
    report = json.loads(stats.stdout)["report"]
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    search = subprocess.run([sys.executable, "-m", "searchapp", "search", "--json", "-n", "100"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    indexed = {r["headline"] for r in json.loads(search.stdout)["results"]}
    # Every good article is in, the two pages before the WARC's damage included.
    assert indexed >= {"Council votes on the harbour budget", "Council votes on the library "
                       "budget", "Council votes on the school budget", "Council votes on the "
                       "tram budget", "Storm closes the coast road", "Storm closes the valley "
                       "road", "Ferry timetable changes", "Bridge reopens"}
    assert "Cut short" not in indexed
    assert skipped["src/big.html"] == "it is larger than the 50 MB limit"
    assert skipped["src/x.html"].startswith("it looks like binary data")
    assert skipped["src/x.html.gz"] == "it decompresses to more than the 50 MB limit"
    assert skipped["src/crawl.warc.gz"] == ("the archive is damaged after record 3: it ends in "
                                            "the middle of a record")
    # Deep nesting and a huge tree may be read or refused, but never silently lost.
    for path in ("src/nested.html", "src/flat.html"):
        headline = {"src/nested.html": "Nested", "src/flat.html": "Flat"}[path]
        assert (path in skipped) != (headline in indexed), (path, hostile[path])
        assert skipped.get(path, "reason") != ""
    assert set(skipped) <= set(hostile)
    assert report["skipped_total"] == len(skipped)


# ---------------------------------------------------------------- the time bound


# A page that takes a good 0.1 s to extract, far above the 1 ms bound below even when warm.
LONG_PAGE = page("Council votes on the budget", *[
    f"Paragraph {i} is about the council budget and its many lines of spending."
    for i in range(500)])


def items(n: int) -> list[Item]:
    return [Item(f"crawl.warc#{i + 1}", "warc", 100, LONG_PAGE) for i in range(n)]


def test_every_item_over_its_time_is_skipped_and_the_pool_goes_on(monkeypatch):
    monkeypatch.setenv(ITEM_SECONDS_ENV, "0.001")  # no page extracts in a millisecond
    results = [r for batch, _ in extract_all([(items(3), 300), (items(3), 300)], 2)
               for r in batch]
    assert [(r.path, r.reason) for r in results] == [
        (f"crawl.warc#{i}", "it took longer than 0.001 s to extract") for i in (1, 2, 3) * 2]
    monkeypatch.setenv(ITEM_SECONDS_ENV, "30")
    results = [r for batch, _ in extract_all([(items(3), 300)], 2) for r in batch]
    assert all(isinstance(r, Extracted) for r in results)


def slow_parse(data, path, **kwargs):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # busy Python code, as a quadratic parser would be
        try:
            sum(range(1000))
        except Exception:  # an extractor's catch-all must not swallow the time-out
            pass
    raise AssertionError("the time bound did not stop the extractor")


def test_a_slow_item_in_process_is_cut_off_and_the_alarm_restored(monkeypatch):
    from indexer.extract import html

    monkeypatch.setattr(html, "parse", slow_parse)
    monkeypatch.setenv(ITEM_SECONDS_ENV, "0.2")
    before = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    (result,) = extract_item(items(1)[0])
    assert time.monotonic() - started < 5
    assert result == Failed("crawl.warc#1", "it took longer than 0.2 s to extract")
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


class _SlowToCollect:
    def __del__(self):  # as ZipFile.__del__: Python prints what it raises, and goes on
        slow_until = time.monotonic() + 0.5
        while time.monotonic() < slow_until:
            sum(range(1000))


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_time_out_raised_inside_a_finaliser_still_skips_the_item(monkeypatch):
    from indexer.extract import html

    real_parse = html.parse

    def parse_with_a_slow_finaliser(data, path, **kwargs):
        _SlowToCollect()  # collected at once: the timer goes off inside its __del__
        return real_parse(data, path, **kwargs)

    monkeypatch.setattr(html, "parse", parse_with_a_slow_finaliser)
    monkeypatch.setenv(ITEM_SECONDS_ENV, "0.1")
    (result,) = extract_item(items(1)[0])
    assert result == Failed("crawl.warc#1", "it took longer than 0.1 s to extract")
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_time_bound_off_the_main_thread():
    errors = []

    def work():
        try:
            with time_bound(0.01):
                time.sleep(0.1)
        except BaseException as e:  # noqa: BLE001 - any escape is the failure
            errors.append(e)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert errors == []


def test_time_bound_raises_in_the_main_thread():
    with pytest.raises(TookTooLong), time_bound(0.05):
        time.sleep(2)


def test_the_hard_stop_ends_what_the_timer_cannot_interrupt():
    # sum() over a C iterator never returns to the interpreter loop, so SIGALRM's handler
    # cannot run; faulthandler's C watchdog ends the process (in a pool: a worker, replaced).
    code = ("import itertools\n"
            "from indexer.limits import time_bound\n"
            "with time_bound(0.2, hard_stop=1.0):\n"
            "    sum(itertools.repeat(1, 10**12))\n"
            "print('finished')\n")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0
    assert "finished" not in done.stdout
    assert time.monotonic() - started < 60


# ---------------------------------------------------------------- the memory bound


def test_the_memory_bound_is_set_in_workers_only(monkeypatch):
    monkeypatch.setenv(WORKER_MEMORY_ENV, "3000")
    mine = resource.getrlimit(resource.RLIMIT_AS)
    with _pool(1) as pool:
        soft, _ = pool.submit(resource.getrlimit, resource.RLIMIT_AS).result()
    assert soft == 3000 * 1024 * 1024
    assert resource.getrlimit(resource.RLIMIT_AS) == mine


def test_a_memory_error_is_a_skip(monkeypatch):
    from indexer.extract import html

    def greedy(data, path, **kwargs):
        raise MemoryError

    monkeypatch.setattr(html, "parse", greedy)
    assert extract_item(items(1)[0]) == [
        Failed("crawl.warc#1", "it needs more memory than one article may use")]


def test_limits_from_the_environment(monkeypatch):
    monkeypatch.delenv(ITEM_SECONDS_ENV, raising=False)
    monkeypatch.delenv(WORKER_MEMORY_ENV, raising=False)
    assert Limits.from_env() == Limits(30.0, 4096)
    monkeypatch.setenv(ITEM_SECONDS_ENV, "2.5")
    monkeypatch.setenv(WORKER_MEMORY_ENV, "0")  # 0: no bound
    assert Limits.from_env() == Limits(2.5, 0)
    monkeypatch.setenv(ITEM_SECONDS_ENV, "soon")
    monkeypatch.setenv(WORKER_MEMORY_ENV, "-5")
    assert Limits.from_env() == Limits(30.0, 4096)


def test_an_outer_timer_goes_on_after_an_item():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with time_bound(5):
            pass
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining <= 0.5
        time.sleep(0.7)
        assert fired == [True]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_batch_arms_the_hard_stop_once_and_never_ends_an_item_early(monkeypatch):
    """Inside hard_stop_watch the watchdog is re-armed only when stale, armed for so much
    longer that every item still has its whole hard stop; it is cancelled at the end."""
    from indexer import limits

    clock = [100.0]
    armed: list[tuple[float, float]] = []  # (when, timeout)
    cancelled = []
    monkeypatch.setattr(limits.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(limits, "_devnull", lambda: None)  # no file left open by the test
    monkeypatch.setattr(limits.faulthandler, "dump_traceback_later",
                        lambda timeout, **kw: armed.append((clock[0], timeout)))
    monkeypatch.setattr(limits.faulthandler, "cancel_dump_traceback_later",
                        lambda: cancelled.append(clock[0]))
    with limits.hard_stop_watch():
        for _ in range(50):
            with time_bound(30, hard_stop=65):
                started = clock[0]
                when, timeout = armed[-1]
                assert when + timeout >= started + 65  # never ends an item before its time
                assert when + timeout <= started + 65 + limits.REARM_SECONDS
            clock[0] += 0.15
    assert 1 < len(armed) <= 50 * 0.15 / limits.REARM_SECONDS + 1
    assert cancelled == [clock[0]]
    with time_bound(30, hard_stop=65):  # outside a watch: armed and cancelled per item
        pass
    assert len(cancelled) == 2


def test_the_hard_stop_ends_a_stuck_item_of_a_batch():
    code = ("import itertools, time\n"
            "from indexer.limits import hard_stop_watch, time_bound\n"
            "with hard_stop_watch():\n"
            "    with time_bound(0.2, hard_stop=1.0):\n"
            "        pass\n"
            "    started = time.monotonic()\n"
            "    with time_bound(0.2, hard_stop=1.0):\n"
            "        print(started, flush=True)\n"
            "        sum(itertools.repeat(1, 10**12))\n"
            "print('finished')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    ended = time.monotonic()
    assert done.returncode != 0
    assert "finished" not in done.stdout
    assert 1.0 <= ended - float(done.stdout.split()[0]) < 60
