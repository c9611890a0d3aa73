"""`unibox account add-mail --auth oauth2 --no-browser` and `unibox account reauth` as a person
runs them: a real process prints the sign-in address, the test's browser follows it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import simple_message
from tests.helpers.oidc import CLIENT_ID, CLIENT_SECRET, Browser, Issuer
from tests.integration.conftest import subprocess_env
from unibox.config import store_path
from unibox.secrets import SecretStore

pytestmark = [pytest.mark.integration]


def _unibox(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "unibox", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _signing_in(
    env: dict[str, str], subject: str, *args: str, no_browser: bool = True
) -> tuple[int, str, Browser]:
    """Run a command that prints a sign-in URL; sign in as `subject` when it does."""
    flags = ["--no-browser"] if no_browser else []
    proc = subprocess.Popen(
        [sys.executable, "-m", "unibox", *args, *flags],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    browser = Browser(subject)
    assert proc.stdout is not None and proc.stderr is not None
    try:
        url = proc.stdout.readline().strip()
        if url.startswith("http"):
            browser.sign_in(url)
        code = proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return code, proc.stderr.read().strip(), browser


def test_add_mail_with_oauth2_then_sync_and_reauth_after_a_revoked_grant(
    oauth_issuer: Issuer,
    oauth_dovecot: Dovecot,
    profile: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = subprocess_env(profile, test_keyring)
    email = "cli.ann@example.org"
    oauth_dovecot.deliver(email, simple_message("Hello from the CLI", "Body."))
    add = (
        "account",
        "add-mail",
        "--name",
        "Work",
        "--email",
        email,
        "--auth",
        "oauth2",
        "--oauth-issuer",
        oauth_issuer.url,
        "--oauth-client-id",
        CLIENT_ID,
        "--oauth-client-secret",
        CLIENT_SECRET,
        "--imap-host",
        "127.0.0.1",
        "--imap-port",
        str(oauth_dovecot.imap_port),
        "--imap-security",
        "plain",
    )
    code, err, browser = _signing_in(env, email, *add)
    assert code == 0, err
    assert browser.error is None and "close this tab" in browser.final_page
    assert "Signed in as cli.ann@example.org" in err

    listed = json.loads(_unibox(env, "account", "list", "--json").stdout)
    assert [(a["name"], a["auth"], a["oauth_issuer"]) for a in listed] == [
        ("Work", "oauth2", oauth_issuer.url)
    ]
    # The keyring holds the refresh token; the settings only say how to sign in.
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(test_keyring))
    refresh_token = json.loads(SecretStore().get("mail:Work"))["refresh_token"]
    assert refresh_token.encode() not in store_path(profile).read_bytes()
    assert _unibox(env, "sync").returncode == 0
    found = json.loads(_unibox(env, "search", "Hello", "--json").stdout)
    assert [m["subject"] for m in found] == ["Hello from the CLI"]
    # Nothing new: the quick check signs in with a renewed token and skips the engine.
    quick = _unibox(env, "-v", "sync")
    assert quick.returncode == 0, quick.stderr
    assert "nothing changed on the server (quick check)" in quick.stderr, quick.stderr

    oauth_issuer.revoke(email)
    failed = _unibox(env, "sync")
    assert failed.returncode == 1
    assert "unibox account reauth Work" in failed.stderr, failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1

    # Someone else's sign-in does not replace the account's.
    code, err, _ = _signing_in(env, "mallory@example.org", "account", "reauth", "Work")
    assert code == 1 and "but this account is cli.ann@example.org" in err, err

    # Without a desktop, opening "the browser" would start a text browser in the terminal
    # and wait on it: the address is printed instead.
    headless = {k: v for k, v in env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    code, err, _ = _signing_in(headless, email, "account", "reauth", "Work", no_browser=False)
    assert code == 0, err
    oauth_dovecot.deliver(email, simple_message("After reauth", "Body."))
    assert _unibox(env, "sync").returncode == 0
    found = json.loads(_unibox(env, "search", "reauth", "--json").stdout)
    assert [m["subject"] for m in found] == ["After reauth"]


def test_the_flags_that_are_missing_are_named(profile: Path, test_keyring: Path) -> None:
    env = subprocess_env(profile, test_keyring)
    done = _unibox(env, "account", "add-mail", "--name", "W", "--email", "a@example.org")
    assert done.returncode == 2 and "--imap-host" in done.stderr
    done = _unibox(
        env, "account", "add-mail", "--name", "W", "--email", "a@example.org", "--auth", "oauth2"
    )
    assert done.returncode == 1 and "--oauth-provider" in done.stderr
    done = _unibox(
        env, "account", "add-mail", "--name", "W", "--email", "a@gmail.com", "--auth", "oauth2"
    )
    assert done.returncode == 1 and "client id is needed to sign in with Google" in done.stderr
    assert not store_path(profile).exists()
