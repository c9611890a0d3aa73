"""An OAuth2 / OpenID issuer for tests: `oidc-provider-mock` (PyPI) on a loopback port.

It is a real authorization server (authlib underneath) with a scripted
sign-in page: a form that takes the subject to sign in as. `Browser` plays
the person's browser: it opens the authorization URL, submits the form, and
follows the redirect to the app's loopback listener.

    with Issuer() as issuer:
        url = issuer.url            # http://127.0.0.1:PORT, also the issuer id
        issuer.revoke("ann@example.org")
"""

from __future__ import annotations

import json
import logging
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
import warnings
from datetime import timedelta
from types import TracebackType
from typing import Any, Self

# authlib refuses plain http unless told; the issuer is on loopback only.
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

CLIENT_ID = "unibox-test-client"
CLIENT_SECRET = "not-a-secret-for-desktop-apps"  # the mock wants one (client_secret_basic)


class Issuer:
    """oidc-provider-mock in a thread of this process (it goes with the process)."""

    def __init__(self, *, token_lifetime: float = 3600) -> None:
        self.token_lifetime = token_lifetime
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def userinfo_url(self) -> str:
        return self.url + "/userinfo"

    def start(self) -> Self:
        import werkzeug.serving

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # authlib's deprecation notes on import
            import oidc_provider_mock

        # authlib logs each issued token at DEBUG: keep tokens out of the test logs.
        logging.getLogger("authlib").setLevel(logging.INFO)
        app = oidc_provider_mock.app(access_token_max_age=timedelta(seconds=self.token_lifetime))
        app.debug = False
        self._server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
        # werkzeug logs every request line, codes included: keep the test log clean.
        self._server.RequestHandlerClass.log_request = lambda *a, **k: None
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def revoke(self, subject: str) -> None:
        """Every access and refresh token of `subject` stops working (as "remove access")."""
        req = urllib.request.Request(
            f"{self.url}/users/{urllib.parse.quote(subject)}/revoke-tokens", method="POST"
        )
        urllib.request.urlopen(req, timeout=10).close()

    def token_works(self, token: str) -> bool:
        """Whether the issuer still honours an access token (as Dovecot asks it)."""
        req = urllib.request.Request(
            self.userinfo_url, headers={"Authorization": f"Bearer {token}"}
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return bool(json.load(resp).get("email"))
        except urllib.error.HTTPError:
            return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """What the person's browser does: open the page, sign in as `subject`, follow the redirect."""

    def __init__(self, subject: str) -> None:
        self.subject = subject
        self.redirected_to = ""
        self.final_page = ""
        self.error: BaseException | None = None
        self._opener = urllib.request.build_opener(_NoRedirect)

    def sign_in(self, url: str, *, tamper: dict[str, str] | None = None) -> None:
        """Runs the whole round trip; `tamper` replaces query values of the redirect."""
        try:
            with self._opener.open(url, timeout=10) as page:
                form = page.read().decode()
            assert 'name="sub"' in form, form[:300]
            data = urllib.parse.urlencode({"sub": self.subject}).encode()
            try:
                self._opener.open(url, data=data, timeout=10).close()
                raise AssertionError("the issuer did not redirect")
            except urllib.error.HTTPError as exc:
                if exc.code not in (302, 303):
                    raise
                location = exc.headers["Location"]
            if tamper:
                parts = urllib.parse.urlsplit(location)
                query = dict(urllib.parse.parse_qsl(parts.query))
                query.update(tamper)
                location = parts._replace(query=urllib.parse.urlencode(query)).geturl()
            self.redirected_to = location
            with urllib.request.urlopen(location, timeout=10) as done:
                self.final_page = done.read().decode()
        except BaseException as exc:  # the test thread reports it
            self.error = exc

    def in_thread(self, **kwargs: Any) -> Any:
        """An `open_url` for sign_in: the browser runs beside the waiting listener."""

        def open_url(url: str) -> None:
            threading.Thread(target=self.sign_in, args=(url,), kwargs=kwargs, daemon=True).start()

        return open_url
