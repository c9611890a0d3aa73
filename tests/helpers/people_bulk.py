"""A store with many people and one heavy correspondent, for scale tests and benchmarks."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from tests.helpers.items import BASE, item, parsed
from tests.helpers.people import ME, Mailbox
from unibox.core.items import Address, ParseState
from unibox.store.store import Store

HEAVY = Address("heavy@example.org", "Hannah Heavy")


def fill(store: Store, *, messages: int, people: int, heavy_share: float, seed: int = 1) -> Mailbox:
    """`messages` headers-only mails (threads of a few), `heavy_share` of them with HEAVY."""
    rng = random.Random(seed)
    box = Mailbox(store)
    others = [Address(f"p{i}@example{i % 50}.org", f"Person {i}") for i in range(people)]
    batch = []
    thread_root = ""
    for n in range(messages):
        who = HEAVY if rng.random() < heavy_share else rng.choice(others)
        mine = rng.random() < 0.4
        if n % 4 == 0:
            thread_root = f"b{n}@bulk"
        p = parsed(
            f"Subject {n // 4}",
            message_id=f"b{n}@bulk",
            in_reply_to="" if n % 4 == 0 else thread_root,
            references=() if n % 4 == 0 else (thread_root,),
            from_=(ME,) if mine else (who,),
            to=(who,) if mine else (ME,),
            state=ParseState.HEADERS,
        )
        p = replace(p, date=BASE + timedelta(minutes=7 * n))
        batch.append(item(n + 1, p, headers_only=True))
        if len(batch) == 2000:
            with store.write() as s:
                box.ingestor.ingest(s, batch)
            batch = []
    if batch:
        with store.write() as s:
            box.ingestor.ingest(s, batch)
    return box
