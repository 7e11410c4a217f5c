"""`scrapesearch alerts` from the command line (Whoosh; the engine side is in
tests/contract/test_saved.py): its exit codes, --dry-run, and mail through a real SMTP
server (tests/smtpsink.py) configured in the instance's config.py."""

from __future__ import annotations

import socket
import time

from conftest import article, write_jsonl
from smtpsink import SmtpSink
from test_cli import one_sentence_error, run

from searchapp.backends.whoosh import WhooshBackend
from searchapp.cli import EXIT_FAILED, EXIT_NEWS, EXIT_OK
from searchapp.saved import Store
from searchapp.search.params import SearchParams

OLD = [article(id=f"harbour-{i}", headline=f"Harbour story {i}", body="Harbour news.")
       for i in range(2)]
NEW = article(id="harbour-new", headline="Harbour reopens", body="Harbour news.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_alerts_exit_codes_dry_run_and_mail(tmp_path):
    instance = tmp_path / "instance"
    env = {"SCRAPESEARCH_INSTANCE": str(instance)}
    src = write_jsonl(tmp_path / "src.jsonl", OLD)
    assert run("alerts", env=env).exit_code == EXIT_FAILED  # no index yet
    assert run("reindex", "-q", src, env=env).exit_code == EXIT_OK
    backend = WhooshBackend(str(instance / "index"))
    Store(str(instance / "saved.sqlite3")).add("harbour", SearchParams(q="harbour"),
                                               backend.newest_added())
    backend.close()

    done = run("alerts", env=env)
    assert (done.exit_code, done.stdout) == (EXIT_OK, "")

    time.sleep(0.05)
    write_jsonl(tmp_path / "src.jsonl", [*OLD, NEW])
    assert run("update", "-q", src, env=env).exit_code == EXIT_OK
    for _ in range(2):  # a dry run remembers nothing
        done = run("alerts", "--dry-run", env=env)
        assert done.exit_code == EXIT_NEWS
        assert "harbour: 1 new since" in done.stdout and "/articles/harbour-new" in done.stdout

    # A mail server that is not there: a sentence, exit 3, and nothing is lost.
    config = instance / "config.py"
    config.write_text(f'SMTP_HOST = "127.0.0.1"\nSMTP_PORT = {free_port()}\n'
                      'SMTP_TIMEOUT = 5\nALERTS_TO = ["desk@example.org"]\n')
    failed = run("alerts", env=env)
    assert failed.exit_code == EXIT_FAILED
    assert "did not take the alert for 'harbour'" in one_sentence_error(failed.stderr)

    with SmtpSink() as sink:
        config.write_text(f'SMTP_HOST = "127.0.0.1"\nSMTP_PORT = {sink.port}\n'
                          'ALERTS_TO = ["desk@example.org"]\n'
                          'ALERTS_FROM = "alerts@example.org"\n')
        done = run("alerts", env=env)
        assert (done.exit_code, done.stdout) == (EXIT_NEWS, "")
        assert [m["rcpt"] for m in sink.messages] == [["desk@example.org"]]
        assert sink.messages[0]["from"] == "alerts@example.org"
        assert "/articles/harbour-new" in sink.messages[0]["data"]
        assert run("alerts", env=env).exit_code == EXIT_OK  # sent: not again
        assert len(sink.messages) == 1
