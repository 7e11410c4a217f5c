"""Blueprints: each view parses arguments, calls the search layer, renders. Nothing more."""

from __future__ import annotations

from flask import Flask

from searchapp import urls


def init_app(app: Flask) -> None:
    from searchapp.views import (
        api,
        article,
        compare,
        display,
        export,
        facets,
        people,
        saved,
        search,
    )

    for module in (search, article, api, export, facets, people, compare, saved):
        app.register_blueprint(module.bp)
    urls.init_app(app)
    display.init_app(app)
