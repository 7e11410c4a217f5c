"""`scrapesearch alerts`: for each saved search, what entered the index since its last run,
printed, or mailed when the instance config names an SMTP server (no Flask here).

A saved search's `alerted` mark moves only after its news was printed or its message
accepted by the server, so a failed run loses nothing: the next one reports it again.
The mark it moves to is the index's newest time read before searching (saved.py says why
that clock), so an article that becomes searchable while the run goes on is reported by
the next run, never by none.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlencode

from indexer.errors import ScrapesearchError
from searchapp.backends.base import ADDED_SORT, SearchBackend
from searchapp.saved import Saved, Store
from searchapp.search.service import Hit, run_search

MAX_LISTED = 100  # SearchParams.MAX_PER_PAGE: the listed articles are one result page


class AlertError(ScrapesearchError):
    """The news could not be sent; the message is one sentence."""


@dataclass
class News:
    """What entered the index for one saved search since its last run."""

    saved: Saved
    total: int
    listed: list[Hit]  # the first of them, the last to enter first
    entered: dict[str, dt.datetime]  # id -> when it entered the index

    def subject(self) -> str:
        return f"{self.total:,} new for the saved search '{self.saved.name}'"

    def text(self, root: str) -> str:
        """The news as plain text; links start with `root` (PUBLIC_URL, may be "")."""
        since = _when(self.saved.alerted)
        lines = [f"{self.saved.name}: {self.total:,} new since {since}",
                 f"  search: {root}/search?{self.saved.args}" if self.saved.args
                 else f"  search: {root}/search"]
        for hit in self.listed:
            when = self.entered.get(hit.id)
            where = " · ".join(x for x in (hit.source, (hit.published or "")[:10]) if x)
            lines.append(f"- {hit.headline_text or hit.id}" + (f"  [{where}]" if where else ""))
            lines.append(f"  {root}/articles/{hit.id}"
                         + (f"  (indexed {_when(when.timestamp())})" if when else ""))
        if self.total > len(self.listed):
            lines.append(f"… and {self.total - len(self.listed):,} more: "
                         f"{root}/saved/{_quoted(self.saved.name)}")
        return "\n".join(lines) + "\n"


def _when(epoch: float) -> str:
    if epoch <= 0:
        return "the index was empty"
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _quoted(name: str) -> str:
    return urlencode({"": name})[1:]


def collect(backend: SearchBackend, store: Store, listed: int = 20
            ) -> tuple[list[News], float | None]:
    """The news of every saved search that has some, and the mark to move them to."""
    mark = backend.newest_added()
    out = []
    for saved in store.all():
        params = saved.params.with_(sort=ADDED_SORT, added_after=saved.alerted,
                                    per_page=max(1, min(listed, MAX_LISTED)), facets=(),
                                    snippets=False)
        response = run_search(backend, params, suggest=False)
        if response.total:
            entered = backend.added(h.id for h in response.results)
            out.append(News(saved, response.total, response.results, entered))
    return out, mark


def recipients(config: Mapping[str, Any]) -> list[str]:
    to = config.get("ALERTS_TO") or []
    if isinstance(to, str):
        to = to.split(",")
    return [a.strip() for a in to if a and a.strip()]


def send(config: Mapping[str, Any], news: News, root: str) -> None:
    """Mail one saved search's news through the configured server; AlertError if refused."""
    to = recipients(config)
    if not to:
        raise AlertError("SMTP_HOST is set but ALERTS_TO names no one to mail the alerts to")
    msg = EmailMessage()
    msg["Subject"] = news.subject()
    msg["From"] = config.get("ALERTS_FROM") or "scrapesearch@localhost"
    msg["To"] = ", ".join(to)
    msg.set_content(news.text(root))
    host, port = config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25)
    try:
        with smtplib.SMTP(host, port, timeout=float(config.get("SMTP_TIMEOUT") or 30)) as s:
            if config.get("SMTP_STARTTLS"):
                s.starttls()
            if config.get("SMTP_USER"):
                s.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            s.send_message(msg)
    except (smtplib.SMTPException, OSError) as e:
        raise AlertError(f"the mail server {host}:{port} did not take the alert for "
                         f"'{news.saved.name}' ({e}); it will be sent by the next run") from None


def run(backend: SearchBackend, store: Store, config: Mapping[str, Any],
        echo: Callable[[str], None], dry_run: bool = False) -> int:
    """Report every saved search's news (mail or `echo`), moving each one's mark once it
    is out; returns how many saved searches had news. `dry_run`: print what would be
    reported, send nothing, move nothing."""
    news, mark = collect(backend, store, int(config.get("ALERTS_LISTED") or 20))
    root = (config.get("PUBLIC_URL") or "").rstrip("/")
    mail = bool(config.get("SMTP_HOST")) and not dry_run
    for item in news:
        if mail:
            send(config, item, root)
        else:
            echo(item.text(root))
        if not dry_run and mark is not None:
            store.mark(item.saved.name, "alerted", mark)
    if not dry_run and mark is not None:  # nothing new for the others: up to now too
        reported = {n.saved.name for n in news}
        for saved in store.all():
            if saved.name not in reported and saved.alerted < mark:
                store.mark(saved.name, "alerted", mark)
    return len(news)
