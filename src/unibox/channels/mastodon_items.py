"""Mastodon statuses as chat messages: who took part, which conversation, the text.

A status becomes a message of the conversation between the user and the
other accounts in it (its author and everyone it mentions): one other
account is a one-to-one chat keyed by that account ("user@instance"),
several are a group keyed by all of them (`group:` and the accounts, sorted).
Local accounts, which the API names without a domain, get the instance's.
The text is the status's HTML made plain (core.html), the mentions it opens
with taken off (the conversation already says who it is with).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from unibox.core.html import html_to_text
from unibox.core.identity import MASTODON, normalize_mastodon
from unibox.core.items import ChatAddress, ChatMessage

KIND = MASTODON
GROUP_PREFIX = "group:"
_LEADING_MENTION = re.compile(r"^\s*@[\w.\-]+(?:@[\w.\-]+)?[,:]?\s*")


def qualify(acct: str, domain: str) -> str:
    """ "user@instance" for an account as the API names it ("user" when it is local)."""
    acct = (acct or "").strip().removeprefix("@")
    if acct and "@" not in acct and domain:
        acct = f"{acct}@{domain}"
    return normalize_mastodon(acct)


def group_ref(accts: list[str]) -> str:
    return GROUP_PREFIX + ",".join(sorted(set(accts)))


def conversation_members(ref: str) -> list[str]:
    """The accounts a conversation is with: one for a chat, all of a group's."""
    if ref.startswith(GROUP_PREFIX):
        return [a for a in ref[len(GROUP_PREFIX) :].split(",") if a]
    value = normalize_mastodon(ref)
    return [value] if value else []


def mention_form(acct: str, domain: str) -> str:
    """How a status names an account: "@user" for the instance's own, else "@user@instance"."""
    user, _, where = acct.partition("@")
    return f"@{user}" if where == domain else f"@{acct}"


def _field(obj: Any, name: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def _name(account: Any) -> str:
    return str(_field(account, "display_name") or _field(account, "username") or "")


def _when(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def status_text(status: Any) -> str:
    """The status as plain text: content warning first, mentions it opens with off,
    attachments as their addresses."""
    text = html_to_text(str(_field(status, "content") or "")).strip()
    while True:
        stripped = _LEADING_MENTION.sub("", text, count=1)
        if stripped == text or not stripped:
            break
        text = stripped
    warning = str(_field(status, "spoiler_text") or "").strip()
    if warning:
        text = f"CW: {warning}\n\n{text}"
    for media in _field(status, "media_attachments") or []:
        url = _field(media, "url") or _field(media, "remote_url")
        if url:
            text += f"\n{url}"
    return text.strip()


def read_status(status: Any, *, me: str, domain: str, is_history: bool) -> ChatMessage | None:
    """The status as a message of its conversation; None when it involves nobody but the user
    (a post of their own that mentions no one) or is not readable."""
    if status is None:
        return None
    account = _field(status, "account")
    author = qualify(str(_field(account, "acct") or ""), domain)
    if not author:
        return None
    others: dict[str, str] = {}
    if author != me:
        others[author] = _name(account)
    for mention in _field(status, "mentions") or []:
        acct = qualify(str(_field(mention, "acct") or ""), domain)
        if acct and acct != me and acct not in others:
            others[acct] = str(_field(mention, "username") or "")
    if not others:
        return None
    is_group = len(others) > 1
    if is_group:
        ref = group_ref(list(others))
        title = ", ".join(name or acct for acct, name in sorted(others.items()))
        participants = tuple(ChatAddress(KIND, acct, name) for acct, name in others.items())
    else:
        (ref,) = others
        title = others[ref] if author != me else ""
        participants = ()
    reply_to = _field(status, "in_reply_to_id")
    return ChatMessage(
        channel=KIND,
        remote_id=str(_field(status, "id")),
        conversation=ref,
        sender=ChatAddress(KIND, author, _name(account)),
        sent_at=_when(_field(status, "created_at")),
        text=status_text(status),
        direction="out" if author == me else "in",
        conversation_name=title,
        is_group=is_group,
        participants=participants,
        reply_to=str(reply_to) if reply_to else "",
        is_history=is_history,
    )


def involves_others(status: Any, me: str, domain: str) -> bool:
    """A post of the user's own that belongs in a conversation: it mentions someone."""
    return any(
        qualify(str(_field(m, "acct") or ""), domain) not in ("", me)
        for m in _field(status, "mentions") or []
    )
