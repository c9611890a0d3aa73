"""Message archive (XEP-0313) paging, and history walks that follow a HistoryCursor.

A first sync pages back from the newest message, so the newest show first;
later syncs read forward from the cursor's `newest`; a first sync that was
interrupted first catches up forward, then resumes paging back from `oldest`.
Each page comes with the cursor to store in the same transaction as its items.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from xml.etree.ElementTree import Element

from slixmpp import ClientXMPP
from slixmpp.exceptions import IqError, IqTimeout
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from unibox.channels.base import HistoryCursor, HistoryPage
from unibox.channels.xmpp import stanzas
from unibox.core.errors import ChannelError, ConnectionLost
from unibox.core.items import ChatMessage

log = logging.getLogger("unibox.xmpp")

NS_MAM = "urn:xmpp:mam:2"
NS_RSM = "http://jabber.org/protocol/rsm"
NS_FORWARD = "urn:xmpp:forward:0"
FIRST_PAGE = 100  # small: the newest messages show at once
PAGE = 500  # the server may give fewer (Prosody: 50 unless configured)
QUERY_TIMEOUT = 60


class ArchiveGone(ChannelError):
    """The id a cursor names is no longer in the archive (it expired, or was emptied)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


@dataclass(frozen=True, slots=True)
class ArchivePage:
    results: list[
        tuple[str, datetime | None, Element]
    ]  # (archive id, stamp, message), oldest first
    first: str
    last: str
    complete: bool


async def query(
    client: ClientXMPP,
    archive: str,
    *,
    before: str | None = None,
    after: str | None = None,
    size: int = PAGE,
) -> ArchivePage:
    """One page of an archive ("" the account's own, else a room's JID)."""
    me = stanzas.bare(str(client.boundjid.bare))
    owner = archive or me
    query_id = uuid.uuid4().hex
    collected: list[tuple[str, datetime | None, Element]] = []

    def collect(msg: object) -> None:
        el: Element = msg.xml  # type: ignore[attr-defined]
        result = el.find(f"{{{NS_MAM}}}result")
        if result is None or result.get("queryid") != query_id:
            return
        sender = stanzas.bare(el.get("from", "")) or me
        if sender != owner:
            log.warning("ignored an archive result from %s, not %s", sender, owner)
            return
        forwarded = result.find(f"{{{NS_FORWARD}}}forwarded")
        if forwarded is None:
            return
        inner = forwarded.find(f"{{{stanzas.NS_CLIENT}}}message")
        if inner is None:
            return
        stamp = stanzas.delay_stamp(forwarded)
        collected.append((result.get("id", ""), stamp, inner))

    handler = Callback(
        f"MAM {query_id}",
        MatchXPath(f"{{{stanzas.NS_CLIENT}}}message/{{{NS_MAM}}}result"),
        collect,
    )
    iq = client.make_iq_set(ito=archive or None)
    iq["mam"]["queryid"] = query_id
    rsm = iq["mam"]["rsm"]
    rsm["max"] = str(size)
    if before is not None:
        rsm["before"] = before or True  # an empty <before/>: the last page
    if after:
        rsm["after"] = after
    client.register_handler(handler)
    try:
        reply = await iq.send(timeout=QUERY_TIMEOUT)
    except IqError as exc:
        raise _query_error(exc, archive or me, before or after or "") from None
    except IqTimeout:
        raise ConnectionLost(f"The archive of {owner} did not answer in time.") from None
    finally:
        client.remove_handler(handler.name)
    fin = reply.xml.find(f"{{{NS_MAM}}}fin")
    first = last = ""
    complete = True
    if fin is not None:
        complete = fin.get("complete", "false") in ("true", "1")
        first = fin.findtext(f"{{{NS_RSM}}}set/{{{NS_RSM}}}first", "") or ""
        last = fin.findtext(f"{{{NS_RSM}}}set/{{{NS_RSM}}}last", "") or ""
    return ArchivePage(collected, first, last, complete)


def _query_error(exc: IqError, owner: str, cursor_id: str) -> ChannelError:
    condition = exc.condition or ""
    if condition == "item-not-found" and cursor_id:
        return ArchiveGone(f"The archive of {owner} no longer has message {cursor_id}.")
    if condition in ("feature-not-implemented", "service-unavailable"):
        return ChannelError(
            f"The server keeps no message archive for {owner} (XEP-0313).", retryable=False
        )
    words = stanzas.error_words(exc.iq.xml)
    return ChannelError(f"Reading the archive of {owner} failed: {words}.", retryable=True)


Reader = Callable[[str, datetime | None, Element], ChatMessage | None]


async def walk(
    client: ClientXMPP,
    archive: str,
    cursor: HistoryCursor,
    read: Reader,
    *,
    first_page: int = FIRST_PAGE,
    page: int = PAGE,
) -> AsyncIterator[HistoryPage]:
    """The archive's pages the cursor has not seen: forward first, then back."""
    if cursor.newest:
        try:
            async for part in _forward(client, archive, cursor, read, page):
                cursor = part.cursor
                yield part
        except ArchiveGone as exc:
            # Read it all again: the store keys messages by archive id, so nothing doubles.
            log.info("%s; reading the archive from its end again", exc)
            cursor = HistoryCursor()
    if cursor.complete and cursor.newest:
        return
    if not cursor.newest:
        # Nothing read yet (the archive was empty last time): from its end, back.
        cursor = HistoryCursor()
    before = cursor.oldest
    size = first_page if not cursor.newest else page
    while True:
        try:
            got = await query(client, archive, before=before, size=size)
        except ArchiveGone:
            yield HistoryPage((), replace(cursor, complete=True))
            return
        complete = got.complete or not got.results
        cursor = HistoryCursor(
            newest=cursor.newest or got.last,
            oldest=got.first or before,
            complete=complete,
        )
        yield HistoryPage(_items(got, read), cursor)
        if complete:
            return
        before = got.first
        size = page


async def _forward(
    client: ClientXMPP, archive: str, cursor: HistoryCursor, read: Reader, page: int
) -> AsyncIterator[HistoryPage]:
    after = cursor.newest
    while True:
        got = await query(client, archive, after=after, size=page)
        if not got.results:
            return
        cursor = replace(cursor, newest=got.last or after)
        yield HistoryPage(_items(got, read), cursor)
        if got.complete or not got.last:
            return
        after = got.last


def _items(got: ArchivePage, read: Reader) -> tuple[ChatMessage, ...]:
    items = (read(archive_id, stamp, el) for archive_id, stamp, el in got.results)
    return tuple(item for item in items if item is not None)
