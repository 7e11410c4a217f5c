"""Work done by a forked copy of this process, its result sent back through a pipe.

Used to write index files on several cores at once (writer.py: one segment per child;
merge.py: a range of terms per child). A child that fails sends its error back through
the pipe its result would have come on, so the parent can say what happened (a full
disk, say) rather than an exit status.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import warnings
from collections.abc import Callable

from indexer.errors import ScrapesearchError


class Child:
    """`work()` running in a forked copy of this process; result() waits for what it returns."""

    def __init__(self, work: Callable[[], object], what: str):
        self.what = what  # "writing a segment of the index", for messages
        read_end, write_end = os.pipe()
        with warnings.catch_warnings():
            # Python 3.12+ warns about forking with threads (the pool's); the child only
            # writes files of its own and leaves with os._exit, touching no shared lock.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:
            code = 1
            # What the child inherited (the parent's documents, tables, modules) is never
            # garbage, and the child leaves by os._exit: out of the collector's sight, its
            # collections do not walk it, nor copy its pages by touching their headers.
            gc.freeze()
            try:
                os.close(read_end)
                try:
                    answer = ("ok", work())
                except Exception as e:  # noqa: BLE001 - sent back for the parent to say
                    answer = ("error", getattr(e, "errno", None), _describe(e))
                data = pickle.dumps(answer)
                with os.fdopen(write_end, "wb") as out:
                    out.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self.pid, self.read_end = pid, read_end

    def result(self):
        """Wait for the child; return what `work()` returned, or raise what it raised."""
        with os.fdopen(self.read_end, "rb") as f:
            data = f.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if status != 0 or not data:
            raise ScrapesearchError(
                f"{self.what} failed (its writer process {_exit_reason(status)}); "
                "the live index was left as it was")
        answer = pickle.loads(data)
        if answer[0] == "error":
            _, errno_, message = answer
            if errno_ is not None:  # an OSError: the caller says "disk full" for ENOSPC
                raise OSError(errno_, message)
            raise ScrapesearchError(f"{self.what} failed ({message}); "
                                    "the live index was left as it was")
        return answer[1]

    def kill(self) -> None:
        """Stop the child (unless result() already waited for it)."""
        if self.pid is None:
            return
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.read_end)


def _describe(e: BaseException) -> str:
    if isinstance(e, OSError) and e.strerror:
        return e.strerror + (f" ({e.filename})" if e.filename else "")
    return f"{type(e).__name__}: {e}"


def _exit_reason(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    return f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
