"""The `scrapesearch` command line: thin commands over the indexer library."""

from __future__ import annotations

import json
import sys

import click

from indexer.errors import ExtractError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="scrapesearch")
def cli() -> None:
    """Index scraped news articles and search them."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def extract(files: tuple[str, ...]) -> None:
    """Print the Article JSON of each input, one object per line."""
    from indexer.extract import extract_file

    failed = 0
    for path in files:
        try:
            articles = extract_file(path)
        except ExtractError as e:
            failed += 1
            click.echo(f"skipped {path}: {e.reason}", err=True)
            continue
        for a in articles:
            click.echo(json.dumps(a.as_dict(), ensure_ascii=False))
    sys.exit(1 if failed else 0)


def main() -> None:
    cli()
