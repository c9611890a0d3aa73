"""A chat account staying live: what its channel pushes, stored in batches.

The channel's live stream is pumped into a queue; what came is stored in
batches of up to LIVE_BATCH, a bounce on its own. The outbox is drained when
kicked ("sync now") and every OUTBOX_CHECK_SECONDS (a message queued by
another process, the CLI, goes within that).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from unibox.channels.base import Bounce, Channel
from unibox.core.errors import ChannelError
from unibox.core.items import ChatMessage, ChatUpdate

OUTBOX_CHECK_SECONDS = 2.0  # a message queued by another process (the CLI) goes within this
LIVE_BATCH = 500


async def stay_live(
    channel: Channel, stop: asyncio.Event, kick: asyncio.Event, *,
    drain: Callable[[Channel], Awaitable[None]],
    store_bounce: Callable[[Bounce], Awaitable[None]],
    store_live: Callable[[Sequence[ChatMessage | ChatUpdate]], Awaitable[None]],
) -> None:  # fmt: skip
    """Until `stop`: store what `channel.live()` brings; raises when the connection ends."""
    queue: asyncio.Queue[Any] = asyncio.Queue()
    ended = object()

    async def pump() -> None:
        try:
            async for item in channel.live():
                await queue.put(item)
        except BaseException as exc:
            await queue.put(exc)
            return
        await queue.put(ended)

    pumping = asyncio.create_task(pump())
    try:
        while not stop.is_set():
            getting = asyncio.ensure_future(queue.get())
            stopping = asyncio.ensure_future(stop.wait())
            kicked = asyncio.ensure_future(kick.wait())
            done, _ = await asyncio.wait(
                {getting, stopping, kicked},
                timeout=OUTBOX_CHECK_SECONDS,
                return_when=asyncio.FIRST_COMPLETED,
            )
            for waiter in (stopping, kicked):
                waiter.cancel()
            if getting not in done:
                getting.cancel()
                kick.clear()
                await drain(channel)
                continue
            batch: list[ChatMessage | ChatUpdate] = []
            item = getting.result()
            while True:
                if item is ended:
                    raise ChannelError("The chat connection ended.", retryable=True)
                if isinstance(item, BaseException):
                    raise item
                if isinstance(item, Bounce):
                    await store_bounce(item)
                else:
                    batch.append(item)
                if len(batch) >= LIVE_BATCH or queue.empty():
                    break
                item = queue.get_nowait()
            if batch:
                await store_live(batch)
    finally:
        pumping.cancel()
        with contextlib.suppress(BaseException):
            await pumping
