"""The Flask app: faceted, highlighted search over whichever backend the configuration names.

`create_app()` opens nothing: the backend opens its index lazily in each worker on its first
request (reliability.md B6), so gunicorn can fork safely.
"""

from __future__ import annotations

import os

from flask import Flask, current_app

from searchapp import config, errors, people, views
from searchapp.backends import load_backend
from searchapp.backends.base import SearchBackend

BACKEND = "scrapesearch.backend"


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """The Flask app; `instance_path` (or env SCRAPESEARCH_INSTANCE) moves the instance folder."""
    app = Flask("searchapp", instance_path=config.instance_folder(instance_path),
                instance_relative_config=True)
    app.json.sort_keys = False  # keep the documented key order of the JSON API
    app.config.from_mapping(config.DEFAULTS)
    app.config["INDEX_DIR"] = os.path.join(app.instance_path, "index")
    if test_config is None:
        app.config.from_pyfile(config.CONFIG_FILE, silent=True)
    else:
        app.config.from_mapping(test_config)
    config.from_environment(app.config, keep=test_config)
    app.config["INDEX_DIR"] = os.path.abspath(app.config["INDEX_DIR"])
    # The backend's class is loaded now, so that a misconfigured engine stops the start
    # with one sentence; it opens nothing until a request needs it.
    app.extensions[BACKEND] = load_backend(app.config)
    # The corrections the index was built with (people.toml, as `reindex` reads it): the
    # pages resolve each quote's person again, and must agree with the facets. A broken
    # file stops the start with its one sentence, as the command line does.
    people.use(people.load_aliases(app.instance_path))
    errors.init_app(app)
    views.init_app(app)
    return app


def get_backend() -> SearchBackend:
    """The backend of the app serving this request."""
    return current_app.extensions[BACKEND]
