"""Running `unibox import` and reading what it stored, for the importers' tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from unibox.config import store_path
from unibox.store.schema import Message
from unibox.store.store import Store
from unibox.store.views import View, ViewKind, view_ids


def assert_history_only(profile: Path) -> None:
    """Imported messages made no notification, are seen, and nothing floods Needs reply."""
    store = Store(store_path(profile))
    with store.read() as s:
        rows = s.execute(select(Message.received_at, Message.is_seen)).all()
        assert rows and all(r.received_at is None and r.is_seen for r in rows)
        assert view_ids(s, View(ViewKind.NEEDS_REPLY)) == []
        assert view_ids(s, View(ViewKind.UNREAD)) == []


def replies(profile: Path) -> dict[str, str]:
    """remote id -> the remote id it answers, of every stored reply."""
    store = Store(store_path(profile))
    with store.read() as s:
        rows = s.execute(select(Message.remote_id, Message.in_reply_to)).all()
    return {r.remote_id: r.in_reply_to for r in rows if r.in_reply_to}
