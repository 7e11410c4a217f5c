"""A tiny real SMTP server for tests (Python 3.12 has no smtpd): it speaks enough RFC 5321
over a socket for smtplib (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps what
it receives; `refuse=True` answers every MAIL FROM with 550."""

from __future__ import annotations

import socket
import threading


class SmtpSink:
    def __init__(self, refuse: bool = False):
        self.refuse = refuse
        self.messages: list[dict] = []  # {"from", "rcpt", "data"}
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> SmtpSink:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.sock.close()
        self.thread.join(5)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn, conn.makefile("rb") as r:
                self._session(conn, r)

    def _session(self, conn, r) -> None:
        def say(line: str) -> None:
            conn.sendall(line.encode() + b"\r\n")

        say("220 sink ESMTP")
        sender, rcpt = None, []
        while True:
            line = r.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            verb = cmd[:4].upper()
            if verb == "EHLO":
                say("250-sink")
                say("250 8BITMIME")
            elif verb == "HELO" or verb == "NOOP" or verb == "RSET":
                say("250 ok")
                if verb == "RSET":
                    sender, rcpt = None, []
            elif verb == "MAIL":
                if self.refuse:
                    say("550 not today")
                    continue
                sender = cmd.split(":", 1)[1].strip().strip("<>").split(">")[0]
                say("250 ok")
            elif verb == "RCPT":
                rcpt.append(cmd.split(":", 1)[1].strip().strip("<>").split(">")[0])
                say("250 ok")
            elif verb == "DATA":
                say("354 go on")
                lines = []
                while (body := r.readline()) not in (b".\r\n", b""):
                    lines.append(body[1:] if body.startswith(b"..") else body)
                self.messages.append({"from": sender, "rcpt": rcpt,
                                      "data": b"".join(lines).decode("utf-8", "replace")})
                sender, rcpt = None, []
                say("250 queued")
            elif verb == "QUIT":
                say("221 bye")
                return
            else:
                say("502 not implemented")
