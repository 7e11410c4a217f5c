# scrapesearch instance configuration: copy to instance/config.py and edit.
# Every setting is optional; the defaults are in searchapp/settings.py.
# The instance folder itself can be moved with the environment variable
# SCRAPESEARCH_INSTANCE=/srv/scrapesearch (an absolute path).

# The search engine. "whoosh" (the default) is embedded: an index directory, no server.
# The environment variable SCRAPESEARCH_BACKEND overrides this (the CLI reads both).
# BACKEND = "whoosh"

# Where the index lives. Default: <instance folder>/index. The environment variable
# SCRAPESEARCH_INDEX_DIR overrides this, and is what `scrapesearch reindex --index-dir` uses.
# INDEX_DIR = "/srv/scrapesearch/index"

# The name shown in the page header and in titles.
# SITE_NAME = "scrapesearch"

# Cache-Control for search pages. "no-store" keeps searches out of browser and proxy caches.
# CACHE_CONTROL = "no-store"

# Set a long random value in production (python -c "import secrets; print(secrets.token_hex())").
# SECRET_KEY = "change-me"

# Largest request body accepted, in bytes (the app has only GET routes).
# MAX_CONTENT_LENGTH = 64 * 1024
