"""The search layer, engine-neutral and without Flask (the CLI's `search` uses it too):

    params     request arguments -> SearchParams (validated, clamped)
    parser     the query language -> a tree (never an error); dates: day ranges
    service    run_search(), exports, the article page: SearchParams -> Query -> backend
    highlight  snippets and marked text from a backend's spans (escape first, mark second)
    article    the article page's content; export: CSV and JSON-lines streams
"""
