"""Sending a queued chat message that carries a file: upload it once, then send the event.

The upload's address is committed before the event goes, so a retry after a
lost connection sends the same file again by its address instead of
uploading its bytes a second time; the event's transaction id is the outbox
row's origin id, so the homeserver takes a retried send once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from unibox.channels.base import Channel, SendResult
from unibox.core.errors import ChannelError
from unibox.store.chat_outbox import QueuedChat
from unibox.store.store import Store

T = TypeVar("T")
Writer = Callable[[Callable[[], T]], Awaitable[T]]


async def send_with_file(
    channel: Channel, item: QueuedChat, store: Store, write: Writer[Any]
) -> SendResult:
    upload = getattr(channel, "upload_file", None)
    send_file = getattr(channel, "send_file", None)
    if upload is None or send_file is None:
        raise ChannelError(f"unibox cannot send files on {channel.kind}.", retryable=False)
    (file,) = item.files
    remote, details = file.remote, file.details
    if not remote:
        remote, extra = await upload(item.conversation, file.filename, file.content_type, file.data)

        def uploaded() -> str:
            from unibox.store.chat_media import media_uploaded

            with store.write() as s:
                return media_uploaded(s, file.attachment_id, remote, extra)

        details = await write(uploaded)
    result: SendResult = await send_file(
        item.conversation, filename=file.filename, content_type=file.content_type,
        size=len(file.data), remote=remote, details=details, caption=item.text,
        origin_id=item.origin_id, reply_to=item.reply_to,
    )  # fmt: skip
    return result
