"""XMPP accounts from the command line to the store: add-xmpp, sync, send, reply, outbox,
against a real Prosody; every account isolated from the others."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import simple_message
from tests.helpers.prosody import Prosody
from tests.helpers.xmpp_peer import XmppPeer
from tests.integration.cli_helpers import add_account, run
from unibox.config import store_path
from unibox.store.store import Store

pytestmark = pytest.mark.integration


def add_xmpp(
    prosody: Prosody,
    jid: str,
    monkeypatch: pytest.MonkeyPatch,
    *,
    name: str = "Chat",
    password: str | None = None,
    extra: tuple[str, ...] = (),
) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO((password or prosody.password) + "\n"))
    return run(
        "account", "add-xmpp", "--name", name, "--jid", jid, "--host", prosody.host,
        "--port", str(prosody.port), "--security", "plain", "--password-stdin", *extra,
    )  # fmt: skip


def chats(profile: Path) -> list[dict[str, Any]]:
    """The stored chat messages, in the order they were stored."""
    store = Store(store_path(profile))
    with store.read() as s:
        rows = s.execute(
            text(
                "SELECT m.id, m.direction, a.name AS account, c.remote_ref AS conversation, "
                "s.body FROM message m JOIN account a ON a.id = m.account_id "
                "JOIN conversation c ON c.id = m.conversation_id "
                "JOIN message_search s ON s.message_id = m.id "
                "WHERE m.channel = 'xmpp' ORDER BY m.id"
            )
        ).mappings()
        return [dict(r) for r in rows]


def accounts_json(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, Any]]:
    capsys.readouterr()
    assert run("account", "list", "--json") == 0
    return {a["name"]: a for a in json.loads(capsys.readouterr().out)}


def test_sync_stores_history_newest_first_and_a_resync_adds_nothing(
    prosody: Prosody,
    xmpp_user_factory: Callable[[], str],
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, bob = xmpp_user_factory(), xmpp_user_factory()
    monkeypatch.setattr("unibox.channels.xmpp.mam.FIRST_PAGE", 4)
    monkeypatch.setattr("unibox.channels.xmpp.mam.PAGE", 4)
    with XmppPeer(prosody, bob) as peer:
        for i in range(10):
            peer.send(alice, f"note {i}")
    assert add_xmpp(prosody, alice, monkeypatch) == 0
    assert run("sync") == 0
    stored = chats(profile)
    # Stored page by page from the newest back: the newest got the first rows.
    assert [r["body"] for r in stored[:4]] == ["note 6", "note 7", "note 8", "note 9"]
    assert sorted(r["body"] for r in stored) == sorted(f"note {i}" for i in range(10))
    assert {r["conversation"] for r in stored} == {bob}
    assert run("sync") == 0
    assert len(chats(profile)) == 10
    listed = accounts_json(capsys)["Chat"]
    assert listed["kind"] == "xmpp" and listed["address"] == alice
    assert listed["state"] == "synced" and listed["last_error"] == ""


def test_send_reply_and_a_bounce_in_the_outbox(
    prosody: Prosody,
    xmpp_user_factory: Callable[[], str],
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, bob = xmpp_user_factory(), xmpp_user_factory()
    assert add_xmpp(prosody, alice, monkeypatch) == 0
    with XmppPeer(prosody, bob) as peer:
        monkeypatch.setattr(sys, "stdin", io.StringIO("Lunch at noon?"))
        assert run("send", "--account", "Chat", "--to", bob) == 0
        peer.wait_for(lambda got: [m.body for m in got] == ["Lunch at noon?"])
        peer.send(alice, "Yes, see you")
    assert run("sync") == 0
    stored = chats(profile)
    assert [(r["direction"], r["body"]) for r in stored] == [
        ("out", "Lunch at noon?"),  # the archive's copy completed the message sent, not a second
        ("in", "Yes, see you"),
    ]
    with XmppPeer(prosody, bob) as peer:
        monkeypatch.setattr(sys, "stdin", io.StringIO("Great"))
        assert run("reply", str(stored[1]["id"])) == 0
        peer.wait_for(lambda got: [m.body for m in got] == ["Great"])

    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.StringIO("anyone?"))
    assert run("send", "--account", "Chat", "--to", "nobody-at-all@localhost") == 1
    assert "service-unavailable" in capsys.readouterr().err
    assert run("outbox", "--json") == 0
    (failed,) = [r for r in json.loads(capsys.readouterr().out) if r.get("channel") == "chat"]
    assert failed["state"] == "failed" and failed["to"] == "nobody-at-all@localhost"
    assert "no such user" in failed["last_error"]
    assert run("sync") == 0  # the archive's copy of it does not make it "sent"
    assert run("outbox", "--json") == 0
    rows = [r for r in json.loads(capsys.readouterr().out) if r.get("channel") == "chat"]
    assert [r["state"] for r in rows] == ["failed"]

    monkeypatch.setattr(sys, "stdin", io.StringIO("hi"))
    assert run("send", "--account", "Chat", "--to", bob, "--subject", "Hi") == 2
    assert "--subject is for mail only" in capsys.readouterr().err


def test_a_wrong_password_fails_only_its_account(
    prosody: Prosody,
    dovecot: Dovecot,
    mail_user: str,
    xmpp_user_factory: Callable[[], str],
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, carol, bob = xmpp_user_factory(), xmpp_user_factory(), xmpp_user_factory()
    capsys.readouterr()
    assert add_xmpp(prosody, alice, monkeypatch, password="wrong") == 1
    assert "refused the password" in capsys.readouterr().err
    assert add_xmpp(prosody, alice, monkeypatch, password="wrong", extra=("--no-check",)) == 0
    assert add_xmpp(prosody, carol, monkeypatch, name="Carol") == 0
    assert add_account(dovecot, mail_user, monkeypatch=monkeypatch) == 0
    dovecot.deliver(mail_user, simple_message("Mail still comes", "Hello"))
    with XmppPeer(prosody, bob) as peer:
        peer.send(carol, "for carol")
    capsys.readouterr()
    assert run("sync") == 1
    assert "Chat: The XMPP server refused the password" in capsys.readouterr().err
    assert [r["body"] for r in chats(profile)] == ["for carol"]
    listed = accounts_json(capsys)
    assert listed["Chat"]["state"] == "error"
    assert "refused the password" in listed["Chat"]["last_error"]
    assert listed["Carol"]["state"] == "synced" and listed["Work"]["state"] == "synced"


def test_add_xmpp_keeps_plain_to_loopback_and_the_password_in_the_keyring(
    prosody: Prosody,
    xmpp_user_factory: Callable[[], str],
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice = xmpp_user_factory()
    monkeypatch.setattr(sys, "stdin", io.StringIO("pw\n"))
    capsys.readouterr()
    argv = ["account", "add-xmpp", "--name", "X", "--jid", alice, "--host", "192.0.2.1"]
    assert run(*argv, "--security", "plain", "--password-stdin") == 1
    assert "only to this computer" in capsys.readouterr().err
    assert add_xmpp(prosody, alice, monkeypatch) == 0
    from unibox.secrets import SecretStore

    assert SecretStore().get("xmpp:Chat") == prosody.password
    assert prosody.password.encode() not in store_path(profile).read_bytes()


def test_a_megabyte_message_is_stored_whole(
    prosody: Prosody,
    xmpp_user_factory: Callable[[], str],
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice, bob = xmpp_user_factory(), xmpp_user_factory()
    big = ("lorem ipsum " * 90_000)[: 1024 * 1024 - 9] + " zanzibar"
    with XmppPeer(prosody, bob) as peer:
        peer.send(alice, big)
        peer.send(alice, "and a short one")
    assert add_xmpp(prosody, alice, monkeypatch) == 0
    assert run("sync") == 0
    bodies = sorted((r["body"] for r in chats(profile)), key=len)
    assert bodies == ["and a short one", big]


def test_sync_watch_stores_a_message_as_it_arrives(
    prosody: Prosody,
    xmpp_user_factory: Callable[[], str],
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    test_keyring: Path,
) -> None:
    import os
    import signal
    import subprocess
    import time

    from tests.integration.conftest import subprocess_env

    alice, bob = xmpp_user_factory(), xmpp_user_factory()
    assert add_xmpp(prosody, alice, monkeypatch) == 0
    env = subprocess_env(profile, test_keyring)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).parents[2] / "src"), env.get("PYTHONPATH", "")]
    )
    watch = subprocess.Popen(
        [sys.executable, "-m", "unibox", "sync", "--watch"], env=env, stderr=subprocess.PIPE
    )
    try:
        with XmppPeer(prosody, bob) as peer:
            deadline = time.monotonic() + 60
            # Until the watch is live (its presence is there), a message waits in the archive:
            # either way it must come in while the watch runs.
            peer.send(alice, "are you there?")
            while [r["body"] for r in chats(profile)] != ["are you there?"]:
                assert watch.poll() is None, watch.stderr.read() if watch.stderr else ""
                assert time.monotonic() < deadline, "the message did not arrive"
                time.sleep(0.05)
            peer.send(alice, "still there?")
            while len(chats(profile)) < 2:
                assert time.monotonic() < deadline, "the live message did not arrive"
                time.sleep(0.05)
    finally:
        watch.send_signal(signal.SIGINT)
        assert watch.wait(30) in (0, 130)


def test_roster_names_name_the_people(
    prosody: Prosody,
    xmpp_user_factory: Callable[[], str],
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice, bob = xmpp_user_factory(), xmpp_user_factory()
    with XmppPeer(prosody, alice) as me:
        me.add_contact(bob, "Bob Builder")
    with XmppPeer(prosody, bob) as peer:
        peer.send(alice, "hello from bob")
    assert add_xmpp(prosody, alice, monkeypatch) == 0
    assert run("sync") == 0
    store = Store(store_path(profile))
    with store.read() as s:
        names = s.execute(
            text(
                "SELECT h.display_name, p.display_name FROM handle h JOIN person p "
                "ON p.id = h.person_id WHERE h.kind = 'xmpp' AND h.value = :jid"
            ),
            {"jid": bob},
        ).one()
    assert "Bob Builder" in names
