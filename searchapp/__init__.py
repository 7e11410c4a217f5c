"""scrapesearch's search side: engines behind one interface, the search layer, the web app and
the command line. `indexer` (extraction, the Article record) never imports it.

    backends/   the interface (base.py) and the engines behind it (whoosh/)
    search/     params -> parsed query -> backend -> the page's content (no Flask)
    fields.py   the vocabulary: parts, scopes, field prefixes, facets
    indexing.py reindex and update: extraction in a pool, the backend writing
    cli.py      the `scrapesearch` command line
    app.py      the Flask app: views/, templates/, static/, errors.py, urls.py
"""


def create_app(test_config: dict | None = None, instance_path: str | None = None):
    """The Flask app (searchapp.app.create_app), imported only when an app is made, so that
    the command line and the extraction workers never load the web framework."""
    from searchapp.app import create_app as make

    return make(test_config, instance_path)
