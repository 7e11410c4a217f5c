"""Running the app under gunicorn: the defaults gunicorn.conf.py and `scrapesearch serve` share."""

from __future__ import annotations

import os

# Threaded workers (gthread): the worker's main thread keeps telling the master it is alive
# while request threads run, so `timeout` no longer kills an export that streams for longer
# than it (issue 9, finding 7; tests/test_serving.py). Searches are CPU-bound, so the
# processes give the parallelism (cores + 1) and the threads let a few long exports or slow
# clients wait on their sockets without taking a whole worker. Since `timeout` now only
# replaces a worker that is stuck as a whole, a runaway search is bounded by the search
# layer itself (a time budget per search, a cap on expansions per query, reliability.md C)
# and, as a last resort, by the recycling after `max_requests`, which also bounds memory
# growth (B7). A recycling or stopping worker gives the requests in flight
# `graceful_timeout` seconds to finish, so that is how long an export may still take once
# its worker is told to go. The app opens its index lazily in each worker (and each thread
# holds its own searcher, reliability.md B2), so preloading would gain nothing (B6).
DEFAULTS = {
    "bind": "127.0.0.1:8000",
    "workers": min((os.cpu_count() or 1) + 1, 8),
    "worker_class": "gthread",
    "threads": 4,
    "timeout": 30,
    "graceful_timeout": 300,
    "keepalive": 2,
    "max_requests": 1000,
    "max_requests_jitter": 100,
    "limit_request_line": 4094,
    "preload_app": False,
    "accesslog": "-",
    "errorlog": "-",
}


def run_gunicorn(bind: str | None = None, workers: int | None = None) -> None:
    """Serve `searchapp.create_app()` under gunicorn in the foreground."""
    from gunicorn.app.base import BaseApplication

    from searchapp import create_app

    options = dict(DEFAULTS)
    if bind:
        options["bind"] = bind
    if workers:
        options["workers"] = workers

    class Server(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return create_app()

    Server().run()
