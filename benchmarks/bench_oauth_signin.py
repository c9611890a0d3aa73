"""OAuth2 without the window: from `sign_in` to the first mail listed, and the command line's.

(`bench_oauth.py` measures the same through the add-account dialog.)

Starts oidc-provider-mock (tests/helpers/oidc.py) and a real Dovecot whose
oauth2 passdb asks the issuer about every token, delivers a small mailbox,
and times, several times with a fresh user and profile each:

  * the dialog's path, in this process: `services.oauth.sign_in` (OpenID
    discovery, the loopback listener, the browser's round trip played by
    `Browser`, the code exchange, the keyring), the account added, the first
    sync, and the first message read back from the store;
  * the command line's: `unibox account add-mail --auth oauth2 --no-browser`
    (signing in to the servers before storing), then `unibox sync`, as
    subprocesses.

Prints the numbers beside the target (< 5 s); no thresholds. Needs root
(Dovecot). The browser's part costs what the local issuer takes; a real
provider's page is as slow as the person.

    .venv/bin/python benchmarks/bench_oauth_signin.py [--messages N] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.helpers.dovecot import Dovecot  # noqa: E402
from tests.helpers.mailgen import simple_message  # noqa: E402
from tests.helpers.oidc import CLIENT_ID, CLIENT_SECRET, Browser, Issuer  # noqa: E402

TARGET_SECONDS = 5.0


def _fill(dovecot: Dovecot, user: str, messages: int) -> None:
    dovecot.deliver_many(
        user, [simple_message(f"Message {i}", f"Body {i}.\n" * 20) for i in range(messages)]
    )


def dialog_path(issuer: Issuer, dovecot: Dovecot, user: str, home: Path) -> dict[str, float]:
    """sign_in → account → first sync → first message listed, as the window does it."""
    os.environ["UNIBOX_INSECURE_TEST_KEYRING"] = str(home / "keyring.cfg")
    from unibox.channels.oauth import custom
    from unibox.secrets import SecretStore
    from unibox.services.oauth import create_oauth_account, mail_settings_for, sign_in
    from unibox.store.accounts import MailServer
    from unibox.store.store import Store
    from unibox.sync.runner import SyncRunner

    secrets = SecretStore()
    browser = Browser(user)
    t0 = time.monotonic()
    grant = sign_in(
        secrets,
        custom(issuer.url),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        login_hint=user,
        open_url=browser.in_thread(),
        secret_ref="mail:Bench",
        timeout=60,
    )
    t_signed = time.monotonic()
    store = Store(home / "unibox.sqlite")
    settings = mail_settings_for(grant, imap=MailServer("127.0.0.1", dovecot.imap_port, "plain"))
    account = create_oauth_account(store, secrets, grant, name="Bench", settings=settings)
    runner = SyncRunner(store, secrets)
    try:
        runner.sync_once(account)
    finally:
        runner.close()
    t_synced = time.monotonic()
    with sqlite3.connect(home / "unibox.sqlite") as db:
        first = db.execute("SELECT subject FROM message ORDER BY sent_at DESC LIMIT 1").fetchone()
    t_listed = time.monotonic()
    store.close()
    if first is None or browser.error is not None:
        raise SystemExit(f"no mail listed ({browser.error})")
    return {
        "sign-in": t_signed - t0,
        "first sync": t_synced - t_signed,
        "total": t_listed - t0,
    }


def cli_path(issuer: Issuer, dovecot: Dovecot, user: str, home: Path) -> dict[str, float]:
    env = dict(os.environ)
    env["UNIBOX_PROFILE"] = str(home / "profile")
    env["UNIBOX_INSECURE_TEST_KEYRING"] = str(home / "keyring-cli.cfg")
    env["PYTHONPATH"] = str(ROOT / "src")
    add = [
        sys.executable, "-m", "unibox", "account", "add-mail", "--name", "Bench",
        "--email", user, "--auth", "oauth2", "--oauth-issuer", issuer.url,
        "--oauth-client-id", CLIENT_ID, "--oauth-client-secret", CLIENT_SECRET,
        "--imap-host", "127.0.0.1", "--imap-port", str(dovecot.imap_port),
        "--imap-security", "plain", "--no-browser",
    ]  # fmt: skip
    t0 = time.monotonic()
    proc = subprocess.Popen(add, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    browser = Browser(user)
    browser.sign_in(proc.stdout.readline().strip())
    if proc.wait(60) != 0:
        raise SystemExit(f"add-mail failed: {proc.stderr.read().strip()}")
    t_added = time.monotonic()
    sync = subprocess.run(
        [sys.executable, "-m", "unibox", "sync"], env=env, capture_output=True, text=True
    )
    if sync.returncode != 0:
        raise SystemExit(f"sync failed: {sync.stderr.strip()}")
    t_synced = time.monotonic()
    return {"add-mail (sign-in + check)": t_added - t0, "sync": t_synced - t_added,
            "total": t_synced - t0}  # fmt: skip


def _report(name: str, runs: list[dict[str, float]]) -> None:
    print(f"\n{name} ({len(runs)} runs, median [min–max] seconds)")
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(f"  {key:28} {statistics.median(values):6.2f}  [{min(values):.2f}–{max(values):.2f}]")
    worst = max(r["total"] for r in runs)
    print(f"  target < {TARGET_SECONDS:.0f} s: {'met' if worst < TARGET_SECONDS else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with Issuer() as issuer, Dovecot(oauth2_introspection_url=issuer.userinfo_url) as dovecot:
        dialog: list[dict[str, float]] = []
        cli: list[dict[str, float]] = []
        for i in range(args.repeat):
            for path, runs in ((dialog_path, dialog), (cli_path, cli)):
                user = f"bench{i}-{path.__name__[:3]}@example.org"
                _fill(dovecot, user, args.messages)
                with tempfile.TemporaryDirectory(prefix="unibox-bench-oauth-") as home:
                    runs.append(path(issuer, dovecot, user, Path(home)))
        print(f"OAuth2 sign-in to first mail listed, {args.messages} messages in the INBOX")
        _report("Dialog path (in process: sign_in, add, first sync, first row)", dialog)
        _report("Command line (add-mail --auth oauth2 --no-browser, then sync)", cli)


if __name__ == "__main__":
    main()
