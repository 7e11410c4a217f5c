"""Default settings of the web app; instance/config.py overrides any of them.

Keep instance/config.example.py in step with this table.
"""

DEFAULTS = {
    # Where the index lives; default <instance folder>/index. Env SCRAPESEARCH_INDEX_DIR
    # overrides it (the CLI's --index-dir uses the same variable).
    "INDEX_DIR": None,
    # The name shown in the page header and titles.
    "SITE_NAME": "scrapesearch",
    # Cache-Control for search pages: searches by journalists may be sensitive, so no caching
    # by browsers or proxies by default.
    "CACHE_CONTROL": "no-store",
    # Flask's secret (no sessions or forms need it today; set it anyway in production).
    "SECRET_KEY": "dev",
    # Largest request body accepted (the app has only GET routes).
    "MAX_CONTENT_LENGTH": 64 * 1024,
}
