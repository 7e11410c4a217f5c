"""`python -m searchapp` is the `scrapesearch` command."""

from searchapp.cli import main

main()
