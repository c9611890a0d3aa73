"""The smart views' rules (Needs reply, Needs follow-up, Snoozed) and what undo puts back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from unibox.core.items import FolderRole
from unibox.core.triage import TriageState
from unibox.demo import build_demo_profile
from unibox.services import mail as mail_service
from unibox.store.actions import Action, ActionKind
from unibox.store.schema import Folder, Message, MessageLocation
from unibox.store.store import Store
from unibox.store.triage_targets import Before
from unibox.store.triage_views import NEEDS_REPLY_DAYS
from unibox.store.view_counts import counts
from unibox.store.view_rows import rows_for
from unibox.store.views import View, ViewKind, view_ids
from unibox.ui.triage_undo import undo_steps

NOW = datetime(2025, 3, 14, 9, 30, tzinfo=timezone(timedelta(hours=1)))
T = int(NOW.timestamp())


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("triage") / "store.db"
    store = Store(path)
    build_demo_profile(store, now=NOW)
    store.close()
    return path


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Store:
    path = tmp_path / "store.db"
    path.write_bytes(template.read_bytes())
    return Store(path)


def _needs_reply(store: Store, now: int = T) -> list[int]:
    with store.read() as s:
        return view_ids(s, View(ViewKind.NEEDS_REPLY), now=now)


def _senders(store: Store, ids: list[int]) -> set[str]:
    with store.read() as s:
        return {r.sender_name for r in rows_for(s, ids, now=T)}


def test_needs_reply_is_mail_from_people_i_write_to_still_waiting(store: Store) -> None:
    found = _needs_reply(store)
    assert found
    senders = _senders(store, found)
    assert {"Aoife O'Brien", "Søren Kjær"} <= senders
    # Notifications and newsletters never wait for an answer.
    assert not senders & {"Sketchboard", "Pixel Weekly", "EuroRail Tickets", "Slotbook"}
    with store.read() as s:
        rows = s.execute(
            select(Message.id, Message.direction, Message.is_answered, Message.sent_at).where(
                Message.id.in_(found)
            )
        ).all()
        inbox = set(
            s.scalars(
                select(MessageLocation.message_id)
                .join(Folder, Folder.id == MessageLocation.folder_id)
                .where(Folder.role == FolderRole.INBOX.value)
            )
        )
        chats = set(s.scalars(select(Message.id).where(Message.channel != "mail")))
    for _mid, direction, answered, sent_at in rows:
        assert direction == "in" and not answered
        assert sent_at >= T - NEEDS_REPLY_DAYS * 86_400
    assert set(found) - chats <= inbox  # a chat has no folder: it is in the inbox
    with store.read() as s:
        assert counts(s, T).views[ViewKind.NEEDS_REPLY] == len(found)


def test_done_archived_snoozed_or_answered_mail_no_longer_needs_a_reply(store: Store) -> None:
    first, second, third, fourth = _needs_reply(store)[:4]
    clock = lambda: NOW  # noqa: E731
    mail_service.act(store, [first], Action(ActionKind.DONE), clock=clock)
    mail_service.act(store, [second], Action(ActionKind.ARCHIVE), clock=clock)
    mail_service.act(store, [third], Action(ActionKind.SNOOZE, when=T + 3600), clock=clock)
    with store.write() as s:
        m = s.get(Message, fourth)
        assert m is not None
        m.is_answered = True  # another mail client answered it
    left = _needs_reply(store)
    assert not {first, second, third, fourth} & set(left)
    # The snooze ends: it waits for an answer again.
    assert third in _needs_reply(store, T + 3601)
    # A month later, nothing of today waits any more.
    assert not set(left) & set(_needs_reply(store, T + (NEEDS_REPLY_DAYS + 1) * 86_400))


def test_snoozed_view_and_the_inbox_follow_the_clock(store: Store) -> None:
    with store.read() as s:
        target = view_ids(s, View(ViewKind.INBOX), now=T)[0]
    wake = T + 2 * 3600
    mail_service.act(store, [target], Action(ActionKind.SNOOZE, when=wake), clock=lambda: NOW)
    with store.read() as s:
        assert view_ids(s, View(ViewKind.SNOOZED), now=T) == [target]
        assert target not in view_ids(s, View(ViewKind.INBOX), now=T)
        (row,) = rows_for(s, [target], now=T)
        assert row.snoozed_until is not None and int(row.snoozed_until.timestamp()) == wake
        assert view_ids(s, View(ViewKind.SNOOZED), now=wake) == []
        assert target in view_ids(s, View(ViewKind.INBOX), now=wake)
        assert rows_for(s, [target], now=wake)[0].snoozed_until is None


def test_follow_up_if_no_reply_shows_once_due(store: Store) -> None:
    with store.read() as s:
        target = view_ids(s, View(ViewKind.INBOX), now=T)[0]
    due = T + 86_400
    action = Action(ActionKind.FOLLOWUP, when=due, if_no_reply=True)
    mail_service.act(store, [target], action, clock=lambda: NOW)
    with store.read() as s:
        assert view_ids(s, View(ViewKind.FOLLOWUP), now=T) == []
        assert view_ids(s, View(ViewKind.FOLLOWUP), now=due + 60) == [target]
        assert counts(s, due + 60).views[ViewKind.FOLLOWUP] == 1


def _before(mid: int, **kw: object) -> Before:
    values: dict[str, object] = dict(
        account="Work",
        folder="INBOX",
        folder_role="inbox",
        is_seen=True,
        is_flagged=False,
        state=TriageState(),
    )
    values.update(kw)
    return Before(mid, **values)  # type: ignore[arg-type]


def test_undo_puts_each_message_back_as_it_was() -> None:
    flag = undo_steps(Action(ActionKind.FLAG), [_before(1), _before(2, is_flagged=True)], T)
    assert dict((a.kind, ids) for ids, a in flag) == {
        ActionKind.UNFLAG: (1,),
        ActionKind.FLAG: (2,),
    }
    archive = undo_steps(
        Action(ActionKind.ARCHIVE), [_before(1), _before(2, folder="Projects", folder_role="")], T
    )
    assert {(ids, a.folder) for ids, a in archive} == {((1,), "INBOX"), ((2,), "Projects")}
    resnoozed = undo_steps(
        Action(ActionKind.SNOOZE, when=T + 99_999),
        [_before(1), _before(2, state=TriageState(snoozed_until=T + 600))],
        T,
    )
    assert {(ids, a.kind, a.when) for ids, a in resnoozed} == {
        ((1,), ActionKind.UNSNOOZE, None),
        ((2,), ActionKind.SNOOZE, T + 600),
    }
    # Deleting from the trash is for good: nothing to undo.
    gone = [_before(1, folder="Trash", folder_role="trash")]
    assert undo_steps(Action(ActionKind.DELETE), gone, T) == ()
