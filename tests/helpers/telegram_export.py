"""Generated Telegram Desktop exports (result.json, machine-readable), written from the
published format: personal_information, contacts.list, chats.list of {name, type, id,
messages}; text as a string or a list of entities; replies, edits, service messages.
Streamed to the file a message at a time: any size, never a real export."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from tests.helpers.whatsapp_export import _WORDS

ME = (1001, "Sam", "Becker", "+49 170 1112223")
PEERS = [(2002, "Olga", "Petrova"), (4004, "Priya", "Nair"), (5005, "Jörg", "Weber")]


def _message(rng: random.Random, n: int, when: datetime, sender: tuple[int, str]) -> dict[str, Any]:
    words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 12)))
    m: dict[str, Any] = {
        "id": n,
        "type": "message",
        "date": when.strftime("%Y-%m-%dT%H:%M:%S"),
        "date_unixtime": str(int(when.timestamp())),
        "from": sender[1],
        "from_id": f"user{sender[0]}",
    }
    if n % 5 == 0:  # entities
        m["text"] = [words + " ", {"type": "bold", "text": f"#{n}"}]
    else:
        m["text"] = f"{words} #{n}"
    if n % 7 == 0 and n > 1:
        m["reply_to_message_id"] = n - 1
    if n % 11 == 0:
        m["edited"] = m["date"]
        m["edited_unixtime"] = m["date_unixtime"]
    return m


def _chat(
    f: TextIO, rng: random.Random, chat: dict[str, Any], members: list[tuple[int, str]], n: int
) -> None:
    head = json.dumps({k: chat[k] for k in ("name", "type", "id")}, ensure_ascii=False)
    f.write(head[:-1] + ', "messages": [\n')
    when = datetime(2023, 1, 1, 8, 0, tzinfo=UTC)
    for i in range(1, n + 1):
        when += timedelta(seconds=rng.randint(20, 900))
        if i % 50 == 0:
            item: dict[str, Any] = {
                "id": i,
                "type": "service",
                "date": when.strftime("%Y-%m-%dT%H:%M:%S"),
                "date_unixtime": str(int(when.timestamp())),
                "actor": members[0][1],
                "action": "pin_message",
                "message_id": i - 1,
                "text": "",
            }
        else:
            item = _message(rng, i, when, rng.choice(members))
        f.write(("" if i == 1 else ",\n") + json.dumps(item, ensure_ascii=False))
    f.write("\n]}")


def write_export(
    path: Path, messages: int, *, chats: int = 1, group: bool = False, seed: int = 1
) -> Path:
    """`chats` chats of `messages` each: one to one with the peers in turn, or groups."""
    rng = random.Random(seed)
    me = (ME[0], f"{ME[1]} {ME[2]}")
    with path.open("w", encoding="utf-8") as f:
        info = {"user_id": ME[0], "first_name": ME[1], "last_name": ME[2], "phone_number": ME[3]}
        f.write('{"about": "Here is the data you requested.",\n"personal_information": ')
        f.write(json.dumps(info) + ',\n"chats": {"about": "", "list": [\n')
        for c in range(chats):
            uid, first, last = PEERS[c % len(PEERS)]
            peer = (uid + 10_000 * (c // len(PEERS)), f"{first} {last}")
            if group:
                chat = {"name": f"Team {c}", "type": "private_supergroup", "id": 9000 + c}
                members = [me, peer, (4004, "Priya Nair")]
            else:
                chat = {"name": peer[1], "type": "personal_chat", "id": peer[0]}
                members = [me, peer]
            f.write("" if c == 0 else ",\n")
            _chat(f, rng, chat, members, messages)
        f.write("\n]}}\n")
    return path
