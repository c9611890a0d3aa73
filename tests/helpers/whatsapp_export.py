"""Generated WhatsApp chat exports (Android and iOS forms), written from the published
format: any size, streamed to a file line by line, never a real export."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

_WORDS = [
    "invoice",
    "quote",
    "meeting",
    "tomorrow",
    "thanks",
    "call",
    "later",
    "price",
    "order",
    "delivery",
    "slides",
    "monday",
    "friday",
    "lunch",
    "contract",
    "sample",
    "shipment",
    "great",
    "sure",
    "perhaps",
    "tonight",
]

FORMS = {
    # name: (date format, time format, between date and time, before the sender)
    "en_US": ("%m/%d/%y", "%I:%M\u202f%p", ", ", " - "),
    "en_GB": ("%d/%m/%Y", "%H:%M", ", ", " - "),
    "de": ("%d.%m.%y", "%H:%M", ", ", " - "),
    "fr": ("%d/%m/%Y", "%H:%M", " à ", " - "),
    "pt_BR": ("%d/%m/%Y", "%H:%M", " ", " - "),
    "ios_de": ("[%d.%m.%y", "%H:%M:%S]", ", ", " "),
}


def stamp(form: str, when: datetime) -> str:
    date, clock, between, after = FORMS[form]
    text = when.strftime(clock)
    if form == "en_US":
        text = text.lstrip("0")
    return when.strftime(date) + between + text + after


def write_export(
    path: Path,
    messages: int,
    *,
    form: str = "en_US",
    me: str = "Sam",
    peer: str = "Olga",
    seed: int = 1,
    start: datetime = datetime(2023, 1, 1, 8, 0),
) -> Path:
    """`messages` messages between `me` and `peer`, one in ten on two lines."""
    rng = random.Random(seed)
    when = start
    with path.open("w", encoding="utf-8") as f:
        f.write(stamp(form, when) + "Messages and calls are end-to-end encrypted.\n")
        for n in range(messages):
            when += timedelta(seconds=rng.randint(20, 900))
            who = me if rng.random() < 0.5 else peer
            words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 14)))
            f.write(f"{stamp(form, when)}{who}: {words} #{n}\n")
            if n % 10 == 0:
                f.write("and a second line\n")
    return path
