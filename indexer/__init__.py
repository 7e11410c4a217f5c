"""scrapesearch's indexing side: discover inputs, extract Articles, build the Whoosh index.

Nothing here imports Flask; the web app imports only `indexer.schema` and read helpers.
"""

__version__ = "0.1.0"
