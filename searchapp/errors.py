"""Errors in one place: JSON under /api/, an HTML page elsewhere; security headers everywhere.

A bad argument is a 400 with a sentence, an unknown article a 404, no index a 503; anything
unexpected is logged and answered with a plain 500 page, never a traceback.
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from searchapp.backends.base import BackendError, IndexUnavailable
from searchapp.search.params import ParamError

# No inline script or style anywhere, so the policy needs no 'unsafe-inline'.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

TITLES = {400: "Bad request", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          409: "Already there",
          500: "Something went wrong", 503: "Search is not available"}


def respond(status: int, message: str):
    if request.path.startswith("/api/") or request.path == "/healthz":
        resp = jsonify({"error": message, "status": status})
        resp.status_code = status
        return resp
    return render_template("error.html", status=status, title=TITLES.get(status, "Error"),
                           message=message), status


def sentence(msg: str) -> str:
    return msg[0].upper() + msg[1:] + ("" if msg.endswith(".") else ".") if msg else "Error."


def init_app(app: Flask) -> None:
    @app.errorhandler(ParamError)
    def bad_param(e: ParamError):
        return respond(400, sentence(str(e)))

    @app.errorhandler(IndexUnavailable)
    def no_index(e: IndexUnavailable):
        return respond(503, sentence(str(e)))

    @app.errorhandler(BackendError)
    def engine_error(e: BackendError):
        current_app.logger.error("search backend error on %s: %s", request.path, e)
        return respond(503, sentence(str(e)))

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        messages = {404: "There is nothing at this address.",
                    405: f"This address does not answer {request.method} requests."}
        # abort(404, "A sentence.") says what was not found; werkzeug's own text does not.
        if e.description and e.description != type(e).description:
            return respond(e.code or 500, e.description)
        return respond(e.code or 500, messages.get(e.code, e.description or "Error."))

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        current_app.logger.exception("unhandled error on %s", request.path)
        return respond(500, "The search failed unexpectedly; the error has been logged.")

    @app.after_request
    def headers(resp):
        for k, v in SECURITY_HEADERS.items():
            resp.headers.setdefault(k, v)
        # Every answer but the stylesheet and script: error pages echo the query too.
        if not request.path.startswith("/static/"):
            resp.headers.setdefault("Cache-Control", current_app.config["CACHE_CONTROL"])
        return resp
