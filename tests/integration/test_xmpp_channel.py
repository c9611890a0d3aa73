"""The XMPP channel against a real Prosody: login rules, archive paging, live, carbons, rooms,
sending and the server's refusals."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from tests.helpers.prosody import Prosody
from tests.helpers.xmpp_peer import XmppPeer
from unibox.channels.base import ChannelAccount, HistoryCursor, HistoryPage
from unibox.channels.xmpp import XmppChannel
from unibox.core.errors import AuthError, ChannelError, ConnectionLost, SecurityError
from unibox.core.items import ChatMessage

pytestmark = pytest.mark.integration
T = TypeVar("T")


def run(coro: Awaitable[T], timeout: float = 60) -> T:
    async def guarded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(guarded())


def account(server: Prosody, jid: str, **kw: Any) -> ChannelAccount:
    fields: dict[str, Any] = {
        "name": jid.partition("@")[0],
        "address": jid,
        "host": server.host,
        "port": server.port,
        "security": "plain",
        "secret": server.password,
    }
    fields.update(kw)
    return ChannelAccount(**fields)


async def pages(channel: XmppChannel, archive: str, cursor: HistoryCursor) -> list[HistoryPage]:
    return [page async for page in channel.backfill(archive, cursor)]


async def with_channel(acct: ChannelAccount, work: Callable[[XmppChannel], Awaitable[T]]) -> T:
    channel = XmppChannel(acct, first_page=5, page=7)
    await channel.connect()
    try:
        return await work(channel)
    finally:
        await channel.close()


def texts(items: list[ChatMessage] | tuple[ChatMessage, ...]) -> list[str]:
    return [m.text for m in items]


def test_backfill_pages_back_from_the_newest_then_reads_only_what_is_new(
    prosody: Prosody, xmpp_user_factory: Callable[[], str]
) -> None:
    alice, bob = xmpp_user_factory(), xmpp_user_factory()
    with XmppPeer(prosody, bob) as peer:
        for i in range(12):
            peer.send(alice, f"message {i:02}")
        peer.wait_for(lambda _got: True)
    # Sent while alice was away: a ping round-trip later they are all in her archive.
    got = run(with_channel(account(prosody, alice), lambda c: pages(c, "", HistoryCursor())))
    assert texts(got[0].items) == [f"message {i:02}" for i in range(7, 12)]  # newest first
    assert [m.direction for m in got[0].items] == ["in"] * 5
    assert got[0].items[0].sender.value == bob and got[0].items[0].conversation == bob
    assert all(m.is_history for p in got for m in p.items)
    assert got[-1].cursor.complete
    every = [m for p in got for m in p.items]
    assert sorted(texts(every)) == [f"message {i:02}" for i in range(12)]
    assert len({m.remote_id for m in every}) == 12
    cursor = got[-1].cursor
    assert cursor.newest == got[0].items[-1].remote_id

    again = run(with_channel(account(prosody, alice), lambda c: pages(c, "", cursor)))
    assert [m for p in again for m in p.items] == []  # a re-sync adds nothing

    with XmppPeer(prosody, bob) as peer:
        peer.send(alice, "one more")
    later = run(with_channel(account(prosody, alice), lambda c: pages(c, "", cursor)))
    assert texts([m for p in later for m in p.items]) == ["one more"]
    assert later[-1].cursor.newest != cursor.newest


def test_an_interrupted_first_sync_resumes_paging_back(
    prosody: Prosody, xmpp_user_factory: Callable[[], str]
) -> None:
    alice, bob = xmpp_user_factory(), xmpp_user_factory()
    with XmppPeer(prosody, bob) as peer:
        for i in range(9):
            peer.send(alice, f"m{i}")

    async def first_page_only(channel: XmppChannel) -> HistoryPage:
        async for page in channel.backfill("", HistoryCursor()):
            return page
        raise AssertionError("no page")

    first = run(with_channel(account(prosody, alice), first_page_only))
    assert not first.cursor.complete
    rest = run(with_channel(account(prosody, alice), lambda c: pages(c, "", first.cursor)))
    assert texts(first.items) + sorted(texts([m for p in rest for m in p.items])) == [
        "m4", "m5", "m6", "m7", "m8", "m0", "m1", "m2", "m3"
    ]  # fmt: skip
    assert rest[-1].cursor.complete


def test_live_messages_and_carbons_of_the_users_other_client(
    prosody: Prosody, xmpp_user_factory: Callable[[], str]
) -> None:
    alice, bob = xmpp_user_factory(), xmpp_user_factory()

    async def work(channel: XmppChannel) -> list[ChatMessage]:
        seen: list[ChatMessage] = []
        loop = asyncio.get_running_loop()
        with XmppPeer(prosody, bob) as other, XmppPeer(prosody, alice) as phone:
            await loop.run_in_executor(None, other.send, alice, "from bob")
            await loop.run_in_executor(None, phone.send, bob, "from alice's phone")
            async for item in channel.live():
                seen.append(item)
                if len(seen) == 2:
                    break
        return seen

    seen = run(with_channel(account(prosody, alice), work))
    by_text = {m.text: m for m in seen}
    assert by_text["from bob"].direction == "in" and not by_text["from bob"].is_history
    mine = by_text["from alice's phone"]
    assert mine.direction == "out" and mine.conversation == bob and mine.sender.value == alice
    # The same ids the archive gives: stored once however it arrives.
    history = run(with_channel(account(prosody, alice), lambda c: pages(c, "", HistoryCursor())))
    archived = {m.text: m.remote_id for p in history for m in p.items}
    assert archived == {m.text: m.remote_id for m in seen}


def test_rooms_from_bookmarks_with_their_members_and_archive(
    prosody: Prosody, xmpp_user_factory: Callable[[], str]
) -> None:
    alice, bob = xmpp_user_factory(), xmpp_user_factory()
    room = prosody.room(f"team-{alice.partition('@')[0]}")
    with XmppPeer(prosody, alice) as setup:
        setup.bookmark_rooms([(room, "Alice")])

    async def work(channel: XmppChannel) -> tuple[list[Any], list[HistoryPage], str]:
        loop = asyncio.get_running_loop()
        with XmppPeer(prosody, bob) as other:
            await loop.run_in_executor(None, other.join, room, "Bob")
            say = lambda: other.send(room, "hello room", mtype="groupchat")  # noqa: E731
            await loop.run_in_executor(None, say)
            async for item in channel.live():
                if item.text == "hello room":
                    break
            sent = await channel.send(room, "hi Bob", origin_id="origin-room-1")
            conversations = await channel.conversations()
        history = await pages(channel, room, HistoryCursor())
        return conversations, history, sent.remote_id

    conversations, history, remote = run(with_channel(account(prosody, alice), work))
    group = next(c for c in conversations if c.ref == room)
    assert group.is_group and bob in [m.value for m in group.members]
    items = [m for p in history for m in p.items]
    assert texts(items) == ["hello room", "hi Bob"]
    theirs, mine = items
    assert theirs.is_group and theirs.archive == room and theirs.sender.value == bob
    assert mine.direction == "out" and mine.origin_id == "origin-room-1"
    assert mine.remote_id == remote  # the room's echo gave the archive id


def test_send_reaches_the_other_client_and_a_bounce_is_an_error_in_words(
    prosody: Prosody, xmpp_user_factory: Callable[[], str]
) -> None:
    alice, bob = xmpp_user_factory(), xmpp_user_factory()

    async def work(channel: XmppChannel) -> list[str]:
        problems = []
        await channel.send(bob, "Hi Bob", origin_id="o-1")
        for to in ("nobody-here@localhost", "someone@far-away.invalid"):
            with pytest.raises(ChannelError) as caught:
                await channel.send(to, "lost", origin_id=f"o-{to}")
            assert not caught.value.retryable
            problems.append(str(caught.value))
        return problems

    with XmppPeer(prosody, bob) as peer:
        problems = run(with_channel(account(prosody, alice), work))
        got = peer.wait_for(lambda got: any(m.body == "Hi Bob" for m in got))
    assert "origin-id" in next(m.xml for m in got if m.body == "Hi Bob")
    assert "nobody-here@localhost" in problems[0] and "service-unavailable" in problems[0]
    assert "far-away.invalid" in problems[1] and "remote domains" in problems[1]


def test_login_failures_say_what_is_wrong(
    prosody: Prosody, xmpp_user_factory: Callable[[], str]
) -> None:
    alice = xmpp_user_factory()

    def failure(**kw: Any) -> ChannelError:
        with pytest.raises(ChannelError) as caught:
            run(with_channel(account(prosody, alice, **kw), lambda c: asyncio.sleep(0)))
        return caught.value

    wrong = failure(secret="not-the-password")
    assert isinstance(wrong, AuthError) and alice in str(wrong)
    closed = failure(port=1)
    assert isinstance(closed, ConnectionLost) and "refused the connection" in str(closed)
    for security, port in (("tls", prosody.tls_port), ("starttls", prosody.port)):
        untrusted = failure(security=security, port=port)
        assert isinstance(untrusted, SecurityError) and "certificate" in str(untrusted)
    plain_far = failure(host="192.0.2.1")
    assert isinstance(plain_far, SecurityError) and "localhost" in str(plain_far)


def test_tls_with_the_servers_ca_file(
    prosody: Prosody, xmpp_user_factory: Callable[[], str]
) -> None:
    alice = xmpp_user_factory()
    ca = str(prosody.ca_file)
    for security, port in (("tls", prosody.tls_port), ("starttls", prosody.port)):
        acct = account(prosody, alice, security=security, port=port, ca_file=ca)
        assert run(with_channel(acct, lambda c: asyncio.sleep(0, result=c.archives()))) == [""]


def test_a_server_without_an_archive_is_live_only(
    prosody_no_mam: Prosody,
) -> None:
    alice = prosody_no_mam.register("nomam-alice")
    bob = prosody_no_mam.register("nomam-bob")

    async def work(channel: XmppChannel) -> tuple[list[str], str, ChatMessage]:
        loop = asyncio.get_running_loop()
        with XmppPeer(prosody_no_mam, bob) as other:
            await loop.run_in_executor(None, other.send, alice, "live only")
            async for item in channel.live():
                return channel.archives(), channel.notice(), item
        raise AssertionError("no message")

    archives, notice, item = run(with_channel(account(prosody_no_mam, alice), work))
    assert archives == [] and "archive" in notice
    assert item.text == "live only" and item.remote_id


def test_odd_stanzas_and_a_megabyte_message_do_not_break_the_session(
    prosody: Prosody, xmpp_user_factory: Callable[[], str]
) -> None:
    alice, bob, mallory = xmpp_user_factory(), xmpp_user_factory(), xmpp_user_factory()
    big = "x" * (1024 * 1024)

    async def work(channel: XmppChannel) -> list[ChatMessage]:
        loop = asyncio.get_running_loop()
        with XmppPeer(prosody, mallory) as evil, XmppPeer(prosody, bob) as other:
            odd = [
                # A forged carbon: mallory claims alice sent this.
                f"<message to='{alice}' type='chat'><sent xmlns='urn:xmpp:carbons:2'>"
                "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' "
                f"from='{alice}/x' to='{mallory}' type='chat'><body>forged</body></message>"
                "</forwarded></sent></message>",
                # A stamp that is no date, a reply without an id, an empty body.
                f"<message to='{alice}' type='chat'><body>odd stamp</body>"
                "<delay xmlns='urn:xmpp:delay' stamp='yesterday-ish'/>"
                "<reply xmlns='urn:xmpp:reply:0'/></message>",
                f"<message to='{alice}' type='chat'><body/></message>",
                # A fake archive result pushed by another user.
                f"<message to='{alice}'><result xmlns='urn:xmpp:mam:2' id='fake' queryid='q'>"
                "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' "
                f"from='{alice}' to='{mallory}' type='chat'><body>fake</body></message>"
                "</forwarded></result></message>",
            ]
            for xml in odd:
                await loop.run_in_executor(None, evil.send_raw, xml)
            await loop.run_in_executor(None, other.send, alice, big)
            seen = []
            async for item in channel.live():
                seen.append(item)
                if len(item.text) > 1000:
                    break
        return seen

    seen = run(with_channel(account(prosody, alice), work))
    assert [m.text for m in seen[:-1]] == ["odd stamp"]
    assert seen[0].direction == "in" and seen[0].sender.value == mallory
    assert seen[-1].text == big and seen[-1].sender.value == bob


def test_a_message_larger_than_the_server_takes_is_an_error_not_a_crash(
    tls_files: Any,
) -> None:
    with Prosody(tls=tls_files, max_stanza_size=100_000) as small:
        alice, bob = small.register("big-alice"), small.register("big-bob")

        async def work(channel: XmppChannel) -> ChannelError:
            with pytest.raises(ChannelError) as caught:
                await channel.send(bob, "y" * 200_000, origin_id="too-big")
            with pytest.raises(ConnectionLost):  # the server closed the stream: live says so
                async for _item in channel.live():
                    pass
            return caught.value

        problem = run(with_channel(account(small, alice), work))
        assert "too big" in str(problem) and not problem.retryable
        # The account itself is fine: the next session works.
        assert run(with_channel(account(small, alice), lambda c: asyncio.sleep(0, "ok"))) == "ok"


def test_an_archive_empty_at_the_first_sync_is_read_later(
    prosody: Prosody, xmpp_user_factory: Callable[[], str]
) -> None:
    alice, bob = xmpp_user_factory(), xmpp_user_factory()
    first = run(with_channel(account(prosody, alice), lambda c: pages(c, "", HistoryCursor())))
    assert [m for p in first for m in p.items] == [] and first[-1].cursor.complete
    with XmppPeer(prosody, bob) as peer:
        peer.send(alice, "first words")
    later = run(with_channel(account(prosody, alice), lambda c: pages(c, "", first[-1].cursor)))
    assert texts([m for p in later for m in p.items]) == ["first words"]
