"""The Whoosh backend: the embedded default (DESIGN 5), an index directory and no server.

    backend     WhooshBackend: the interface of backends/base.py over one index directory
    building    full builds into a new generation, and incremental updates
    generations the index directory: generations, `current`, the build lock, reports
    schema      the Whoosh schema, its field names and the index format version
    documents   Article <-> stored fields and pre-analysed postings
    analysis    words, stems and accent folding (postings, formats: their encoding)
    writer      a generation's segments, written by forked copies of the one writer
    snapshot    the live generation opened per worker thread, reopened when it changes
    arrays      per-generation arrays: facets, lengths, dates, posting caches
    evaluate    our query tree over those arrays, scored as Whoosh's BM25F with Lucene's idf
    matching    a Query's mask, filters and order; facets: counts; highlights: spans
    suggest     "did you mean"
    codec, fastwrite   Whoosh 2.7.4's private on-disk format, read and written
    mapped      segment files read from their map without Whoosh's private copy
    searchdata  the arrays of a generation, written by the build, mapped by each worker

Only this package imports `whoosh`. It reads and writes Whoosh 2.7.4's private on-disk
format, so it refuses any other version here, at import, with one sentence.
"""

from importlib.metadata import PackageNotFoundError, version

from searchapp.backends.base import BackendError

WHOOSH_VERSION = "2.7.4"


def check_whoosh(installed: str | None) -> None:
    """BackendError unless `installed` is the Whoosh version whose format this package reads."""
    if installed != WHOOSH_VERSION:
        found = f"Whoosh {installed} is installed" if installed else "Whoosh is not installed"
        raise BackendError(
            f"the whoosh backend reads Whoosh {WHOOSH_VERSION}'s own on-disk format, but "
            f"{found}; install it with `pip install whoosh=={WHOOSH_VERSION}`")


try:
    _installed: str | None = version("whoosh")
except PackageNotFoundError:
    _installed = None
check_whoosh(_installed)

from searchapp.backends.whoosh import mapped  # noqa: E402 - after the check

mapped.install()

from searchapp.backends.whoosh.backend import WhooshBackend  # noqa: E402

__all__ = ["WhooshBackend", "check_whoosh"]
