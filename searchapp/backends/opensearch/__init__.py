"""The OpenSearch backend (`SCRAPESEARCH_BACKEND=opensearch`): see backend.py.

Needs the client: `pip install 'scrapesearch[opensearch]'`.
"""

from searchapp.backends.opensearch.backend import OpenSearchBackend

__all__ = ["OpenSearchBackend"]
