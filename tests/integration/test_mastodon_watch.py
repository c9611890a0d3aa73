"""A Mastodon account kept live by the chat engine (the window's and `sync --watch`'s).

Tested against mastodon-mock (PyPI), a stateful fake of Mastodon's REST API started once
per session on a loopback port chosen at run time, not against a real Mastodon. The
channel polls (no streaming): the poll interval is made short here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.helpers.mastodon_mock import MastodonMock
from unibox.core.items import ChangeSet
from unibox.secrets import SecretStore
from unibox.services.chat import queue_message
from unibox.services.mastodon import create_mastodon_account, mastodon_settings
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


def stored(store: Store) -> list[dict[str, Any]]:
    with store.read() as s:
        rows = s.execute(
            text(
                "SELECT m.direction, m.received_at, s.body FROM message m "
                "JOIN message_search s ON s.message_id = m.id "
                "WHERE m.channel = 'mastodon' ORDER BY m.id"
            )
        ).mappings()
        return [dict(r) for r in rows]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "unibox.sqlite3")
    yield s
    s.close()


def test_a_direct_message_arrives_while_watching_and_a_queued_one_goes(
    mastodon_mock: MastodonMock,
    mastodon_user_factory: Callable[[str], tuple[str, str]],
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("unibox.channels.mastodon.POLL_SECONDS", 0.2)
    (alice, alice_token), (bob, bob_token) = mastodon_user_factory("a"), mastodon_user_factory("b")
    bob_api = mastodon_mock.client(bob_token)
    bob_api.status_post(f"@{alice} before the watch", visibility="direct")
    account = create_mastodon_account(
        store, SecretStore(), name="Social", settings=mastodon_settings(mastodon_mock.url),
        token=alice_token,
    )  # fmt: skip
    changes: list[ChangeSet] = []
    failures: list[ChatFailure] = []
    synced = threading.Event()  # what comes during the first sync's backfill is history
    engine = ChatEngine(
        store,
        SecretStore(),
        on_changes=changes.append,
        on_error=failures.append,
        on_synced=lambda _name: synced.set(),
    )
    try:
        engine.watch(account)
        wait_until(synced.is_set)
        assert [r["body"] for r in stored(store)] == ["before the watch"]
        assert stored(store)[0]["received_at"] is None  # history: no notification
        bob_api.status_post(f"@{alice} while watching", visibility="direct")
        wait_until(lambda: len(stored(store)) == 2)
        live = stored(store)[1]
        assert live["body"] == "while watching" and live["received_at"] is not None
        queue_message(store, account, f"@{mastodon_mock.acct(bob)}", "queued while live")
        engine.kick("Social")
        wait_until(
            lambda: any(
                "queued while live" in n["status"]["content"]
                for n in bob_api.notifications(types=["mention"])
            )
        )
    finally:
        assert engine.stop()
    assert failures == []
    assert [r["body"] for r in stored(store)].count("queued while live") == 1
