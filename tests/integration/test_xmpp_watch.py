"""XMPP accounts kept live by the chat engine and the window's sync service, against a real
Prosody: live messages, carbons, rooms, the outbox, a server without an archive."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.helpers.prosody import Prosody
from tests.helpers.xmpp_peer import XmppPeer
from unibox.core.items import ChangeSet
from unibox.secrets import SecretStore
from unibox.services.chat import create_xmpp_account, queue_message, xmpp_settings
from unibox.store.chat_accounts import ChatAccount
from unibox.store.store import Store
from unibox.sync.chat import ChatFailure
from unibox.sync.chat_engine import ChatEngine

pytestmark = pytest.mark.integration


def wait_until(condition: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Poll until true: a hang guard, not a timing threshold."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError("the condition was not met")
        time.sleep(0.05)
    return result


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "unibox.sqlite3")


def add(store: Store, server: Prosody, jid: str, name: str = "Chat", **kw: str) -> ChatAccount:
    settings = xmpp_settings(
        jid=jid, host=server.host, port=server.port, security="plain", ca_file="", **kw
    )
    return create_xmpp_account(
        store, SecretStore(), name=name, settings=settings, password=server.password
    )


def stored(store: Store) -> list[dict[str, Any]]:
    with store.read() as s:
        rows = s.execute(
            text(
                "SELECT m.id, m.direction, c.remote_ref AS conversation, c.kind AS kind, "
                "h.value AS sender, s.body FROM message m "
                "JOIN conversation c ON c.id = m.conversation_id "
                "LEFT JOIN handle h ON h.id = m.sender_handle_id "
                "JOIN message_search s ON s.message_id = m.id "
                "WHERE m.channel = 'xmpp' ORDER BY m.id"
            )
        ).mappings()
        return [dict(r) for r in rows]


def outbox_states(store: Store) -> list[str]:
    with store.read() as s:
        return list(s.execute(text("SELECT state FROM chat_outbox")).scalars())


def account_value(store: Store, column: str) -> Any:
    with store.read() as s:
        return s.execute(text(f"SELECT {column} FROM account")).scalar()


@pytest.fixture
def engine(store: Store) -> Iterator[tuple[ChatEngine, list[ChangeSet], list[ChatFailure]]]:
    changes: list[ChangeSet] = []
    failures: list[ChatFailure] = []
    chat = ChatEngine(store, SecretStore(), on_changes=changes.append, on_error=failures.append)
    try:
        yield chat, changes, failures
    finally:
        assert chat.stop()


def test_live_messages_carbons_and_the_outbox_while_watching(
    prosody: Prosody,
    xmpp_user_factory: Callable[[], str],
    store: Store,
    engine: tuple[ChatEngine, list[ChangeSet], list[ChatFailure]],
) -> None:
    alice, bob = xmpp_user_factory(), xmpp_user_factory()
    chat, changes, failures = engine
    account = add(store, prosody, alice)
    with XmppPeer(prosody, bob) as peer, XmppPeer(prosody, alice) as phone:
        peer.send(alice, "before the watch")
        chat.watch(account)
        wait_until(lambda: [r["body"] for r in stored(store)] == ["before the watch"])
        peer.send(alice, "while watching")
        phone.send(bob, "from my phone")
        wait_until(lambda: len(stored(store)) == 3)
        by_body = {r["body"]: r for r in stored(store)}
        assert by_body["while watching"]["direction"] == "in"
        assert by_body["from my phone"]["direction"] == "out"
        assert by_body["from my phone"]["conversation"] == bob
        assert any(c.messages_added for c in changes)

        queue_message(store, account, bob, "queued in the store")
        peer.wait_for(lambda got: "queued in the store" in [m.body for m in got])
        # Bob can have it a moment before the engine writes down that it went.
        wait_until(lambda: outbox_states(store) == ["sent"])
    assert failures == []


def test_a_room_and_its_members_become_people(
    prosody: Prosody,
    xmpp_user_factory: Callable[[], str],
    store: Store,
    engine: tuple[ChatEngine, list[ChangeSet], list[ChatFailure]],
) -> None:
    alice, bob = xmpp_user_factory(), xmpp_user_factory()
    room = prosody.room(f"plans-{alice.partition('@')[0]}")
    chat, _changes, failures = engine
    chat.watch(add(store, prosody, alice, rooms=room, nick="Alice"))
    wait_until(lambda: account_value(store, "last_sync_at"))  # she made the room: she owns it
    with XmppPeer(prosody, bob) as peer:
        peer.join(room, "Bob")
        peer.send(room, "agenda?", mtype="groupchat")
        rows = wait_until(lambda: stored(store))
    assert failures == []
    (row,) = rows
    assert row["conversation"] == room and row["kind"] == "group"
    assert row["sender"] == bob  # rooms show real JIDs to their owner: a person, not a nick


def test_a_server_without_an_archive_stays_live_and_says_so(
    prosody_no_mam: Prosody,
    store: Store,
    engine: tuple[ChatEngine, list[ChangeSet], list[ChatFailure]],
) -> None:
    alice = prosody_no_mam.register("watch-alice")
    bob = prosody_no_mam.register("watch-bob")
    chat, _changes, failures = engine
    with XmppPeer(prosody_no_mam, bob) as peer:
        chat.watch(add(store, prosody_no_mam, alice))
        note = wait_until(lambda: account_value(store, "last_error"))
        assert "archive" in note
        peer.send(alice, "only live")
        wait_until(lambda: [r["body"] for r in stored(store)] == ["only live"])
    assert failures == []


def test_the_windows_sync_service_runs_chat_accounts_beside_mail(
    prosody: Prosody, xmpp_user_factory: Callable[[], str], store: Store
) -> None:
    from unibox.store.accounts import list_accounts
    from unibox.ui.sync_service import SyncService

    alice, bob = xmpp_user_factory(), xmpp_user_factory()
    add(store, prosody, alice)
    changes: list[ChangeSet] = []
    progress: list[Any] = []
    service = SyncService(
        store,
        SecretStore(),
        interval=600,
        on_progress=progress.append,
        on_changes=changes.append,
        on_failure=lambda f: pytest.fail(f.message),
    )
    with store.read() as s:
        service.start(list_accounts(s))
    try:
        assert service.account_names == service.chat_names == ["Chat"]
        # Its line in the status bar goes from "checking" to "up to date", as for mail.
        wait_until(lambda: ("Chat", "done") in [(p.account, p.phase) for p in progress])
        with XmppPeer(prosody, bob) as peer:
            peer.send(alice, "to the window")
            wait_until(lambda: any(c.messages_added for c in changes))
        assert [r["body"] for r in stored(store)] == ["to the window"]
    finally:
        assert service.stop()


def test_a_watch_reconnects_when_the_server_comes_back(
    tls_files: Any,
    store: Store,
    engine: tuple[ChatEngine, list[ChangeSet], list[ChatFailure]],
) -> None:
    chat, _changes, failures = engine
    with Prosody(tls=tls_files) as server:
        alice, bob = server.register("back-alice"), server.register("back-bob")
        chat.watch(add(store, server, alice))
        wait_until(lambda: account_value(store, "last_sync_at"))
        server.pause()  # every session drops; the watch says so on the account
        wait_until(lambda: failures)
        assert failures[0].retryable and "closed the connection" in failures[0].message
        assert account_value(store, "last_error")
        server.resume()
        with XmppPeer(server, bob) as peer:
            peer.send(alice, "welcome back")
            wait_until(lambda: [r["body"] for r in stored(store)] == ["welcome back"], 60)
        wait_until(lambda: account_value(store, "last_error") == "")


STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"


def outbox_rows(store: Store) -> list[tuple[str, str]]:
    with store.read() as s:
        return [tuple(r) for r in s.execute(text("SELECT state, last_error FROM chat_outbox"))]


def test_a_message_that_comes_back_after_it_went_shows_the_servers_words(
    prosody: Prosody,
    xmpp_user_factory: Callable[[], str],
    store: Store,
    engine: tuple[ChatEngine, list[ChangeSet], list[ChatFailure]],
) -> None:
    alice, bob = xmpp_user_factory(), xmpp_user_factory()
    chat, changes, failures = engine
    account = add(store, prosody, alice)
    with XmppPeer(prosody, bob) as peer:
        chat.watch(account)
        wait_until(lambda: account_value(store, "last_sync_at"))
        queue_message(store, account, bob, "are you there?")
        (got,) = peer.wait_for(lambda got: "are you there?" in [m.body for m in got])
        wait_until(lambda: outbox_states(store) == ["sent"])
        # Later, the far side gives up on it (as a remote server does when it cannot deliver).
        sent_id = re.search(r' id="([^"]+)"', got.xml)
        assert sent_id is not None
        peer.send_raw(
            f'<message type="error" to="{got.sender}" id="{sent_id.group(1)}">'
            '<error type="cancel">'
            f'<service-unavailable xmlns="{STANZAS}"/>'
            f'<text xmlns="{STANZAS}">the mailbox is gone</text>'
            "</error></message>"
        )
        _state, error = wait_until(lambda: [r for r in outbox_rows(store) if r[0] == "failed"])[0]
    assert "the mailbox is gone" in error and bob in error
    from unibox.cli.chat import outbox_lines

    (line,) = outbox_lines(store, include_sent=False)  # what `unibox outbox` prints
    assert "failed" in line and "the mailbox is gone" in line
    assert any(c.messages_changed for c in changes)  # the bubble redraws: "Not sent: …"
    assert failures == []


def test_a_chat_server_that_refuses_the_connection_is_reported_at_once(store: Store) -> None:
    from tests.helpers.ports import LOOPBACK, free_port
    from unibox.sync.chat_engine import run_once

    settings = xmpp_settings(
        jid="alice@localhost", host=LOOPBACK, port=free_port(), security="plain", ca_file=""
    )
    account = create_xmpp_account(
        store, SecretStore(), name="Chat", settings=settings, password="secret", check=False
    )
    failures: list[ChatFailure] = []
    failed = run_once(store, SecretStore(), [account], on_error=failures.append)
    assert "refused the connection" in failed["Chat"]
    # Said once: a one-shot sync does not retry a server that is not there.
    assert [f.message for f in failures] == [failed["Chat"]]
    assert "refused the connection" in account_value(store, "last_error")
