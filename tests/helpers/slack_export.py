"""Generated Slack workspace exports (.zip), written from the published format:
users.json (profiles with e-mail addresses), channels.json, dms.json, and one JSON
array per channel and day with threads (thread_ts), edits, joins and bot messages.
Each (day, channel) is seeded on its own, so a bigger export starts with a smaller
one's messages (an overlapping later export); any size, never a real export."""

from __future__ import annotations

import json
import random
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.helpers.whatsapp_export import _WORDS

ME = "U000"
START = datetime(2023, 1, 2, 8, 0, tzinfo=UTC)


def user_id(n: int) -> str:
    return f"U{n:03d}"


def _users(count: int) -> list[dict[str, Any]]:
    users = []
    for n in range(count):
        profile: dict[str, Any] = {"real_name": f"Person {n}", "display_name": f"p{n}"}
        if n % 3 != 2:  # some without an address, as exports of other workspaces have
            profile["email"] = f"person{n}@example.com"
        users.append(
            {
                "id": user_id(n),
                "name": f"p{n}",
                "real_name": f"Person {n}",
                "profile": profile,
                "is_bot": False,
            }
        )
    users.append({"id": "U999BOT", "name": "ci", "real_name": "ci", "profile": {}, "is_bot": True})
    return users


def _day(seed: int, day: int, channel: int, count: int, users: int) -> list[dict[str, Any]]:
    rng = random.Random(f"{seed}:{day}:{channel}")
    when = START + timedelta(days=day)
    items: list[dict[str, Any]] = []
    first_ts = ""
    for n in range(count):
        when += timedelta(seconds=rng.randint(5, 120))
        ts = f"{when.timestamp():.0f}.{n:06d}"
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 12)))
        m: dict[str, Any] = {
            "type": "message",
            "user": user_id(rng.randrange(users)),
            "text": f"{words} <@{user_id(rng.randrange(users))}> #{n}",
            "ts": ts,
        }
        if n == 0:
            first_ts = ts
        elif n % 10 == 0:
            m["thread_ts"] = first_ts
        if n % 13 == 5:
            m["edited"] = {"user": m["user"], "ts": ts}
        items.append(m)
    return items


def write_export(
    path: Path,
    messages: int,
    *,
    channels: int = 5,
    users: int = 12,
    per_day: int = 40,
    seed: int = 1,
) -> Path:
    """About `messages` messages: day after day, `per_day` in each channel, then one DM."""
    names = [f"channel-{c}" for c in range(channels)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("users.json", json.dumps(_users(users)))
        z.writestr(
            "channels.json",
            json.dumps(
                [
                    {"id": f"C{c:03d}", "name": name, "members": [user_id(u) for u in range(users)]}
                    for c, name in enumerate(names)
                ]
            ),
        )
        z.writestr("dms.json", json.dumps([{"id": "D001", "members": [ME, user_id(1)]}]))
        left, day = messages, 0
        while left > 0:
            date = (START + timedelta(days=day)).strftime("%Y-%m-%d")
            for c, name in enumerate(names):
                count = min(per_day, left)
                if count <= 0:
                    break
                items = _day(seed, day, c, count, users)
                if day == 0 and c == 0:
                    items.insert(
                        0,
                        {
                            "type": "message",
                            "subtype": "channel_join",
                            "user": user_id(1),
                            "text": "joined",
                            "ts": "1.000001",
                        },
                    )
                z.writestr(f"{name}/{date}.json", json.dumps(items))
                left -= count
            day += 1
        dm = [
            {
                "type": "message",
                "user": user_id(1),
                "text": "a direct question?",
                "ts": f"{START.timestamp():.0f}.999999",
            }
        ]
        z.writestr(f"D001/{START:%Y-%m-%d}.json", json.dumps(dm))
    return path
