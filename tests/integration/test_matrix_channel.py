"""MatrixChannel against a real Synapse: two users talking, history, live, sending."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from tests.helpers.matrix_peer import MatrixPeer, matrix_account
from tests.helpers.synapse import MatrixUser, Synapse
from unibox.channels.base import HistoryCursor, HistoryPage
from unibox.channels.matrix import MatrixChannel
from unibox.core.errors import AuthError, ChannelError
from unibox.core.items import ChatMessage, ChatUpdate

pytestmark = pytest.mark.timeout(180)
T = TypeVar("T")
Factory = Callable[[str], MatrixUser]


def run(coro: Awaitable[T]) -> T:
    return asyncio.run(coro)  # type: ignore[arg-type]


async def with_channel(account: Any, fn: Callable[[MatrixChannel], Awaitable[T]]) -> T:
    channel = MatrixChannel(account)
    try:
        await channel.connect()
        return await fn(channel)
    finally:
        await channel.close()


async def read_all(channel: MatrixChannel, cursors: dict[str, HistoryCursor]) -> list[HistoryPage]:
    pages = []
    for archive in channel.archives():
        async for page in channel.backfill(archive, cursors.get(archive, HistoryCursor())):
            pages.append(page)
            cursors[archive] = page.cursor
    return pages


def texts(pages: list[HistoryPage]) -> dict[str, ChatMessage]:
    return {m.remote_id: m for p in pages for m in p.items}


def test_history_of_a_direct_chat_then_nothing_twice_then_what_is_new(
    synapse: Synapse, matrix_user_factory: Factory
) -> None:
    alice, bob = matrix_user_factory("alice"), MatrixPeer(synapse, matrix_user_factory("bob"))
    room = bob.direct_chat(alice.user_id)
    MatrixPeer(synapse, alice).join(room)
    first = bob.say(room, "hello alice")
    MatrixPeer(synapse, alice).say(room, "hi bob", reply_to=first)
    for i in range(5):
        bob.say(room, f"news {i}")
    account = matrix_account(synapse, alice)
    cursors: dict[str, HistoryCursor] = {}
    got = texts(run(with_channel(account, lambda c: read_all(c, cursors))))
    mine = [m for m in got.values() if m.direction == "out"]
    assert [m.text for m in mine] == ["hi bob"] and mine[0].reply_to == first
    theirs = sorted(m.text for m in got.values() if m.direction == "in")
    assert theirs == ["hello alice", *(f"news {i}" for i in range(5))]
    assert {m.conversation for m in got.values()} == {bob.user_id}
    assert all(cursors[a].complete for a in cursors)

    again = texts(run(with_channel(account, lambda c: read_all(c, cursors))))
    # Only the "" archive (the newest events of each room, by a fresh sync) repeats itself.
    assert set(again) <= set(got)
    bob.say(room, "one more")
    later = texts(run(with_channel(account, lambda c: read_all(c, cursors))))
    assert [m.text for k, m in later.items() if k not in got] == ["one more"]


def test_first_page_shows_the_newest_of_every_room(
    synapse: Synapse, matrix_user_factory: Factory
) -> None:
    alice, bob = matrix_user_factory("alice"), MatrixPeer(synapse, matrix_user_factory("bob"))
    rooms = [bob.room(f"Room {i}", [alice.user_id]) for i in range(3)]
    for room in rooms:
        MatrixPeer(synapse, alice).join(room)
        for i in range(30):
            bob.say(room, f"{room[-4:]} {i}")

    async def first_page(channel: MatrixChannel) -> HistoryPage:
        async for page in channel.backfill("", HistoryCursor()):
            return page
        raise AssertionError("no page")

    page = run(with_channel(matrix_account(synapse, alice), first_page))
    for room in rooms:
        shown = [m for m in page.items if m.conversation == room]
        assert f"{room[-4:]} 29" in {m.text for m in shown}
        assert shown[0].is_group and shown[0].conversation_name.startswith("Room ")


def test_send_is_taken_once_and_a_reply_threads(
    synapse: Synapse, matrix_user_factory: Factory
) -> None:
    alice, bob = matrix_user_factory("alice"), MatrixPeer(synapse, matrix_user_factory("bob"))
    carol = MatrixPeer(synapse, matrix_user_factory("carol"))
    account = matrix_account(synapse, alice)  # no end-to-end keys: a chat in clear (Bob's)
    room = bob.direct_chat(alice.user_id)
    MatrixPeer(synapse, alice).join(room)

    async def write(channel: MatrixChannel) -> list[str]:
        a = await channel.send(bob.user_id, "a new chat", origin_id="txn-1")
        again = await channel.send(bob.user_id, "a new chat", origin_id="txn-1")  # a retry
        with pytest.raises(ChannelError, match="cannot start an encrypted chat with @carol"):
            await channel.send(carol.user_id, "in clear?", origin_id="txn-3")
        return [a.remote_id, again.remote_id]

    first, retried = run(with_channel(account, write))
    assert first == retried  # the homeserver took the transaction once
    assert not carol.api("GET", "/sync?timeout=0").get("rooms", {}).get("invite")  # none started
    question = bob.say(room, "a question")

    async def answer(channel: MatrixChannel) -> None:
        await channel.send(bob.user_id, "the answer", origin_id="txn-2", reply_to=question)

    run(with_channel(account, answer))
    seen = bob.messages(room)
    assert [e["content"]["body"] for e in seen] == ["the answer", "a question", "a new chat"]
    assert seen[0]["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] == question


def test_live_messages_edits_reactions_redactions(
    synapse: Synapse, matrix_user_factory: Factory
) -> None:
    alice, bob = matrix_user_factory("alice"), MatrixPeer(synapse, matrix_user_factory("bob"))
    room = bob.direct_chat(alice.user_id)
    MatrixPeer(synapse, alice).join(room)

    async def listen(channel: MatrixChannel) -> list[ChatMessage | ChatUpdate]:
        async def peer() -> None:
            first = await asyncio.to_thread(bob.say, room, "live hello")
            await asyncio.to_thread(bob.edit, room, first, "live hello, edited")
            await asyncio.to_thread(bob.react, room, first, "👍")
            gone = await asyncio.to_thread(bob.say, room, "oops")
            await asyncio.to_thread(bob.redact, room, gone)

        got: list[Any] = []
        talking = asyncio.create_task(peer())
        async for item in channel.live():
            got.append(item)
            if sum(isinstance(i, ChatUpdate) for i in got) >= 3:
                break
        await talking
        return got

    got = run(with_channel(matrix_account(synapse, alice), listen))
    messages = [i for i in got if isinstance(i, ChatMessage)]
    updates = {i.action: i for i in got if isinstance(i, ChatUpdate)}
    assert [m.text for m in messages] == ["live hello", "oops"]
    assert updates["edit"].target == messages[0].remote_id
    assert updates["edit"].text == "live hello, edited"
    assert updates["reaction"].text == "👍"
    assert updates["redact"].target == messages[1].remote_id


def test_revoked_sign_in_is_an_auth_error(synapse: Synapse, matrix_user_factory: Factory) -> None:
    alice = matrix_user_factory("alice")
    MatrixPeer(synapse, alice).logout()
    with pytest.raises(AuthError, match="Sign in again"):
        run(with_channel(matrix_account(synapse, alice), lambda c: asyncio.sleep(0)))
