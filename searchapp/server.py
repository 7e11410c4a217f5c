"""Running the app under gunicorn: the defaults gunicorn.conf.py and `scrapesearch serve` share."""

from __future__ import annotations

import os

# gthread workers with one request thread: the worker's main thread keeps telling the
# master it is alive while the request thread works, so `timeout` no longer kills an export
# that streams for longer than it (issue 9, finding 7; tests/test_serving.py). Otherwise
# they serve as sync workers did: one connection at a time per process (a busy worker takes
# no new connection, so the next request goes to a free one) and no keep-alive. More
# threads would not search faster (the search is CPU-bound and holds the GIL) and each
# thread keeps its own searcher and arrays (reliability.md B2): 722 MB for one thread, 2.7
# GB for four on the 20,000-article collection (bench/serve_threads.py). Since `timeout`
# now only replaces a worker that is stuck as a whole, a runaway search is bounded by the
# search layer (a time budget per search, a cap on expansions per query, reliability.md C)
# and, last, by the recycling after `max_requests`, which also bounds memory growth (B7).
# A gthread worker starts to recycle when its last request *starts*, then lets it finish
# for `graceful_timeout` seconds (also on a restart), so that is how long an export that
# happens to be a worker's last request may take. The app opens its index lazily in each
# worker, so preloading would gain nothing (B6).
DEFAULTS = {
    "bind": "127.0.0.1:8000",
    "workers": min((os.cpu_count() or 1) + 1, 8),
    "worker_class": "gthread",
    "threads": 1,
    "worker_connections": 1,
    "timeout": 30,
    "graceful_timeout": 300,
    "keepalive": 0,
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
