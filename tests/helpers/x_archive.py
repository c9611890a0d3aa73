"""Generated X (Twitter) archive files (data/direct-messages.js, direct-messages-group.js,
account.js, tweets.js), written from the archive's documented shape: JSON behind a
``window.YTD.<name>.part0 =`` assignment. Never a real archive."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


def write_ytd(path: Path, name: str, items: list[Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"window.YTD.{name}.part0 = " + json.dumps(items, indent=2), "utf-8")
    return path


def account_item(uid: str, username: str, display: str) -> dict[str, Any]:
    return {
        "account": {
            "email": f"{username}@example.org",
            "createdVia": "web",
            "username": username,
            "accountId": uid,
            "createdAt": "2015-04-01T10:00:00.000Z",
            "accountDisplayName": display,
        }
    }


def dm(
    mid: str, sender: str, recipient: str | None, when: datetime, text: str, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reactions": [],
        "urls": [],
        "text": text,
        "mediaUrls": [],
        "senderId": sender,
        "id": mid,
        "createdAt": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
    }
    if recipient is not None:
        body["recipientId"] = recipient
    body.update(extra)
    return {"messageCreate": body}


def conversation(cid: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    return {"dmConversation": {"conversationId": cid, "messages": events}}


def generate(data: Path, me: str, messages: int, people: int = 20) -> Path:
    """data/direct-messages.js with `messages` messages over `people` one-to-one chats."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    chats: dict[str, list[dict[str, Any]]] = {}
    for n in range(messages):
        other = str(1000 + n % people)
        a, b = (me, other) if n % 2 else (other, me)
        cid = "-".join(sorted((me, other)))
        chats.setdefault(cid, []).insert(
            0, dm(str(10**17 + n), a, b, start + timedelta(minutes=n), f"message {n}")
        )
    return write_ytd(
        data / "direct-messages.js",
        "direct_messages",
        [conversation(c, e) for c, e in chats.items()],
    )
