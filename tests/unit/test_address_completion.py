"""Address completion ranks people by how much and how recently mail went back and forth."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.helpers.items import add_account, add_folders, item, new_store, parsed
from unibox.core.items import Address
from unibox.store.address_completion import AddressSuggestion, suggest
from unibox.store.ingest import Ingestor
from unibox.store.store import Store
from unibox.ui.compose.schedule import in_one_hour, monday_morning, tomorrow_morning

ME = Address("me@example.com", "Me")
ANNA = Address("anna.berg@example.org", "Anna Berg")
ANDREAS = Address("andreas@example.net", "Andreas Vogel")
OLD = Address("annika@old.example", "Annika Stone")


def _store(tmp_path: Path) -> Store:
    store = new_store(tmp_path)
    acc = add_account(store)
    folder = add_folders(store, acc, "INBOX")["INBOX"]
    mail = [
        parsed("Lunch", message_id="a1@x", from_=(ANNA,), to=(ME,), day=300),
        parsed("Lunch?", message_id="a2@x", from_=(ME,), to=(ANNA,), day=301),
        parsed("Re: Lunch", message_id="a3@x", from_=(ANNA,), to=(ME,), day=302),
        parsed("Invoice", message_id="v1@x", from_=(ANDREAS,), to=(ME,), day=303),
        *(
            parsed(f"Old {n}", message_id=f"o{n}@x", from_=(OLD,), to=(ME,), day=n)
            for n in range(5)
        ),
    ]
    with store.write() as s:
        Ingestor(acc, folder, [ME.email]).ingest(s, [item(n + 1, p) for n, p in enumerate(mail)])
    return store


def _emails(found: list[AddressSuggestion]) -> list[str]:
    return [f.email for f in found]


def test_prefix_of_a_name_or_address_finds_people_ranked(tmp_path: Path) -> None:
    store = _store(tmp_path)
    now = int(datetime(2024, 11, 1).timestamp())
    with store.read() as s:
        # Anna: recent and written to; Andreas: recent, one message; Annika: more, but long ago.
        assert _emails(suggest(s, "an", now=now)) == [ANNA.email, ANDREAS.email, OLD.email]
        assert _emails(suggest(s, "berg", now=now)) == [ANNA.email]  # a later word of the name
        assert _emails(suggest(s, "andreas@", now=now)) == [ANDREAS.email]
        assert suggest(s, "me@", now=now) == []  # my own address is never suggested
        assert suggest(s, "%", now=now) == []  # LIKE wildcards are taken literally
        assert suggest(s, "  ", now=now) == []
        [anna] = suggest(s, "anna", now=now)
    assert anna.formatted == "Anna Berg <anna.berg@example.org>"
    assert anna.messages == 3
    assert AddressSuggestion(1, "Berg, Anna", "a@x.org", 0, None).formatted == (
        '"Berg, Anna" <a@x.org>'
    )
    store.close()


def test_send_later_presets() -> None:
    friday = datetime(2025, 3, 14, 16, 42, 10)
    assert in_one_hour(friday) == datetime(2025, 3, 14, 17, 42)
    assert tomorrow_morning(friday) == datetime(2025, 3, 15, 8, 0)
    assert monday_morning(friday) == datetime(2025, 3, 17, 8, 0)
    monday = datetime(2025, 3, 17, 7, 0)
    assert monday_morning(monday) == datetime(2025, 3, 24, 8, 0)  # next week, not today
