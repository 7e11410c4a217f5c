"""The `scrapesearch` command line: thin commands over the indexer and the search backend.

It lives in searchapp because it is where extraction (indexer) and the engines meet; the
arrows stay one-way (indexer never imports searchapp). Flask is never imported here,
except by `serve`.

Exit codes: 0 ok; 1 some inputs were skipped (the summary says which and why); 2 usage
error; 3 a failure that indexed nothing (busy index, no input indexed, no index to read);
(`alerts`: 0 nothing new, 1 something new was reported, 3 a failure);
141 the reader of the output went away (`| head`): quietly, as `cat` is ended by SIGPIPE,
so that a script with `set -o pipefail` never takes a cut output for a whole one.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import traceback
from collections import Counter

import click

from indexer.errors import ExtractError, ScrapesearchError
from searchapp import config
from searchapp.backends import load_backend
from searchapp.backends.base import SearchBackend
from searchapp.fields import SCOPES, SORTS

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3
EXIT_NEWS = 1  # `alerts`: something new was reported
EXIT_BROKEN_PIPE = 128 + 13  # 128 + SIGPIPE: what a shell reports for `cat big | head`


def instance_dir() -> str:
    """The instance folder: SCRAPESEARCH_INSTANCE, else instance/ (as the web app's)."""
    return config.instance_folder() or "instance"


def default_index_dir() -> str:
    """`$SCRAPESEARCH_INSTANCE/index` when the instance folder is set, else instance/index,
    unless the instance config.py says otherwise."""
    return config.read_config_file(os.path.join(instance_dir(), config.CONFIG_FILE)).get(
        "INDEX_DIR") or os.path.join(instance_dir(), "index")


def index_dir_option(f):
    return click.option(
        "--index-dir", envvar="SCRAPESEARCH_INDEX_DIR", default=default_index_dir,
        show_default="instance/index", type=click.Path(file_okay=False),
        help="Index directory (env SCRAPESEARCH_INDEX_DIR).")(f)


def open_backend(index_dir: str) -> SearchBackend:
    """The backend the configuration names (instance config.py, SCRAPESEARCH_BACKEND)."""
    return load_backend(config.load(instance_dir(), {"INDEX_DIR": index_dir}))


def jobs_option(f):
    return click.option(
        "--jobs", "-j", type=click.IntRange(min=1), default=None,
        help="Extraction processes [default: all cores].")(f)


def build_options(f):
    """SOURCES and the options reindex and update share; errors as one sentence."""
    for option in reversed([
        click.argument("sources", nargs=-1, required=True, type=click.Path()),
        index_dir_option,
        jobs_option,
        click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True,
                     help="Seconds to wait for another running build to finish."),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar, only the summary."),
    ]):
        f = option(f)
    return friendly_errors(f)


def friendly_errors(f):
    """One sentence on stderr and exit code 3 instead of a traceback (unless --debug)."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        debug = click.get_current_context().find_root().params.get("debug")
        try:
            return f(*args, **kwargs)
        except ScrapesearchError as e:
            if debug:
                traceback.print_exc()
            raise SystemExit(_fail(str(e))) from None
        except KeyboardInterrupt:
            raise SystemExit(_fail("interrupted; the live index was left as it was")) from None
        except BrokenPipeError:
            raise SystemExit(_reader_gone()) from None
        except OSError as e:
            if debug:
                traceback.print_exc()
            target = f" ({e.filename})" if e.filename else ""
            raise SystemExit(_fail(f"{e.strerror or e}{target}")) from None

    return wrapper


def _reader_gone() -> int:
    """The output's reader is gone (`| head`): end without a word."""
    # Python flushes stdout once more on exit and would print that it could not:
    # what is left goes nowhere instead.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (click's test runner)
        pass
    return EXIT_BROKEN_PIPE


def _fail(message: str) -> int:
    message = message[0].upper() + message[1:] if message else "Failed"
    click.echo(f"Error: {message.rstrip('.')}.", err=True)
    return EXIT_FAILED


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="scrapesearch")
def cli(debug: bool) -> None:
    """Index scraped news articles and search them.

    \b
    Example:
        scrapesearch reindex ~/scraped
        scrapesearch search 'speaker:popov "air strikes"'
        scrapesearch serve --bind 127.0.0.1:8000
    """


@cli.command()
@build_options
@click.option("--allow-missing", is_flag=True,
              help="Build even when a named source does not exist (it is reported as "
                   "skipped); without it the index is left as it was.")
def reindex(sources, index_dir, jobs, wait, quiet, allow_missing):
    """Rebuild the index from SOURCES (directories or files) and switch to it atomically.

    Reads text dumps (.txt), JSON lines (.jsonl), HTML pages (.html) and web archives
    (.warc, .arc), and .gz of each. Searches keep being answered from the old index until
    the new one is complete.

    \b
    Example:
        scrapesearch reindex ~/scraped /data/feeds.jsonl.gz /data/crawl.warc.gz
    """
    from searchapp.indexing import NothingIndexed
    from searchapp.indexing import reindex as run_reindex
    from searchapp.progress import make_progress

    progress = make_progress(quiet)
    load_aliases()
    try:
        backend = open_backend(index_dir)
        report = run_reindex(list(sources), backend, jobs=jobs, progress=progress,
                             lock_timeout=wait, allow_missing=allow_missing)
    except NothingIndexed as e:
        if e.report is not None:  # say why before the one-sentence error
            _print_skips(e.report)
        raise
    _print_summary(report, backend.location)
    sys.exit(EXIT_SKIPPED if report.skipped_total else EXIT_OK)


@cli.command()
@build_options
def update(sources, index_dir, jobs, wait, quiet):
    """Add new and changed articles from SOURCES to the live index; drop vanished ones.

    An article counts as vanished when it was read from one of SOURCES before and is not
    there now. Searches see all the changes at once when the update has finished.

    \b
    Example:
        scrapesearch update ~/scraped/2024-06
    """
    from searchapp.indexing import update as run_update
    from searchapp.progress import make_progress

    load_aliases()
    backend = open_backend(index_dir)
    report = run_update(list(sources), backend, jobs=jobs,
                        progress=make_progress(quiet), lock_timeout=wait)
    echo = functools.partial(click.echo, err=True)
    echo(f"Updated {backend.location} ({report.generation}) in {report.seconds:.1f} s: "
         f"{report.added:,} added, {report.changed:,} changed, {report.removed:,} removed, "
         f"{report.unchanged:,} unchanged ({report.unread:,} of them not read again).")
    _print_passed_over(report)
    _print_skips(report)
    sys.exit(EXIT_SKIPPED if report.skipped_total else EXIT_OK)


def _print_summary(report, location: str) -> None:
    echo = functools.partial(click.echo, err=True)
    echo(f"Indexed {report.indexed:,} articles in {report.seconds:.1f} s "
         f"({report.rate:,.0f} articles/s) into {location} ({report.generation}).")
    if report.duplicates:
        echo(f"Replaced {report.duplicates:,} articles that appeared again under the same id "
             "(the later input wins).")
    if report.ignored:
        files = "file that is" if report.ignored == 1 else "files that are"
        echo(f"Ignored {report.ignored:,} {files} not in a format scrapesearch reads.")
    _print_passed_over(report)
    _print_skips(report)


def _print_passed_over(report) -> None:
    """Archive records that were never pages: a crawl is full of them, so no failure."""
    total = sum(report.passed_over.values())
    if not total:
        return
    echo = functools.partial(click.echo, err=True)
    records = "record that is" if total == 1 else "records that are"
    echo(f"Passed over {total:,} archive {records} not articles:")
    for reason, n in report.passed_over.most_common(8):
        echo(f"  {n:>6,} × {reason}")


def _print_skips(report) -> None:
    echo = functools.partial(click.echo, err=True)
    if not report.skipped_total:
        return
    echo(f"Skipped {report.skipped_total:,} inputs:")
    for reason, n in Counter(r for _, r in report.skipped).most_common():
        echo(f"  {n:>6,} × {reason}")
    for path, reason in report.skipped[:20]:
        echo(f"  skipped {path}: {reason}")
    if report.skipped_total > 20:
        echo(f"  … and {report.skipped_total - 20:,} more (see `scrapesearch stats`).")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@friendly_errors
def extract(files):
    """Print the Article JSON of each input file, one object per line (JSON lines).

    Use it to check what scrapesearch reads from a file before indexing it.

    \b
    Example:
        scrapesearch extract article.txt | jq .quotes
    """
    from indexer.extract import iter_extract

    failed = 0
    for path in files:
        try:
            for item, result in iter_extract(path):
                if isinstance(result, ExtractError):
                    failed += 1
                    click.echo(f"skipped {item}: {result.reason}", err=True)
                else:
                    click.echo(json_line(result.as_dict()))
        except BrokenPipeError:
            raise  # the reader is gone, not the input (friendly_errors)
        except OSError as e:
            failed += 1
            click.echo(f"skipped {path}: it could not be read ({e.strerror or e})", err=True)
    sys.exit(EXIT_SKIPPED if failed else EXIT_OK)


@cli.command()
@click.argument("query", nargs=-1)
@index_dir_option
@click.option("--scope", type=click.Choice(list(SCOPES)), default="all", show_default=True,
              help="Which part of the articles to search.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--limit", "-n", type=click.IntRange(1, 100), default=10, show_default=True,
              help="How many results to show.")
@click.option("--copies", type=click.Choice(["collapse", "all"]), default="collapse",
              show_default=True,
              help="List each story once (its copies named under it), or every copy.")
@click.option("--json", "as_json", is_flag=True, help="Print the /api/search JSON instead.")
@friendly_errors
def search(query, index_dir, scope, sort, limit, copies, as_json):
    """Search the index from the terminal (same query language as the web UI).

    \b
    Example:
        scrapesearch search 'harbour -ferry' --sort newest
        scrapesearch search 'commenter:"jens holm"' --json
    """
    from searchapp.search.params import SearchParams
    from searchapp.search.service import run_search

    params = SearchParams.from_args(
        {"q": " ".join(query), "scope": scope, "sort": sort, "per_page": str(limit),
         "copies": copies})
    load_aliases()  # the quotes' people as the index was built (the hits name them)
    backend = open_backend(index_dir)
    try:
        response = run_search(backend, params)
    finally:
        backend.close()
    if as_json:
        click.echo(json.dumps(response.to_dict(), ensure_ascii=False, indent=1))
        return
    stories = response.stories
    told = f" in {stories:,} stories" if stories is not None and stories != response.total \
        else ""
    click.echo(f"{response.total:,} matches{told} ({response.took_ms:.0f} ms) — read as: "
               f"{response.query.read_as}")
    for n, hit in enumerate(response.results, 1):
        where = ", ".join(x for x in (hit.source, (hit.published or "")[:10]) if x)
        click.echo(f"{n:>3}. {hit.headline_text}  [{where or '?'}]")
        click.echo(f"     {hit.id}")
        if hit.copies_total:
            click.echo(f"     {hit.copies_line} (--copies all lists them)")
        for snippet in hit.plain_snippets()[:2]:
            click.echo(f"     {snippet}")


@cli.command()
@index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@friendly_errors
def stats(index_dir, as_json):
    """Show the live index: documents, generation, size and the last build report."""
    info = open_backend(index_dir).stats()
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=1))
        return
    report = info.get("report") or {}
    click.echo(f"Backend:      {info.get('backend', '?')}")
    if "index_dir" in info:
        click.echo(f"Index:        {info['index_dir']}")
    if "url" in info:
        click.echo(f"Cluster:      {info['url']} ({info.get('nodes')} nodes, "
                   f"{info.get('cluster_status')})")
        click.echo(f"Alias:        {info['alias']}")
        click.echo(f"Shards:       {info.get('shards')}, {info.get('replicas')} replica(s) each")
    click.echo(f"Generation:   {info['generation']}")
    click.echo(f"Documents:    {info['documents']:,}")
    if "segments" in info:
        click.echo(f"Segments:     {info['segments']}")
    if "size_bytes" in info:
        click.echo(f"Size:         {info['size_bytes'] / 1e6:,.1f} MB")
    click.echo(f"Built:        {report.get('started', '?')} in {report.get('seconds', 0):,.1f} s "
               f"({report.get('articles_per_second', 0):,.0f} articles/s)")
    click.echo(f"Sources:      {', '.join(report.get('sources') or [])}")
    click.echo(f"Skipped:      {report.get('skipped_total', 0):,}")
    for s in (report.get("skipped") or [])[:50]:
        click.echo(f"  {s['path']}: {s['reason']}")


@cli.command(name="people")
@index_dir_option
@click.option("--commenters", "what", flag_value="commenters", help="List commenters.")
@click.option("--sources", "what", flag_value="sources", help="List sources.")
@click.option("--speakers", "what", flag_value="speakers", default=True,
              help="List quoted speakers [default].")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=50, show_default=True,
              help="How many names to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the names as JSON.")
@friendly_errors
def people_command(index_dir, what, limit, as_json):
    """List the most quoted speakers (or commenters, or sources) with their counts, roles
    and the forms merged into each: what to correct in the alias file, people.toml.

    The names are worked out again from every article with the alias file as it is now,
    so an edit shows here before the next reindex.

    \b
    Example:
        scrapesearch people --limit 20
        scrapesearch people --commenters --json | jq '.names[0]'
    """
    from searchapp import people
    from searchapp.backends.base import Query
    from searchapp.people import report

    aliases = load_aliases()
    backend = open_backend(index_dir)
    try:
        total = backend.health().documents
        entries = report.tally(backend.export(Query()), what, aliases, _reading(total))
    finally:
        backend.close()
    if as_json:
        click.echo(json.dumps({what: len(entries), "articles": total,
                               "aliases": aliases.path,
                               "names": [e.as_dict(what) for e in entries[:limit]]},
                              ensure_ascii=False, indent=1))
        return
    alias_note = f"; aliases from {aliases.path}" if aliases is not people.NO_ALIASES else ""
    click.echo(f"{len(entries):,} {what} in {total:,} articles{alias_note}.")
    for line in report.lines(entries[:limit], what):
        click.echo(line)


def load_aliases():
    """The alias file of the instance folder (people.toml), put in use for this run."""
    from searchapp import people

    aliases = people.load_aliases(instance_dir())
    people.use(aliases)
    return aliases


def _reading(total: int):
    """Shows on a terminal's stderr how many articles were read (a long listing)."""
    if not sys.stderr.isatty():
        return None
    return lambda n: click.echo(f"\rread {n:,} of {total:,} articles\x1b[K", err=True,
                                nl=n >= total)


@cli.command()
@index_dir_option
@click.option("--bind", "-b", default="127.0.0.1:8000", show_default=True,
              help="Address to listen on (host:port).")
@click.option("--workers", "-w", type=click.IntRange(1, 64), default=None,
              help="gunicorn worker processes [default: from gunicorn.conf.py, cores + 1, "
                   "at most 8].")
def serve(index_dir, bind, workers):
    """Serve the web UI and JSON API under gunicorn.

    \b
    Example:
        scrapesearch serve --bind 0.0.0.0:8000 --workers 4
    """
    os.environ["SCRAPESEARCH_INDEX_DIR"] = os.path.abspath(index_dir)
    from searchapp.server import run_gunicorn

    run_gunicorn(bind=bind, workers=workers)


@cli.command()
@index_dir_option
@click.option("--dry-run", is_flag=True,
              help="Print what would be reported; send nothing, remember nothing.")
@friendly_errors
def alerts(index_dir, dry_run):
    """For each saved search, what entered the index since the last run (for cron).

    Printed, or mailed (one message per saved search) when the instance config sets
    SMTP_HOST. A saved search's news is remembered as reported only once it was printed or
    accepted by the mail server. Exit code 0: nothing new; 1: something new was reported;
    3: a failure (no index, the mail server refused): what was not reported is reported by
    the next run.

    
    Example (crontab):
        0 * * * *  cd /srv/scrapesearch && .venv/bin/scrapesearch alerts
    """
    from searchapp import alerts as alerting
    from searchapp.saved import Store, db_path

    settings = config.load(instance_dir(), {"INDEX_DIR": index_dir})
    load_aliases()
    backend = load_backend(settings)
    try:
        reported = alerting.run(backend, Store(db_path(settings, instance_dir())), settings,
                                echo=lambda text: click.echo(text), dry_run=dry_run)
    finally:
        backend.close()
    raise SystemExit(EXIT_NEWS if reported else EXIT_OK)


# Characters that are line breaks to str.splitlines() and to JavaScript but not to JSON:
# escaped, so that each article stays one line for every reader of the output.
_LINE_BREAKS = str.maketrans({c: f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029\x1c\x1d\x1e"})


def json_line(obj) -> str:
    """One JSON object on one line, non-ASCII kept except for Unicode line separators."""
    return json.dumps(obj, ensure_ascii=False).translate(_LINE_BREAKS)


def main() -> None:
    cli()
