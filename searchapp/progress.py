"""Progress of a long build on stderr: a bar on a terminal, a line every half minute in logs."""

from __future__ import annotations

import sys
import time

from searchapp.indexing import Progress

LOG_EVERY = 30.0  # seconds between lines when stderr is not a terminal
DRAW_EVERY = 0.2  # seconds between redraws of the bar


class TerminalProgress(Progress):
    def __init__(self, stream=None, tty: bool | None = None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.total = 0
        self.started = self.last = 0.0

    def start(self, total_bytes: int) -> None:
        self.total = total_bytes
        self.started = self.last = time.monotonic()

    def update(self, done_bytes: int, indexed: int, skipped: int) -> None:
        now = time.monotonic()
        if now - self.last < (DRAW_EVERY if self.tty else LOG_EVERY):
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        frac = min(done_bytes / self.total, 0.999) if self.total else 0.0
        rate = indexed / elapsed
        eta = elapsed * (1 - frac) / frac if frac > 0.01 else None
        eta_s = f", {eta:,.0f} s left" if eta is not None else ""
        text = (f"{frac:6.1%}  {indexed:,} indexed, {skipped:,} skipped, "
                f"{rate:,.0f}/s{eta_s}")
        if self.tty:
            width = 24
            filled = int(frac * width)
            bar = "█" * filled + "·" * (width - filled)
            self.stream.write(f"\r{bar} {text}\x1b[K")
        else:
            self.stream.write(f"progress: {text}\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def make_progress(quiet: bool = False) -> Progress:
    return Progress() if quiet else TerminalProgress()
