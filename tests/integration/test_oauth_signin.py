"""OAuth2 sign-in for real: oidc-provider-mock as the issuer, a Dovecot whose oauth2 passdb
checks every token with it, and aiosmtpd taking XOAUTH2; the test plays the browser."""

from __future__ import annotations

import io
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import simple_message
from tests.helpers.oidc import CLIENT_ID, CLIENT_SECRET, Browser, Issuer
from tests.helpers.smtp import SMTP_WARNING, SmtpServer
from tests.helpers.tls import TlsFiles
from tests.integration.cli_helpers import run, search
from unibox.channels import imap_conn
from unibox.channels.oauth import OAuthError, custom
from unibox.channels.pop3 import Pop3Endpoint, Pop3Session
from unibox.channels.sasl import Bearer
from unibox.config import store_path
from unibox.core.errors import ChannelError
from unibox.secrets import SecretStore
from unibox.services.mail_setup import MailAccountForm, settings_for
from unibox.services.oauth import OAuthGrant, create_oauth_account, mail_settings_for, sign_in
from unibox.store import accounts
from unibox.store.accounts import MailServer
from unibox.store.store import Store
from unibox.sync import credentials

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings(SMTP_WARNING)]


def _need_dovecot() -> None:
    if not Dovecot.available():
        if os.environ.get("CI"):
            pytest.fail("Dovecot is needed (scripts/install-system-deps.sh, as root)")
        pytest.skip("Dovecot is not installed or not root")


@pytest.fixture
def oauth_smtp(oauth_issuer: Issuer) -> Iterator[SmtpServer]:
    server = SmtpServer("plain", oauth_userinfo_url=oauth_issuer.userinfo_url).start()
    try:
        yield server
    finally:
        server.stop()


def _sign_in(oauth_issuer: Issuer, email: str, **tamper: str) -> tuple[OAuthGrant, Browser]:
    browser = Browser(email)
    grant = sign_in(
        SecretStore(),
        custom(oauth_issuer.url),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        login_hint=email,
        open_url=browser.in_thread(tamper=tamper or None),
        timeout=30,
    )
    assert browser.error is None, browser.error
    return grant, browser


def _add(grant: OAuthGrant, dovecot: Dovecot, smtp: SmtpServer | None, name: str = "Work") -> None:
    settings = mail_settings_for(
        grant,
        imap=MailServer("127.0.0.1", dovecot.imap_port, "plain"),
        smtp=MailServer("127.0.0.1", smtp.port, "plain") if smtp else None,
    )
    store = Store(store_path(Path(os.environ["UNIBOX_PROFILE"])))
    try:
        create_oauth_account(store, SecretStore(), grant, name=name, settings=settings)
    finally:
        store.close()


def _send(subject: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO("The numbers.\n"))
    return run("send", "--account", "Work", "--to", "bob@example.org", "--subject", subject)


def test_first_sign_in_then_sync_lists_mail_and_send_works(
    oauth_issuer: Issuer,
    oauth_dovecot: Dovecot,
    oauth_smtp: SmtpServer,
    profile: Path,
    test_keyring: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    email = "ann.first@example.org"
    oauth_dovecot.deliver(email, simple_message("Quarterly numbers", "See attached."))
    grant, browser = _sign_in(oauth_issuer, email)
    assert grant.email == email and "email" in grant.scopes
    assert "close this tab" in browser.final_page
    # The keyring keeps the refresh token, never the access token.
    kept = json.loads(SecretStore().get(grant.secret_ref))
    assert kept["refresh_token"] and grant.access_token not in json.dumps(kept)
    _add(grant, oauth_dovecot, oauth_smtp)
    assert run("sync") == 0
    assert [m["subject"] for m in search(capsys, "Quarterly")] == ["Quarterly numbers"]
    db = store_path(profile).read_bytes()
    assert grant.access_token.encode() not in db
    assert kept["refresh_token"].encode() not in db

    capsys.readouterr()
    code = _send("Hi", monkeypatch)
    assert code == 0, capsys.readouterr().err
    assert run("sync") == 0
    assert [m.authenticated_as for m in oauth_smtp.messages] == [email]
    # Every log line, at DEBUG too (imapclient's and smtplib's included): no token.
    assert caplog.text and grant.access_token not in caplog.text
    assert kept["refresh_token"] not in caplog.text


def test_a_wrong_state_or_code_is_refused(oauth_issuer: Issuer) -> None:
    with pytest.raises(OAuthError, match="does not belong to this sign-in"):
        _sign_in(oauth_issuer, "ann.state@example.org", state="forged")
    with pytest.raises(OAuthError, match="refused the sign-in code"):
        _sign_in(oauth_issuer, "ann.code@example.org", code="not-a-code")
    assert not SecretStore().backend.get_password("unibox", "oauth2:custom:ann.state@example.org")


def test_a_bogus_token_is_dovecots_temporary_failure_in_words(oauth_dovecot: Dovecot) -> None:
    ep = imap_conn.ImapEndpoint("127.0.0.1", oauth_dovecot.imap_port, "plain", "x@example.org")
    with pytest.raises(Exception) as caught:
        imap_conn.connect(ep, Bearer("bogus-token"))
    said = str(caught.value)
    assert "temporary failure" in said and "Temporary authentication failure" in said, said
    assert getattr(caught.value, "retryable", False)


def test_a_revoked_grant_asks_to_sign_in_again_and_loses_nothing(
    oauth_issuer: Issuer,
    oauth_dovecot: Dovecot,
    oauth_smtp: SmtpServer,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    email = "ann.revoked@example.org"
    oauth_dovecot.deliver(email, simple_message("Kept locally", "Still here."))
    grant, _ = _sign_in(oauth_issuer, email)
    _add(grant, oauth_dovecot, oauth_smtp)
    assert run("sync") == 0
    oauth_issuer.revoke(email)
    credentials.forget(grant.secret_ref)  # a new process: only the refresh token is known
    capsys.readouterr()
    for step in (lambda: _send("Queued", monkeypatch), lambda: run("sync")):
        assert step() == 1
        err = capsys.readouterr().err
        assert "unibox account reauth Work" in err and "nothing was lost" in err, err
    assert [m["subject"] for m in search(capsys, "Kept")] == ["Kept locally"]
    assert oauth_smtp.messages == []
    capsys.readouterr()
    assert run("outbox", "--json") == 0
    assert "Queued" in capsys.readouterr().out


def test_a_token_that_expires_is_renewed_without_asking(
    tls_files: TlsFiles, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _need_dovecot()
    with (
        Issuer(token_lifetime=3) as short,
        Dovecot(tls=tls_files, oauth2_introspection_url=short.userinfo_url) as dovecot,
    ):
        email = "ann.expiry@example.org"
        dovecot.deliver(email, simple_message("Before expiry", "One."))
        opened: list[str] = []
        browser = Browser(email)

        def open_url(url: str) -> None:
            opened.append(url)
            threading.Thread(target=browser.sign_in, args=(url,), daemon=True).start()

        grant = sign_in(
            SecretStore(),
            custom(short.url),
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            login_hint=email,
            open_url=open_url,
            timeout=30,
        )
        _add(grant, dovecot, None)
        assert run("sync") == 0
        # Wait (a condition, not a time) until the issuer no longer honours the token.
        done = threading.Event()
        while short.token_works(grant.access_token):
            done.wait(0.2)
        dovecot.deliver(email, simple_message("After expiry", "Two."))
        assert run("sync") == 0, capsys.readouterr().err
        assert [m["subject"] for m in search(capsys, "expiry")] == ["After expiry", "Before expiry"]
        assert len(opened) == 1  # never asked to sign in again
        source = credentials.token_source(SecretStore(), grant.secret_ref, grant.settings, "Work")
        assert source.renewals >= 1

        # A clock an hour behind the issuer's: the old token looks fresh here, the server
        # refuses it; unibox renews it and signs in on a second connection.
        skewed = credentials.OAuthTokens(
            SecretStore(),
            grant.secret_ref,
            grant.settings,
            "Work",
            clock=lambda: time.time() - 3600,
        )
        skewed.seed(grant.access_token, grant.expires_at)
        ep = imap_conn.ImapEndpoint("127.0.0.1", dovecot.imap_port, "plain", email)
        client = imap_conn.connect(ep, skewed)
        try:
            assert "INBOX" in [name for _flags, _sep, name in client.list_folders()]
        finally:
            imap_conn.logout(client)
        assert skewed.renewals == 1


def test_an_edit_that_does_not_say_how_to_sign_in_keeps_oauth2(
    oauth_issuer: Issuer, oauth_dovecot: Dovecot, profile: Path
) -> None:
    """The edit dialog's form has no sign-in method: saving it must not turn the refresh
    token into a password."""
    email = "ann.edit@example.org"
    oauth_dovecot.deliver(email, simple_message("Still signed in", "Yes."))
    grant, _ = _sign_in(oauth_issuer, email)
    _add(grant, oauth_dovecot, None)
    form = MailAccountForm(
        name="Work",
        display_name="Ann Edited",
        email=email,
        username=email,
        imap_host="127.0.0.1",
        imap_port=oauth_dovecot.imap_port,
        imap_security="plain",
    )
    store = Store(store_path(profile))
    try:
        with store.write() as s:
            edited = accounts.update_mail_account(
                s, "Work", email=email, display_name="Ann Edited", settings=settings_for(form)
            )
    finally:
        store.close()
    assert edited.settings.auth == "oauth2" and edited.settings.oauth == grant.settings
    assert run("sync") == 0


def test_a_pop3_account_signs_in_with_oauth2_too(
    oauth_issuer: Issuer, oauth_dovecot: Dovecot, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    email = "ann.pop@example.org"
    oauth_dovecot.deliver(email, simple_message("Over POP3", "Downloaded."))
    grant, _ = _sign_in(oauth_issuer, email)
    settings = mail_settings_for(
        grant, pop3=MailServer("127.0.0.1", oauth_dovecot.pop3_port, "plain")
    )
    store = Store(store_path(profile))
    try:
        added = create_oauth_account(store, SecretStore(), grant, name="Home", settings=settings)
    finally:
        store.close()
    assert added.kind == "pop3"
    assert run("sync") == 0, capsys.readouterr().err
    assert [m["subject"] for m in search(capsys, "POP3")] == ["Over POP3"]
    ep = Pop3Endpoint("127.0.0.1", oauth_dovecot.pop3_port, "plain", email)
    with pytest.raises(ChannelError) as caught:
        Pop3Session(ep, Bearer("bogus-token"))
    assert "temporary failure" in str(caught.value) and caught.value.retryable, caught.value
