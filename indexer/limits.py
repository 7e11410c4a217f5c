"""Bounds on one extraction: wall time per item, address space per pool worker.

Input size caps come first (decode.py, warc.py); these are the backstop for inputs that
are small but slow or memory-hungry to parse (reliability.md D1: quadratic parser cases,
deep nesting). Both are settable from the environment:

- SCRAPESEARCH_ITEM_SECONDS (default 30): an item still extracting after this long is
  skipped with a reason. The bound is a SIGALRM timer, so it needs the main thread; a
  pool worker runs items there, and so does an in-process run (`--jobs 1`, `extract`).
- SCRAPESEARCH_WORKER_MEMORY_MB (default 4096): RLIMIT_AS of each pool worker, so that
  one page makes a MemoryError in its worker (a skip with a reason) instead of waking
  the OOM killer. Never set in the indexing process itself.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import resource
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

ITEM_SECONDS_ENV = "SCRAPESEARCH_ITEM_SECONDS"
WORKER_MEMORY_ENV = "SCRAPESEARCH_WORKER_MEMORY_MB"
DEFAULT_ITEM_SECONDS = 30.0
DEFAULT_WORKER_MEMORY_MB = 4096
# A worker stuck in C code that holds the GIL never runs the SIGALRM handler; faulthandler's
# watchdog is a C thread, so it can end the worker then (the pool is rebuilt, pipeline.py).
HARD_STOP_FACTOR = 2.0
HARD_STOP_SLACK = 5.0
# Arming faulthandler's watchdog starts a thread (and cancelling it joins one): most of what
# bounding an item cost. Inside `hard_stop_watch` (a worker's batch) one arming serves the
# items that start within this many seconds of it; it is armed this much longer, so an item
# is still never ended before its hard stop, and at most this much after.
REARM_SECONDS = 1.0


class TookTooLong(BaseException):
    """Raised in the extracting thread when the item's time is up.

    A BaseException, so that an extractor's `except Exception` cannot swallow it.
    """


@dataclass(frozen=True, slots=True)
class Limits:
    item_seconds: float  # 0: no time bound
    worker_memory_mb: int  # 0: no memory bound

    @classmethod
    def from_env(cls) -> Limits:
        return cls(_number(ITEM_SECONDS_ENV, DEFAULT_ITEM_SECONDS),
                   int(_number(WORKER_MEMORY_ENV, DEFAULT_WORKER_MEMORY_MB)))

    @property
    def hard_stop(self) -> float:
        return self.item_seconds * HARD_STOP_FACTOR + HARD_STOP_SLACK if self.item_seconds else 0


def _number(name: str, default: float) -> float:
    """A non-negative number from the environment; the default when unset or not a number."""
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value >= 0 else default


def too_slow_reason(seconds: float) -> str:
    return f"it took longer than {seconds:g} s to extract"


@contextlib.contextmanager
def time_bound(seconds: float, hard_stop: float = 0.0) -> Iterator[None]:
    """Raise TookTooLong in the body after `seconds` (main thread only; else no bound).

    With `hard_stop` (pool workers only), the process also exits after that many seconds
    if the timer could not interrupt it.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    armed = True
    fired = False

    def on_alarm(signum, frame):
        nonlocal fired
        if armed:  # the timer may fire between the body's end and its disarming
            fired = True
            raise TookTooLong

    previous = signal.signal(signal.SIGALRM, on_alarm)
    started = time.monotonic()
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    watched = hard_stop > 0 and _watch is not None
    if watched:
        _watch.cover(hard_stop, started)
    elif hard_stop > 0:
        faulthandler.dump_traceback_later(hard_stop, exit=True, file=_devnull())
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        # Hand back whatever the process had before (None: a handler set outside Python).
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
        if outer > 0:  # someone else's timer was running: let it go on
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started),
                                                     1e-6))
        if hard_stop > 0 and not watched:
            faulthandler.cancel_dump_traceback_later()
    if fired:
        # The body ended although the timer went off: the exception was raised where
        # Python can only print it (a __del__ run by the garbage collector, such as
        # ZipFile's), and the item still took longer than its time.
        raise TookTooLong


class _Watch:
    """The hard stop's watchdog as armed inside `hard_stop_watch`."""

    def __init__(self):
        self.armed_at = -1.0
        self.hard_stop = 0.0

    def cover(self, hard_stop: float, now: float) -> None:
        """Make sure the process exits if an item starting now runs `hard_stop` seconds."""
        if hard_stop != self.hard_stop or now - self.armed_at > REARM_SECONDS:
            faulthandler.dump_traceback_later(hard_stop + REARM_SECONDS, exit=True,
                                              file=_devnull())
            self.armed_at, self.hard_stop = now, hard_stop

    def cancel(self) -> None:
        if self.armed_at >= 0:
            faulthandler.cancel_dump_traceback_later()


_watch: _Watch | None = None


@contextlib.contextmanager
def hard_stop_watch() -> Iterator[None]:
    """The time_bound()s inside share one arming of the hard stop's watchdog (REARM_SECONDS),
    cancelled at the end: for a run of items that each take far less than a second."""
    global _watch
    if _watch is not None:  # already inside one
        yield
        return
    _watch = _Watch()
    try:
        yield
    finally:
        _watch.cancel()
        _watch = None


_DEVNULL = None


def _devnull():
    """faulthandler needs a real file; the traceback of a stuck parser is of no use here."""
    global _DEVNULL
    if _DEVNULL is None:
        _DEVNULL = open(os.devnull, "w")  # kept open for the worker's lifetime
    return _DEVNULL


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space (call in pool workers only)."""
    if megabytes <= 0:
        return
    want = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_AS, (want, hard))
