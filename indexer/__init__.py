"""scrapesearch's extraction side: sources -> input items -> Articles, in a process pool.

    article     the Article record and its JSON form (DESIGN 3.2)
    discover    sources -> input items (files, JSON lines, web-archive pages)
    extract/    one sub-package per input format (html/, textdump/, jsonl/, warc) and per
                shared concern (quotes/, dates, language, text, decode, boilerplate)
    work        what an extraction worker does with a batch (limits: its bounds)
    pipeline    sources -> batches -> the pool -> prepared articles, in input order

Nothing here imports `searchapp` or Flask: a search backend's `prepare` reaches the
workers as an argument, and the writing is done by searchapp.indexing.
"""

__version__ = "0.1.0"
