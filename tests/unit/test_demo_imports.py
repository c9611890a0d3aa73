"""The demo's imported history: a WhatsApp chat and a LinkedIn export, read by the real
importers, joined to the demo's people, and history (nothing unread, no notification)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from unibox.demo import build_demo_profile
from unibox.store import view_counts
from unibox.store.channels import present_channels
from unibox.store.schema import Handle
from unibox.store.store import Store
from unibox.store.timeline import timeline

# Today: an import is read history up to the moment its account was made.
NOW = datetime.now().astimezone()


def _person(store: Store, email: str) -> int:
    with store.read() as s:
        pid = s.scalar(select(Handle.person_id).where(Handle.value == email))
    assert pid is not None
    return int(pid)


def _channels(store: Store, pid: int) -> list[str]:
    with store.read() as s:
        return [e.channel for e in timeline(s, pid, limit=200).entries]


def test_demo_whatsapp_and_linkedin_history_join_the_demo_people(tmp_path: Path) -> None:
    plain = Store(tmp_path / "plain.sqlite3")
    without = build_demo_profile(plain, now=NOW)
    with plain.read() as s:
        unread_before = view_counts.counts(s).unread
    plain.close()

    store = Store(tmp_path / "demo.sqlite3")
    profile = build_demo_profile(store, now=NOW, imports=True)
    tomas = _channels(store, _person(store, "tomas@cafeteriasol.example"))
    assert tomas.count("whatsapp") == 10 and "mail" in tomas
    priya = _channels(store, _person(store, "priya@lumenhealth.example"))
    assert priya.count("linkedin") == 3 and "mail" in priya
    with store.read() as s:
        keys = [key for key, _title, _icon in present_channels(s)]
        assert {"whatsapp", "linkedin"} <= set(keys)
        assert view_counts.counts(s).unread == unread_before  # imported history is read
        newest_chat = timeline(s, _person(store, "tomas@cafeteriasol.example"), limit=1)
    assert newest_chat.entries[0].at <= NOW
    assert profile.messages == without.messages + 10 + 7  # the chat's lines, LinkedIn's rows
    store.close()
