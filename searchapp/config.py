"""Settings of the web app and the command line: defaults, the instance config.py, the
environment, in that order (the later wins).

Keep instance/config.example.py in step with DEFAULTS. Nothing here imports Flask: the
command line reads the same instance folder and variables as the web app, so both open the
same backend and index.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

DEFAULTS: dict[str, Any] = {
    # The search engine: "whoosh" (embedded, the default) or "opensearch" (a cluster; needs
    # `pip install 'scrapesearch[opensearch]'`). Env SCRAPESEARCH_BACKEND.
    "BACKEND": "whoosh",
    # Where the Whoosh index lives; default <instance folder>/index. Env
    # SCRAPESEARCH_INDEX_DIR overrides it (the CLI's --index-dir uses the same variable).
    "INDEX_DIR": None,
    # OpenSearch: one or more hosts, comma-separated (https://host:9200,https://host2:9200).
    "OPENSEARCH_URL": "http://127.0.0.1:9200",
    # The alias searches read; new indexes are named after it (<alias>-g<time>).
    "OPENSEARCH_INDEX": "scrapesearch",
    # Credentials and TLS: a CA bundle for a private CA; verification stays on unless false.
    "OPENSEARCH_USER": None,
    "OPENSEARCH_PASSWORD": None,
    "OPENSEARCH_CA_CERTS": None,
    "OPENSEARCH_VERIFY_CERTS": True,
    # Seconds per search request; shards and replicas of a new index ("auto": one replica
    # when the cluster has a second node); seconds a replaced index is kept for exports.
    "OPENSEARCH_TIMEOUT": 10.0,
    "OPENSEARCH_SHARDS": 1,
    "OPENSEARCH_REPLICAS": "auto",
    "OPENSEARCH_GRACE_SECONDS": 600,
    # Rank by BM25 statistics of the whole index, not of each shard (dfs_query_then_fetch):
    # the order then does not depend on where an article was stored; one more round trip.
    "OPENSEARCH_DFS": True,
    # The site's public address (https://search.example.org, with a path prefix if it is
    # served under one): absolute URLs the app prints (the Atom feed's ids and links) start
    # with it. Unset, they take the scheme and host of each request, that is of whatever
    # Host header a client sends. Env SCRAPESEARCH_PUBLIC_URL.
    "PUBLIC_URL": None,
    # Seconds one search may take: past them the page keeps its matches but leaves out
    # snippets, per-scope counts and spelling suggestions, and says so (OpenSearch also
    # stops collecting). Env SCRAPESEARCH_SEARCH_BUDGET_SECONDS.
    "SEARCH_BUDGET_SECONDS": 1.0,
    # The name shown in the page header and titles.
    "SITE_NAME": "scrapesearch",
    # Cache-Control for search pages: searches by journalists may be sensitive, so no caching
    # by browsers or proxies by default.
    "CACHE_CONTROL": "no-store",
    # Flask's secret (no sessions or forms need it today; set it anyway in production).
    "SECRET_KEY": "dev",
    # Largest request body accepted (the only POSTs save and delete a saved search).
    "MAX_CONTENT_LENGTH": 64 * 1024,
    # Saved searches: the SQLite file (default <instance folder>/saved.sqlite3).
    "SAVED_SEARCHES_DB": None,
    # `scrapesearch alerts` mails what is new when SMTP_HOST is set (else prints it):
    # one message per saved search with news, from ALERTS_FROM to ALERTS_TO (a list or a
    # comma-separated string), listing at most ALERTS_LISTED articles (1-100).
    "SMTP_HOST": None,
    "SMTP_PORT": 25,
    "SMTP_USER": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": False,  # STARTTLS before logging in (port 587)
    "SMTP_TIMEOUT": 30.0,
    "ALERTS_FROM": "scrapesearch@localhost",
    "ALERTS_TO": None,
    "ALERTS_LISTED": 20,
}
# Environment variables -> the setting each one overrides.
ENVIRONMENT = {
    "SCRAPESEARCH_BACKEND": "BACKEND",
    "SCRAPESEARCH_INDEX_DIR": "INDEX_DIR",
    "SCRAPESEARCH_PUBLIC_URL": "PUBLIC_URL",
    **{f"SCRAPESEARCH_{key}": key for key in (
        "OPENSEARCH_URL", "OPENSEARCH_INDEX", "OPENSEARCH_USER", "OPENSEARCH_PASSWORD",
        "OPENSEARCH_CA_CERTS", "OPENSEARCH_VERIFY_CERTS", "OPENSEARCH_TIMEOUT",
        "OPENSEARCH_SHARDS", "OPENSEARCH_REPLICAS", "OPENSEARCH_GRACE_SECONDS",
        "OPENSEARCH_DFS", "SEARCH_BUDGET_SECONDS")},
}
INSTANCE_ENV = "SCRAPESEARCH_INSTANCE"
CONFIG_FILE = "config.py"


def instance_folder(explicit: str | None = None) -> str | None:
    """The instance folder given, or named by SCRAPESEARCH_INSTANCE (absolute), else None."""
    folder = explicit or os.environ.get(INSTANCE_ENV)
    return os.path.abspath(folder) if folder else None


def read_config_file(path: str) -> dict[str, Any]:
    """The upper-case names a config.py assigns (as Flask's `from_pyfile` reads them)."""
    if not os.path.isfile(path):
        return {}
    namespace: dict[str, Any] = {"__file__": path}
    with open(path, "rb") as f:
        exec(compile(f.read(), path, "exec"), namespace)  # noqa: S102 - the admin's own file
    return {k: v for k, v in namespace.items() if k.isupper()}


def from_environment(config: dict[str, Any], keep: Mapping[str, Any] | None = None) -> None:
    """Apply the environment variables to `config`, except for settings in `keep`."""
    for var, key in ENVIRONMENT.items():
        value = os.environ.get(var)
        if value and not (keep and key in keep):
            config[key] = value


def load(instance: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every setting, for the command line: defaults, `instance`/config.py, the environment,
    then `overrides` (command-line options)."""
    config = dict(DEFAULTS)
    config["INDEX_DIR"] = os.path.join(instance, "index")
    config.update(read_config_file(os.path.join(instance, CONFIG_FILE)))
    from_environment(config)
    config.update({k: v for k, v in (overrides or {}).items() if v is not None})
    config["INDEX_DIR"] = os.path.abspath(config["INDEX_DIR"])
    return config
