"""A chat account's outbox to its channel: due messages sent, read markers told.

A refusal goes on its row ("Not sent: why" in the window) and the next message
goes; a lost connection (a retryable error) ends the drain, to be tried again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from unibox.channels.base import Channel
from unibox.core.errors import ChannelError
from unibox.core.items import ChangeSet
from unibox.store.store import Store

T = TypeVar("T")


class Write(Protocol):
    """Runs a store function on the account's writer thread."""

    def __call__(self, fn: Callable[[], T], /) -> Awaitable[T]: ...


async def drain_outbox(
    channel: Channel, store: Store, account_id: int, write: Write,
    on_changes: Callable[[ChangeSet], None],
) -> None:  # fmt: skip
    """Send every due chat message; a refusal goes on its row, a lost connection ends it."""
    from unibox.store.chat import chat_failed, chat_sent, due_chats
    from unibox.store.chat_view import delivery_changes
    from unibox.store.intent import intent_write

    def due() -> Any:
        with store.read() as s:
            return due_chats(s, account_id)

    for item in await write(due):
        try:
            if item.files:
                from unibox.sync.chat_files import send_with_file

                result = await send_with_file(channel, item, store, write)
            else:
                result = await channel.send(
                    item.conversation, item.text, origin_id=item.origin_id,
                    reply_to=item.reply_to,
                )  # fmt: skip
        except ChannelError as exc:
            error = str(exc)

            final = not exc.retryable

            def failed(oid: int = item.id, error: str = error, final: bool = final) -> ChangeSet:
                with intent_write(store) as s:
                    chat_failed(s, oid, error, final=final)
                    return delivery_changes(s, oid)

            on_changes(await write(failed))  # the window says "Not sent: why"
            if exc.retryable:
                raise
            continue

        def sent(oid: int = item.id, remote: str = result.remote_id) -> ChangeSet:
            with intent_write(store) as s:
                chat_sent(s, oid, remote)
                return delivery_changes(s, oid)

        on_changes(await write(sent))  # "Sending…" goes from its bubble
    await tell_reads(channel, store, account_id, write)


async def tell_reads(channel: Channel, store: Store, account_id: int, write: Write) -> None:
    """Chats the user read here: their read markers to the server (Matrix)."""
    mark = getattr(channel, "mark_read", None)
    if mark is None:
        return
    from unibox.store.chat_updates import read_told, reads_to_tell

    def due() -> list[tuple[str, str]]:
        with store.read() as s:
            return reads_to_tell(s, account_id)

    for conversation, event_id in await write(due):
        await mark(conversation, event_id)

        def told(c: str = conversation, e: str = event_id) -> None:
            with store.write() as s:
                read_told(s, account_id, c, e)

        await write(told)
