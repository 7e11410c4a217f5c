"""Directories the test process cannot read, also as root (CI runs the tests as root).

Root reads any directory through two capabilities, CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH. `permissions_enforced` takes them out of the calling thread's
effective set for a while (and puts them back), so that `chmod 000` stops root as it stops
everyone else: the kernel's own permission check, no mock.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from collections.abc import Iterator
from pathlib import Path

from conftest import need

_CAPABILITY_VERSION_3 = 0x20080522
_DAC = (1 << 1) | (1 << 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH (linux/capability.h)


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _capabilities(libc, data=None):
    header = _Header(_CAPABILITY_VERSION_3, 0)
    call = libc.capget if data is None else libc.capset
    data = data if data is not None else (_Data * 2)()
    if call(ctypes.byref(header), data) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return data


@contextlib.contextmanager
def permissions_enforced() -> Iterator[None]:
    """File permissions apply to this thread meanwhile, even when it runs as root."""
    if os.geteuid() != 0:
        yield
        return
    libc = ctypes.CDLL(None, use_errno=True)
    try:
        caps = _capabilities(libc)
        saved = caps[0].effective
        caps[0].effective = saved & ~_DAC
        _capabilities(libc, caps)
    except (OSError, AttributeError) as e:  # no capget/capset here (not Linux, a sandbox)
        need(False, f"root's capabilities cannot be dropped here ({e}), so no directory is "
                    "unreadable to this process")
    try:
        yield
    finally:
        caps[0].effective = saved
        _capabilities(libc, caps)


@contextlib.contextmanager
def unreadable(directory: Path) -> Iterator[None]:
    """`directory` cannot be listed meanwhile (mode 000, permissions enforced)."""
    mode = directory.stat().st_mode
    directory.chmod(0)
    try:
        with permissions_enforced():
            try:
                os.listdir(directory)
            except PermissionError:
                pass
            else:
                need(False, "this system lets the test process read a directory of mode 000")
            yield
    finally:
        directory.chmod(mode)
