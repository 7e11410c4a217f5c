"""Blueprints: each view parses arguments, calls the search layer, renders. Nothing more."""

from __future__ import annotations

from flask import Flask, current_app

from searchapp import urls
from searchapp.search.service import OpenIndex


def get_index() -> OpenIndex:
    """The open index for this request (opened lazily, per worker thread)."""
    return current_app.extensions["scrapesearch.index"].get()


def init_app(app: Flask) -> None:
    from searchapp.views import api, article, display, export, search

    for module in (search, article, api, export):
        app.register_blueprint(module.bp)
    urls.init_app(app)
    display.init_app(app)
