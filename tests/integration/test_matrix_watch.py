"""The chat engine (the window's, and `unibox sync --watch`'s) keeps a Matrix account live:
messages and edits are stored as they happen."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.synapse import MatrixUser, Synapse
from tests.integration.test_matrix_sync import add_matrix, stored, talk
from unibox.config import store_path
from unibox.secrets import SecretStore
from unibox.store.chat_accounts import chat_accounts
from unibox.store.store import Store
from unibox.sync.chat_engine import ChatEngine

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]


def wait_for(what: str, ok: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 120  # a hang guard: the condition is what is waited for
    while not ok():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_engine_stores_messages_and_edits_as_they_happen(
    synapse: Synapse,
    matrix_user_factory: Callable[[str], MatrixUser],
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice, bob = matrix_user_factory("alice"), matrix_user_factory("bob")
    assert add_matrix(synapse, alice, monkeypatch) == 0
    peer, room = talk(synapse, alice, bob)
    store = Store(store_path(profile))
    with store.read() as s:
        (account,) = chat_accounts(s)
    engine = ChatEngine(store, SecretStore())
    assert engine.watch(account)
    try:
        first = peer.say(room, "are you there?")
        wait_for("the message did not arrive", lambda: len(stored(store)) == 1)
        peer.edit(room, first, "are you there? (edited)")
        wait_for(
            "the edit did not arrive",
            lambda: [r["body"] for r in stored(store)] == ["are you there? (edited)"],
        )
        peer.say(room, "still there?")
        wait_for("the live message did not arrive", lambda: len(stored(store)) == 2)
    finally:
        engine.stop()
    assert [r["body"] for r in stored(store)] == ["are you there? (edited)", "still there?"]
