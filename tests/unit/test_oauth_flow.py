"""The pieces of an OAuth2 sign-in that need no issuer: PKCE, state, the loopback listener,
provider presets, and where plain http may go."""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from unibox.channels import oauth
from unibox.channels.oauth_redirect import LoopbackRedirect, SignInCancelled
from unibox.channels.sasl import initial_response, mechanism
from unibox.core.errors import SecurityError


def test_the_authorization_url_carries_pkce_s256_state_and_the_loopback_redirect() -> None:
    auth = oauth.authorization(oauth.GOOGLE, "cid", "http://127.0.0.1:5555/", "ann@gmail.com")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(auth.url).query))
    assert auth.url.startswith("https://accounts.google.com/o/oauth2/v2/auth?")
    digest = hashlib.sha256(auth.verifier.encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert query["code_challenge_method"] == "S256"
    assert 43 <= len(auth.verifier) <= 128
    assert query["state"] == auth.state and len(auth.state) >= 32
    assert query["redirect_uri"] == "http://127.0.0.1:5555/"
    assert "https://mail.google.com/" in query["scope"].split()
    assert query["access_type"] == "offline" and query["login_hint"] == "ann@gmail.com"
    again = oauth.authorization(oauth.GOOGLE, "cid", "http://127.0.0.1:5555/")
    assert again.state != auth.state and again.verifier != auth.verifier
    assert auth.verifier not in repr(auth)  # the PKCE secret is never printed


def test_presets_name_the_real_servers_and_scopes() -> None:
    ms = oauth.PRESETS["microsoft"]
    assert {
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "https://outlook.office.com/SMTP.Send",
        "offline_access",
    } <= set(ms.scopes)
    assert (ms.imap, ms.smtp) == (
        oauth.Server("outlook.office365.com", 993, "ssl"),
        oauth.Server("smtp.office365.com", 587, "starttls"),
    )
    google = oauth.PRESETS["google"]
    assert google.imap == oauth.Server("imap.gmail.com", 993, "ssl")
    assert google.token_endpoint == "https://oauth2.googleapis.com/token"


def test_an_answer_with_another_state_or_an_error_is_refused_in_words() -> None:
    auth = oauth.authorization(oauth.GOOGLE, "cid", "http://127.0.0.1:1/")
    with pytest.raises(oauth.OAuthError, match="state does not match"):
        oauth.code_from({"code": "c", "state": "forged"}, auth, oauth.GOOGLE)
    with pytest.raises(oauth.OAuthError, match="Google did not allow the sign-in: access_denied"):
        oauth.code_from({"error": "access_denied", "state": auth.state}, auth, oauth.GOOGLE)
    assert oauth.code_from({"code": "c1", "state": auth.state}, auth, oauth.GOOGLE) == "c1"


def test_plain_http_only_to_this_computer() -> None:
    with pytest.raises(SecurityError, match="not an https address"):
        oauth.custom("http://issuer.example.org")
    assert oauth.custom("http://127.0.0.1:9/").issuer == "http://127.0.0.1:9"


def test_the_loopback_listener_takes_one_answer_and_says_the_tab_can_close() -> None:
    with LoopbackRedirect() as redirect:
        assert redirect.redirect_uri.startswith("http://127.0.0.1:")
        pages: list[str] = []

        def browser() -> None:
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(redirect.redirect_uri + "favicon.ico", timeout=5)
            url = redirect.redirect_uri + "?code=abc&state=xyz"
            with urllib.request.urlopen(url, timeout=5) as page:
                pages.append(page.read().decode())

        thread = threading.Thread(target=browser)
        thread.start()
        answer = redirect.wait(timeout=30)
        thread.join(10)
    assert answer == {"code": "abc", "state": "xyz"}
    assert "close this tab" in pages[0]


def test_cancel_ends_the_wait() -> None:
    cancel = threading.Event()
    cancel.set()
    with LoopbackRedirect() as redirect, pytest.raises(SignInCancelled, match="cancelled"):
        redirect.wait(cancel, timeout=30)


@pytest.fixture
def wrong_discovery() -> Iterator[str]:
    """An issuer whose OpenID configuration names another issuer."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(
                {
                    "issuer": "https://evil.example.org",
                    "authorization_endpoint": "https://evil.example.org/auth",
                    "token_endpoint": "https://evil.example.org/token",
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_discovery_document_for_another_issuer_is_refused(wrong_discovery: str) -> None:
    with pytest.raises(SecurityError, match=r"is for “https://evil\.example\.org”"):
        oauth.discover(oauth.custom(wrong_discovery))


def test_sasl_messages_follow_rfc_7628() -> None:
    assert mechanism({"PLAIN", "XOAUTH2"}) == "XOAUTH2"
    assert mechanism({"XOAUTH2", "OAUTHBEARER"}) == "OAUTHBEARER"
    assert initial_response("OAUTHBEARER", "a,b=c@x.org", "T") == (
        "n,a=a=2Cb=3Dc@x.org,\x01auth=Bearer T\x01\x01"
    )
    assert initial_response("XOAUTH2", "u@x.org", "T") == "user=u@x.org\x01auth=Bearer T\x01\x01"
