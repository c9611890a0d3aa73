"""Answering an invitation twice: a changed mind withdraws a REPLY still waiting, never two."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_invitations import _deliver, _mail, _store
from unibox.core.errors import UserError
from unibox.services.event_actions import respond
from unibox.store import outbox


def test_a_changed_answer_replaces_the_reply_still_waiting(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    _deliver(store, ingestor, 1, _mail())
    first = respond(store, "call-1@brightwave.example", "accept", undo_seconds=60)
    assert first.item is not None and first.item.state == outbox.QUEUED
    second = respond(store, "call-1@brightwave.example", "tentative", undo_seconds=60)
    assert second.replaced and second.item is not None
    with store.read() as s:
        assert outbox.get_item(s, first.item.id).state == outbox.CANCELLED
        assert outbox.get_item(s, second.item.id).state == outbox.QUEUED
    assert respond(store, "call-1@brightwave.example", "tentative").item is None


def test_a_cancelled_meeting_and_a_bad_answer_are_refused_in_words(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    _deliver(store, ingestor, 1, _mail())
    with pytest.raises(UserError, match="not an answer"):
        respond(store, "call-1@brightwave.example", "maybe")
    _deliver(store, ingestor, 2, _mail(method="CANCEL", sequence=1))
    with pytest.raises(UserError, match="was cancelled"):
        respond(store, "call-1@brightwave.example", "accept")
