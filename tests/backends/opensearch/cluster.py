"""Real OpenSearch nodes for tests that need their own cluster (the contract suite uses the
node .ci/run starts). Each node is its own `opensearch-node/start --only i` process, so a
test can stop one."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from conftest import REPO, need

LAUNCHER = REPO / "opensearch-node"


def need_java() -> None:
    need(shutil.which("java") is not None and shutil.which("mvn") is not None,
         "Java 17 and Maven are needed to start OpenSearch nodes (opensearch-node/)")


class Cluster:
    def __init__(self, data: Path, nodes: int, http: int, transport: int,
                 name: str = "scrapesearch-test", heap: str = "512m"):
        self.data, self.nodes, self.http, self.transport = data, nodes, http, transport
        self.name, self.heap = name, heap
        self.procs: dict[int, subprocess.Popen] = {}

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.http + i}"

    @property
    def urls(self) -> list[str]:
        return [self.url(i) for i in range(self.nodes)]

    def start(self, timeout: float = 240.0) -> None:
        need_java()
        subprocess.run([str(LAUNCHER / "build")], check=True)
        for i in range(self.nodes):
            with open(self.data / f"node-{i}.log", "wb") as log:
                self.procs[i] = subprocess.Popen(
                    [str(LAUNCHER / "start"), "--nodes", str(self.nodes), "--only", str(i),
                     "--http", str(self.http), "--transport", str(self.transport),
                     "--data", str(self.data), "--heap", self.heap, "--cluster", self.name],
                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_for(lambda h: h["number_of_nodes"] == self.nodes, timeout)

    def health(self, url: str | None = None) -> dict:
        from opensearchpy import OpenSearch

        urls = [url] if url else [self.url(i) for i in self.procs]
        return OpenSearch(urls, timeout=10, max_retries=len(urls)).cluster.health()

    def wait_for(self, ok, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            for i, p in self.procs.items():
                if p.poll() is not None:
                    raise RuntimeError(f"OpenSearch node {i} stopped: "
                                       f"{(self.data / f'node-{i}.log').read_text()[-3000:]}")
            try:
                last = self.health()
                if ok(last):
                    return last
            except Exception as e:  # noqa: BLE001 - not up yet
                last = e
            time.sleep(1)
        raise TimeoutError(f"the OpenSearch cluster did not get there in {timeout:.0f} s: {last}")

    def stop_node(self, i: int) -> None:
        p = self.procs.pop(i)
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(timeout=120)

    def stop(self) -> None:
        for i in list(self.procs):
            try:
                self.stop_node(i)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.procs.pop(i, None)
