"""MastodonChannel: one Mastodon account as a Channel (channels/base.py), with Mastodon.py.

Direct messages and mentions become conversations (channels.mastodon_items).
Three histories are read, each from its own stored cursor:
* "mentions": notifications of type mention (every direct message to the user
  is one, and so is every public mention);
* "direct": the conversations API, each conversation's newest status (direct
  messages that the instance's notification policy kept out of the
  notifications still come in);
* "sent": the user's own statuses that mention someone, written from any client.
A message is keyed by its status id, so a status met in two histories, or
again on a re-sync, is stored once. A first sync pages back from the newest
(at most HISTORY_PAGES pages each); later syncs read forward with `min_id`.
There is no stream: `live()` polls the three histories forward every
`poll_seconds`. Mastodon.py is blocking: every request runs on a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Callable
from typing import Any, ClassVar

from mastodon import Mastodon

from unibox.channels import mastodon_api as api_
from unibox.channels.base import (
    Bounce,
    Capabilities,
    ChannelAccount,
    ConversationInfo,
    HistoryCursor,
    HistoryPage,
    SendResult,
)
from unibox.channels.mastodon_items import (
    conversation_members,
    involves_others,
    mention_form,
    qualify,
    read_status,
)
from unibox.core.errors import ChannelError, ConnectionLost
from unibox.core.items import ChatMessage

PAGE = 40  # the most Mastodon gives of statuses at once
HISTORY_PAGES = 25  # a first sync reads back at most this many pages of each history
POLL_SECONDS = 30.0
ARCHIVES = ("mentions", "direct", "sent")

Fetch = Callable[..., list[tuple[str, Any]]]  # (cursor id, status) pairs, newest first


def _order(value: str) -> tuple[int, str]:
    """Ids are numbers written as text (snowflakes): compare them as numbers."""
    return (len(value), value) if value.isdigit() else (0, value)


class MastodonChannel:
    """A Mastodon account: mentions and direct messages, their history, replies."""

    kind: ClassVar[str] = "mastodon"
    capabilities: ClassVar[Capabilities] = Capabilities(
        group_chats=True, history=True, threads=True
    )

    def __init__(self, account: ChannelAccount, *, poll_seconds: float | None = None) -> None:
        self.account = account
        self.url = api_.instance_url(account.settings.get("instance", "") or account.host)
        self.poll_seconds = poll_seconds or float(
            account.settings.get("poll_seconds", "") or POLL_SECONDS
        )
        self.me = account.address
        self.domain = ""
        self._me_id = ""
        self._api: Mastodon | None = None
        self._newest: dict[str, str] = {}
        self._closed = asyncio.Event()

    # ------------------------------------------------------------------ session

    async def _run(self, fn: Callable[[], Any]) -> Any:
        api = self._require()
        return await asyncio.to_thread(api_.call, api, fn, self.url, self.account.name)

    def _require(self) -> Mastodon:
        if self._api is None:
            raise ConnectionLost(f"Not connected to {api_.where(self.url)}.")
        return self._api

    async def connect(self) -> None:
        self._api = api_.client(self.url, token=self.account.secret, ca_file=self.account.ca_file)
        me = await self._run(self._require().account_verify_credentials)
        instance: Any = {}
        with contextlib.suppress(ChannelError):
            instance = await self._run(self._require().instance)
        url_host = str(me.get("url") or "").split("//", 1)[-1].split("/", 1)[0]
        self.domain = str(instance.get("domain") or instance.get("uri") or url_host).lower()
        self.domain = self.domain.split("//", 1)[-1].strip("/")
        self._me_id = str(me["id"])
        found = qualify(str(me.get("acct") or ""), self.domain)
        if self.me and found and found != self.me:
            self._api = None
            raise ChannelError(
                f"The access token of {self.account.name} is for {found}, not {self.me}.",
                retryable=False,
            )
        self.me = found or self.me

    async def close(self) -> None:
        self._closed.set()
        api, self._api = self._api, None
        if api is not None:
            with contextlib.suppress(Exception):
                api.session.close()

    def notice(self) -> str:
        return ""

    # ------------------------------------------------------------------ what there is

    async def conversations(self) -> list[ConversationInfo]:
        return []

    def archives(self) -> list[str]:
        return list(ARCHIVES)

    def _fetch(self, archive: str) -> Fetch:
        api = self._require()

        def mentions(**page: Any) -> list[tuple[str, Any]]:
            found = api.notifications(types=["mention"], limit=PAGE, **page)
            return [(str(n["id"]), n.get("status")) for n in found]

        def direct(**page: Any) -> list[tuple[str, Any]]:
            found = api.conversations(limit=PAGE, **page)
            return [
                (str(c["last_status"]["id"]), c["last_status"])
                for c in found
                if c.get("last_status") is not None
            ]

        def sent(**page: Any) -> list[tuple[str, Any]]:
            found = api.account_statuses(self._me_id, limit=PAGE, **page)
            return [(str(s["id"]), s) for s in found]

        return {"mentions": mentions, "direct": direct, "sent": sent}[archive]

    def _items(self, got: list[tuple[str, Any]], *, is_history: bool) -> tuple[ChatMessage, ...]:
        items = []
        for _cursor_id, status in got:
            if status is None:
                continue
            author = qualify(str(status["account"]["acct"]), self.domain)
            if author == self.me and not involves_others(status, self.me, self.domain):
                continue  # a post of the user's own to nobody in particular
            item = read_status(status, me=self.me, domain=self.domain, is_history=is_history)
            if item is not None:
                items.append(item)
        return tuple(items)

    async def backfill(self, archive: str, cursor: HistoryCursor) -> AsyncIterator[HistoryPage]:
        fetch = self._fetch(archive)
        if cursor.newest:
            async for part in self._forward(archive, fetch, cursor.newest, is_history=True):
                cursor = HistoryCursor(part[0], cursor.oldest, cursor.complete)
                yield HistoryPage(part[1], cursor)
            self._newest[archive] = cursor.newest
            if cursor.complete:
                return
        before = cursor.oldest or None
        for _ in range(HISTORY_PAGES):
            got = await self._run(functools.partial(fetch, max_id=before))
            if not got:
                break
            ids = [cid for cid, _s in got]
            newest = cursor.newest or max(ids, key=_order)
            cursor = HistoryCursor(newest, min(ids, key=_order), False)
            self._newest[archive] = newest
            yield HistoryPage(self._items(got, is_history=True), cursor)
            before = cursor.oldest
        yield HistoryPage((), HistoryCursor(cursor.newest, cursor.oldest, True))
        if cursor.newest:
            self._newest[archive] = cursor.newest

    async def _forward(
        self, archive: str, fetch: Fetch, after: str, *, is_history: bool
    ) -> AsyncIterator[tuple[str, tuple[ChatMessage, ...]]]:
        while True:
            got = await self._run(functools.partial(fetch, min_id=after))
            if not got:
                return
            after = max([after] + [cid for cid, _s in got], key=_order)
            self._newest[archive] = after
            yield after, self._items(got, is_history=is_history)

    async def live(self) -> AsyncIterator[ChatMessage | Bounce]:
        while not self._closed.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closed.wait(), self.poll_seconds)
            if self._closed.is_set() or self._api is None:
                return
            for archive in ARCHIVES:
                fetch = self._fetch(archive)
                after = self._newest.get(archive, "")
                if not after:  # empty until now: its newest page is all there is
                    got = await self._run(fetch)
                    if got:
                        self._newest[archive] = max((cid for cid, _s in got), key=_order)
                        for item in self._items(got, is_history=False):
                            yield item
                    continue
                async for _newest, items in self._forward(archive, fetch, after, is_history=False):
                    for item in items:
                        yield item

    # ------------------------------------------------------------------ sending

    async def send(
        self, conversation: str, text: str, *, origin_id: str, reply_to: str = ""
    ) -> SendResult:
        api = self._require()
        members = conversation_members(conversation)
        if not members:
            raise ChannelError(f"“{conversation}” is not a fediverse account.", retryable=False)
        visibility = "direct"
        if reply_to:
            try:
                answered = await self._run(functools.partial(api.status, reply_to))
            except ChannelError as exc:
                if exc.retryable:
                    raise
                answered = None  # gone: it goes as a new direct message
            if answered is not None:
                visibility = str(answered.get("visibility") or "direct")
                members = list(dict.fromkeys(members + self._answered_people(answered)))
            else:
                reply_to = ""
        named = [mention_form(acct, self.domain) for acct in members if acct != self.me]
        missing = [m for m in named if m.casefold() not in text.casefold()]
        body = " ".join([*missing, text]) if missing else text
        status = await self._run(
            functools.partial(
                api.status_post,
                body,
                in_reply_to_id=reply_to or None,
                visibility=visibility,
                idempotency_key=origin_id,  # a retry after a lost answer posts nothing twice
            )
        )
        return SendResult(str(status["id"]))

    def _answered_people(self, status: Any) -> list[str]:
        people = [qualify(str(status["account"]["acct"]), self.domain)]
        people += [qualify(str(m["acct"]), self.domain) for m in status.get("mentions") or []]
        return [p for p in people if p and p != self.me]
