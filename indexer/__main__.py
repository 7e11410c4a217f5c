"""`python -m indexer` is the `scrapesearch` command."""

from indexer.cli import main

main()
