"""scrapesearch's web app: faceted, highlighted search over the index the CLI builds.

`create_app()` opens nothing: the index is opened lazily in each worker on its first
request (reliability.md B6), so gunicorn can fork safely.
"""

from __future__ import annotations

import os

from flask import Flask

from searchapp import errors, views
from searchapp.index import IndexHolder
from searchapp.settings import DEFAULTS


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """The Flask app; `instance_path` (or env SCRAPESEARCH_INSTANCE) moves the instance folder."""
    instance_path = instance_path or os.environ.get("SCRAPESEARCH_INSTANCE")
    if instance_path:
        instance_path = os.path.abspath(instance_path)
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.json.sort_keys = False  # keep the documented key order of the JSON API
    app.config.from_mapping(DEFAULTS)
    app.config["INDEX_DIR"] = os.path.join(app.instance_path, "index")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    env_index = os.environ.get("SCRAPESEARCH_INDEX_DIR")
    if env_index and (test_config is None or "INDEX_DIR" not in test_config):
        app.config["INDEX_DIR"] = env_index
    app.config["INDEX_DIR"] = os.path.abspath(app.config["INDEX_DIR"])
    app.extensions["scrapesearch.index"] = IndexHolder(app.config["INDEX_DIR"])
    errors.init_app(app)
    views.init_app(app)
    return app
