# scrapesearch instance configuration: copy to instance/config.py and edit.
# Every setting is optional; the defaults are in searchapp/config.py.
# The instance folder itself can be moved with the environment variable
# SCRAPESEARCH_INSTANCE=/srv/scrapesearch (an absolute path).

# The search engine. "whoosh" (the default) is embedded: an index directory, no server.
# The environment variable SCRAPESEARCH_BACKEND overrides this (the CLI reads both).
# "opensearch" uses an OpenSearch cluster (pip install 'scrapesearch[opensearch]').
# BACKEND = "whoosh"

# OpenSearch (BACKEND = "opensearch"). Each has an environment variable SCRAPESEARCH_<NAME>,
# e.g. SCRAPESEARCH_OPENSEARCH_URL, which overrides it.
# OPENSEARCH_URL = "https://search1.example.org:9200,https://search2.example.org:9200"
# OPENSEARCH_INDEX = "scrapesearch"          # the alias searched; indexes are named after it
# OPENSEARCH_USER = "scrapesearch"
# OPENSEARCH_PASSWORD = "..."                 # better in the environment than in this file
# OPENSEARCH_CA_CERTS = "/etc/ssl/private-ca.pem"
# OPENSEARCH_VERIFY_CERTS = True              # never turn this off outside a test
# OPENSEARCH_TIMEOUT = 10.0                   # seconds per search
# OPENSEARCH_SHARDS = 1                       # of a new index (reindex)
# OPENSEARCH_REPLICAS = "auto"                # "auto": one replica when there is a 2nd node
# OPENSEARCH_GRACE_SECONDS = 600              # a replaced index is kept this long
# OPENSEARCH_DFS = True                       # rank by whole-index statistics, not per shard

# Where the index lives. Default: <instance folder>/index. The environment variable
# SCRAPESEARCH_INDEX_DIR overrides this, and is what `scrapesearch reindex --index-dir` uses.
# INDEX_DIR = "/srv/scrapesearch/index"

# The site's public address, with a path prefix if it is served under one. Absolute URLs
# (the Atom feed's ids and links) start with it; unset, they take whatever Host header a
# client sends. Set it in production. Env SCRAPESEARCH_PUBLIC_URL overrides it.
# PUBLIC_URL = "https://search.example.org"

# Seconds one search may take: past them it keeps its matches but leaves out snippets,
# per-scope counts and spelling suggestions, and says so. Env
# SCRAPESEARCH_SEARCH_BUDGET_SECONDS.
# SEARCH_BUDGET_SECONDS = 1.0

# The name shown in the page header and in titles.
# SITE_NAME = "scrapesearch"

# Cache-Control for search pages. "no-store" keeps searches out of browser and proxy caches.
# CACHE_CONTROL = "no-store"

# Set a long random value in production (python -c "import secrets; print(secrets.token_hex())").
# SECRET_KEY = "change-me"

# Largest request body accepted, in bytes (the only POSTs save and delete saved searches).
# MAX_CONTENT_LENGTH = 64 * 1024

# Saved searches live in a small SQLite file, by default saved.sqlite3 in this folder.
# SAVED_SEARCHES_DB = "/srv/scrapesearch/saved.sqlite3"

# `scrapesearch alerts` (for cron) prints what entered the index since its last run for
# each saved search; with SMTP_HOST set it mails it instead, one message per saved search.
# SMTP_HOST = "smtp.example.org"
# SMTP_PORT = 587
# SMTP_STARTTLS = True             # STARTTLS before logging in
# SMTP_USER = "alerts@example.org"
# SMTP_PASSWORD = "..."
# SMTP_TIMEOUT = 30.0              # seconds
# ALERTS_FROM = "alerts@example.org"
# ALERTS_TO = ["desk@example.org"]  # or "a@example.org, b@example.org"
# ALERTS_LISTED = 20               # articles listed per saved search (1-100)
