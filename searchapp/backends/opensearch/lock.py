"""One writer at a time for an OpenSearch alias: a lock document `writer` in `<alias>-lock`.

Created with `op_type=create`, kept fresh while the writer works, deleted when it is done.
A lock is taken over when its writer is gone: a process of this machine (same host, boot
and process namespace) that no longer runs, a writer of this process that could not delete
it (a full disk blocks the delete), or a writer that has not kept it fresh for LOCK_STALE.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
import time

import opensearchpy

from searchapp.backends.base import IndexBusy
from searchapp.backends.opensearch.connection import Settings, describe

LOCK_STALE = 120.0  # a lock not refreshed for this long was left by a writer that died
LOCK_REFRESH = 20.0
_LEFT: set[str] = set()  # locks this process let go of but could not delete


def now() -> float:
    return time.time()


class WriterLock:
    def __init__(self, client, settings: Settings, alias: str):
        self.client = client
        self.where = settings.where
        self.alias = alias
        self._lock_seen = 0.0
        self._locked = False
        self._token = secrets.token_hex(8)

    def call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except opensearchpy.exceptions.OpenSearchException as e:
            raise describe(e, self.where, self.alias) from None

    @property
    def lock_index(self) -> str:
        return f"{self.alias}-lock"

    def take(self, timeout: float) -> None:
        """Take the lock, waiting up to `timeout` seconds; IndexBusy when another has it."""
        holder = {"host": socket.gethostname(), "pid": os.getpid(), "machine": _machine(),
                  "token": self._token,
                  "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        deadline = now() + timeout
        if not self.call(self.client.indices.exists, index=self.lock_index):
            try:
                self.client.indices.create(index=self.lock_index, body={
                    "settings": {"index": {"number_of_shards": 1,
                                           "auto_expand_replicas": "0-1"}},
                    "mappings": {"dynamic": False}})
            except opensearchpy.RequestError as e:  # made by another writer just now
                if "resource_already_exists" not in str(e.error):
                    raise describe(e, self.where, self.alias) from None
            except opensearchpy.exceptions.OpenSearchException as e:
                raise describe(e, self.where, self.alias) from None
        while True:
            if self._claim(holder, op_type="create"):
                return
            got = self.call(self.client.get, index=self.lock_index, id="writer",
                            ignore=[404])
            if got.get("found"):
                held = got["_source"]
                # The writer died: take its lock over, unless another writer just did.
                dead = (held.get("token") in _LEFT or _gone(held)
                        or now() - float(held.get("beat", 0)) > LOCK_STALE)
                if dead and self._claim(
                        holder, if_seq_no=got["_seq_no"],
                        if_primary_term=got["_primary_term"]):
                    self._settle_the_dead()
                    return
                if now() >= deadline:
                    raise IndexBusy(
                        f"another reindex or update is writing '{self.alias}' in OpenSearch "
                        f"(process {held.get('pid')} on {held.get('host')}, since "
                        f"{held.get('since')}); try again when it has finished")
            time.sleep(min(0.5, max(0.0, deadline - now())) or 0.05)

    def _settle_the_dead(self) -> None:
        """Wait until the cluster has carried out what a dead writer sent before it died.

        SIGKILL ends the client, not its last request: a switch of the alias it had sent
        can land after its death (seen 19-260 ms later on a busy node). Sweeping first would
        delete the index that switch is about to make live, leaving the alias on nothing.
        """
        self.call(self.client.cluster.health, wait_for_events="languid", timeout="30s",
                  request_timeout=40)

    def _claim(self, holder: dict, **condition) -> bool:
        """Write the lock document on `condition`; False when another writer has it."""
        try:
            self.client.index(index=self.lock_index, id="writer", refresh="true",
                              body={**holder, "beat": now()}, **condition)
        except opensearchpy.ConflictError:
            return False
        except opensearchpy.exceptions.OpenSearchException as e:
            raise describe(e, self.where, self.alias) from None
        self._locked = True
        self._lock_seen = now()
        return True

    def beat(self) -> None:
        """Keep the lock fresh (called as bulk requests go)."""
        if self._locked and now() - self._lock_seen > LOCK_REFRESH:
            self.call(self.client.update, index=self.lock_index, id="writer",
                      body={"doc": {"beat": now()}})
            self._lock_seen = now()

    def release(self) -> None:
        if self._locked:
            self._locked = False
            try:
                self.client.delete(index=self.lock_index, id="writer", refresh="true",
                                   ignore=[404])
            except opensearchpy.exceptions.OpenSearchException:
                # Left (a full disk blocks the delete): this process's next writer takes it
                # over; another one does once it is stale or this process has ended.
                _LEFT.add(self._token)


def _machine() -> str:
    """This host, its boot and its process namespace: where a process id names one process
    ("" where that cannot be told, and only a stale lock is taken over)."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            boot = f.read().strip()
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return ""
    return f"{socket.gethostname()}/{boot}/{namespace}"


def _gone(held: dict) -> bool:
    """True when the lock's writer was a process of this machine that no longer runs."""
    machine = _machine()
    if not machine or held.get("machine") != machine:
        return False
    try:
        with open(f"/proc/{int(held.get('pid', 0))}/stat", encoding="ascii") as f:
            state = f.read().rpartition(")")[2].split()[0]
    except FileNotFoundError:
        return True
    except (OSError, ValueError, IndexError):
        return False
    return state in ("Z", "X")  # a zombie: dead, not yet waited for
