"""The loopback redirect of RFC 8252 §7.3: the browser brings the sign-in's answer here.

We listen on 127.0.0.1 at a port the system picks at run time, take the one
request that carries the answer (`code`/`error` and `state`), show a page
that says the tab can be closed, and stop listening.
"""

from __future__ import annotations

import html
import http.server
import logging
import threading
import time
import urllib.parse
from typing import Any

from unibox.core.errors import UserError

log = logging.getLogger("unibox.channels.oauth")

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>unibox</title>
<style>body{{font-family:sans-serif;margin:4em auto;max-width:32em;color:#222}}</style>
</head><body><h1>{title}</h1><p>{text}</p></body></html>
"""


class SignInCancelled(UserError):
    """The person cancelled, or the browser did not come back in time."""


class LoopbackRedirect:
    """A one-shot HTTP listener on 127.0.0.1; use as a context manager."""

    def __init__(self) -> None:
        self._answer: dict[str, str] | None = None
        self._server = http.server.HTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.timeout = 0.2  # how often a wait looks at its cancel flag

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> LoopbackRedirect:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._server.server_close()

    def wait(self, cancel: threading.Event | None = None, timeout: float = 300) -> dict[str, str]:
        """The answer's query parameters; SignInCancelled when cancelled or timed out."""
        deadline = time.monotonic() + timeout
        while self._answer is None:
            if cancel is not None and cancel.is_set():
                raise SignInCancelled("The sign-in was cancelled.")
            if time.monotonic() > deadline:
                raise SignInCancelled(
                    f"The browser did not come back within {round(timeout)} seconds; sign in again."
                )
            self._server.handle_request()
        return self._answer

    def _took(self, query: dict[str, str]) -> None:
        self._answer = query


def _handler_for(owner: LoopbackRedirect) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "unibox"
        timeout = 5  # a browser's idle preconnection must not hold the one listener

        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
            if parts.path != "/" or not ({"code", "error"} & query.keys()):
                self._page(404, "Nothing here", "This address only takes a sign-in's answer.")
                return
            if "error" in query:
                self._page(
                    200,
                    "Sign-in not completed",
                    "The sign-in was not allowed. You can close this tab and try again in unibox.",
                )
            else:
                self._page(
                    200, "Signed in", "unibox has what it needs. You can close this tab now."
                )
            owner._took(query)

        def _page(self, status: int, title: str, text: str) -> None:
            body = _PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            # The request line holds the code: never logged.
            pass

    return Handler
