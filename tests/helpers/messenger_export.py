"""Generated Facebook Messenger / Instagram downloads ("Download your information",
JSON), written from the published form: messages/inbox/<name>_<id>/message_<n>.json,
newest first, at most `per_file` messages a file, every string UTF-8 written as
Latin-1 escapes as Meta writes them ("Caf\\u00c3\\u00a9"). Never a real download."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from tests.helpers.whatsapp_export import _WORDS

ME = "Sam Becker"
PEERS = ["Olga Petrova", "Jörg Weber", "Lucía Gómez", "João Silva"]
_EXTRA = ["café", "Grüße", "¿mañana?", "👍", "😊", "naïve", "Zürich"]
START_MS = 1_672_560_000_000  # 2023-01-01


def mojibake(value: Any) -> Any:
    """What Meta writes: each UTF-8 byte as one character (U+0000–U+00FF)."""
    if isinstance(value, str):
        return value.encode("utf-8").decode("latin-1")
    if isinstance(value, list):
        return [mojibake(v) for v in value]
    if isinstance(value, dict):
        return {k: mojibake(v) for k, v in value.items()}
    return value


def write_download(
    root: Path,
    messages: int,
    *,
    threads: int = 2,
    per_file: int = 10_000,
    instagram: bool = False,
    seed: int = 1,
) -> Path:
    """`threads` one-to-one conversations of `messages` each, under `root`."""
    activity = "your_instagram_activity" if instagram else "your_facebook_activity"
    for t in range(threads):
        rng = random.Random(f"{seed}:{t}")
        peer = PEERS[t % len(PEERS)] + ("" if t < len(PEERS) else f" {t}")
        folder = root / activity / "messages" / "inbox" / f"{peer.split()[0].lower()}_{1000 + t}"
        folder.mkdir(parents=True, exist_ok=True)
        items = []
        when = START_MS
        for n in range(messages):
            when += rng.randint(20, 900) * 1000
            words = " ".join(rng.choice(_WORDS + _EXTRA) for _ in range(rng.randint(2, 10)))
            items.append(
                {
                    "sender_name": ME if rng.random() < 0.5 else peer,
                    "timestamp_ms": when,
                    "content": f"{words} #{n}",
                    "is_geoblocked_for_viewer": False,
                }
            )
        items.reverse()  # newest first, as the download has them
        for part, start in enumerate(range(0, len(items), per_file), 1):
            doc = {
                "participants": [{"name": peer}, {"name": ME}],
                "messages": items[start : start + per_file],
                "title": peer,
                "is_still_participant": True,
                "thread_path": f"inbox/{folder.name}",
                "magic_words": [],
            }
            (folder / f"message_{part}.json").write_text(json.dumps(mojibake(doc)))
    return root
