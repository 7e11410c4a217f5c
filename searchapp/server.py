"""Running the app under gunicorn: the defaults gunicorn.conf.py and `scrapesearch serve` share."""

from __future__ import annotations

import os

# Sync workers (the search is CPU-bound), a hard timeout that replaces a stuck worker, and
# recycling that bounds memory growth (reliability.md B7). The app opens its index lazily
# in each worker, so preloading would gain nothing and is left off (B6).
DEFAULTS = {
    "bind": "127.0.0.1:8000",
    "workers": min((os.cpu_count() or 1) + 1, 8),
    "worker_class": "sync",
    "timeout": 30,
    "graceful_timeout": 30,
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
