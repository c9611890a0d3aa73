"""Triage, pending operations and the outbox in the store, as the user would notice them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.helpers.items import add_account, add_folders, item, new_store, parsed
from unibox.core.errors import UserError
from unibox.core.items import Address, FolderRole, RemoteFolder
from unibox.core.outgoing import Draft, build_message
from unibox.core.triage import TriageState
from unibox.store import folders, outbox, pending_ops
from unibox.store.actions import Action, ActionKind, apply_action, wake_snoozed
from unibox.store.ingest import Ingestor
from unibox.store.intent import intent_write
from unibox.store.schema import Message, MessageLocation
from unibox.store.store import Store
from unibox.store.triage import get_state, reconcile_from_keywords
from unibox.store.triage_views import hidden_from_inbox, needs_followup_ids

T0 = int(datetime(2024, 3, 1, 9, 0, tzinfo=UTC).timestamp())
HOUR = 3600


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return new_store(tmp_path)


def _mailbox(store: Store) -> tuple[int, dict[str, int]]:
    acc = add_account(store)
    remote = [
        RemoteFolder("INBOX", "/", FolderRole.INBOX),
        RemoteFolder("Archive", "/", FolderRole.ARCHIVE),
        RemoteFolder("Trash", "/", FolderRole.TRASH),
        RemoteFolder("Sent", "/", FolderRole.SENT),
    ]
    with store.write() as s:
        ids = {f.name: f.id for f in folders.upsert_folders(s, acc, remote)}
    return acc, ids


def _deliver(store: Store, acc: int, folder: int, uid: int, **kw: object) -> int:
    p = parsed(kw.pop("subject", f"Message {uid}"), message_id=f"m{uid}@x", **kw)  # type: ignore[arg-type]
    with store.write() as s:
        changes = Ingestor(acc, folder, ["me@example.com"]).ingest(s, [item(uid, p)])
    return next(iter(changes.messages_added))


def _act(store: Store, mid: int, action: Action, now: int = T0) -> None:
    with intent_write(store) as s:
        apply_action(s, [mid], action, now)


def _ops(store: Store, acc: int) -> list[tuple[str, tuple[str, ...]]]:
    with store.read() as s:
        return [(op.kind, op.flags) for op in pending_ops.pending_for(s, acc)]


def _place(store: Store, mid: int) -> list[tuple[int, int]]:
    with store.read() as s:
        return [
            (f, u)
            for f, u in s.execute(
                select(MessageLocation.folder_id, MessageLocation.uid).where(
                    MessageLocation.message_id == mid
                )
            )
        ]


def test_read_and_flag_apply_at_once_and_wait_for_the_server(store: Store) -> None:
    acc, f = _mailbox(store)
    mid = _deliver(store, acc, f["INBOX"], 1)
    _act(store, mid, Action(ActionKind.READ))
    _act(store, mid, Action(ActionKind.FLAG))
    with store.read() as s:
        m = s.get(Message, mid)
        assert m is not None and m.is_seen and m.is_flagged
    assert _ops(store, acc) == [("add_flags", ("\\Seen",)), ("add_flags", ("\\Flagged",))]


def test_archive_moves_locally_with_a_placeholder_then_takes_the_real_uid(store: Store) -> None:
    acc, f = _mailbox(store)
    mid = _deliver(store, acc, f["INBOX"], 7)
    _act(store, mid, Action(ActionKind.ARCHIVE))
    [(folder, uid)] = _place(store, mid)
    assert folder == f["Archive"] and uid < 0
    with store.read() as s:
        [op] = pending_ops.pending_for(s, acc)
    assert op.source is not None and (op.source.folder, op.source.uid) == ("INBOX", 7)
    assert op.target == "Archive"
    with intent_write(store) as s:
        pending_ops.finish_move(s, op.id, 42)
    assert _place(store, mid) == [(f["Archive"], 42)]
    assert _ops(store, acc) == []


def test_a_refused_move_gives_the_message_its_place_back(store: Store) -> None:
    acc, f = _mailbox(store)
    mid = _deliver(store, acc, f["INBOX"], 3)
    _act(store, mid, Action(ActionKind.ARCHIVE))
    with store.read() as s:
        [op] = pending_ops.pending_for(s, acc)
    with intent_write(store) as s:
        pending_ops.undo_move(s, op.id, "No such folder")
    assert _place(store, mid) == [(f["INBOX"], 3)]


def test_delete_goes_to_trash_first_and_only_then_for_good(store: Store) -> None:
    acc, f = _mailbox(store)
    mid = _deliver(store, acc, f["INBOX"], 5)
    _act(store, mid, Action(ActionKind.DELETE))
    assert [folder for folder, _ in _place(store, mid)] == [f["Trash"]]
    with store.read() as s:
        [op] = pending_ops.pending_for(s, acc)
    with intent_write(store) as s:
        pending_ops.finish_move(s, op.id, 9)
    _act(store, mid, Action(ActionKind.DELETE))
    assert _place(store, mid) == []
    with store.read() as s:
        m = s.get(Message, mid)
        assert m is not None and m.deleted_at is not None
    assert _ops(store, acc) == [("expunge", ())]


def test_missing_role_folder_is_a_sentence(store: Store) -> None:
    acc = add_account(store)
    f = add_folders(store, acc, "INBOX")["INBOX"]
    mid = _deliver(store, acc, f, 1)
    with pytest.raises(UserError, match="no Archive folder"):
        _act(store, mid, Action(ActionKind.ARCHIVE))
    assert _place(store, mid) == [(f, 1)]


def test_snooze_hides_until_its_time_then_wakes(store: Store) -> None:
    acc, f = _mailbox(store)
    mid = _deliver(store, acc, f["INBOX"], 1)
    _act(store, mid, Action(ActionKind.SNOOZE, when=T0 + 2 * HOUR))
    assert ("add_flags", ("$unibox-snoozed-20240301T1100Z",)) in _ops(store, acc)

    def hidden(now: int) -> bool:
        with store.read() as s:
            return bool(
                s.scalar(select(Message.id).where(Message.id == mid, hidden_from_inbox(now)))
            )

    assert hidden(T0 + HOUR)
    assert not hidden(T0 + 2 * HOUR)
    with intent_write(store) as s:
        assert not wake_snoozed(s, acc, T0 + HOUR)
    with intent_write(store) as s:
        assert mid in wake_snoozed(s, acc, T0 + 2 * HOUR).messages_changed
    with store.read() as s:
        assert get_state(s, mid) == TriageState()
    assert _ops(store, acc)[-1] == ("remove_flags", ("$unibox-snoozed-20240301T1100Z",))


def test_snooze_in_the_past_is_refused(store: Store) -> None:
    acc, f = _mailbox(store)
    mid = _deliver(store, acc, f["INBOX"], 1)
    with pytest.raises(UserError, match="future"):
        _act(store, mid, Action(ActionKind.SNOOZE, when=T0 - 60))


def test_follow_up_if_no_reply_surfaces_only_without_a_reply(store: Store) -> None:
    acc, f = _mailbox(store)
    me = (Address("me@example.com", "Me"),)
    ann = (Address("ann@example.org", "Ann"),)
    asked = _deliver(store, acc, f["Sent"], 1, subject="Proposal", from_=me, to=ann)
    other = _deliver(store, acc, f["Sent"], 2, subject="Offer", from_=me, to=ann)
    _act(store, asked, Action(ActionKind.FOLLOWUP, when=T0 + HOUR, if_no_reply=True))
    _act(store, other, Action(ActionKind.FOLLOWUP, when=T0 + HOUR, if_no_reply=True))
    with store.read() as s:
        assert needs_followup_ids(s, T0) == []
        assert needs_followup_ids(s, T0 + HOUR) == [asked, other]
    # Ann answers the offer: that follow-up is no longer needed.
    p = parsed(
        "Re: Offer",
        message_id="r@x",
        in_reply_to="m2@x",
        references=("m2@x",),
        from_=ann,
        to=me,
        day=1,
    )
    with store.write() as s:
        Ingestor(acc, f["INBOX"], ["me@example.com"]).ingest(s, [item(10, p)])
    with store.read() as s:
        assert needs_followup_ids(s, T0 + HOUR) == [asked]


def test_triage_set_by_another_unibox_comes_back_and_its_clearing_too(store: Store) -> None:
    acc, f = _mailbox(store)
    mid = _deliver(store, acc, f["INBOX"], 1)
    with store.write() as s:
        s.get(Message, mid).keywords = "$unibox-done $unibox-snoozed-20240301T1100Z"  # type: ignore[union-attr]
        reconcile_from_keywords(s, [mid], T0)
    with store.read() as s:
        assert get_state(s, mid) == TriageState(done=True, snoozed_until=T0 + 2 * HOUR)
    with store.write() as s:
        s.get(Message, mid).keywords = ""  # type: ignore[union-attr]
        reconcile_from_keywords(s, [mid], T0)
    with store.read() as s:
        assert get_state(s, mid) == TriageState()


def test_local_triage_not_yet_pushed_survives_a_sync(store: Store) -> None:
    acc, f = _mailbox(store)
    mid = _deliver(store, acc, f["INBOX"], 1)
    _act(store, mid, Action(ActionKind.DONE))
    with store.write() as s:
        reconcile_from_keywords(s, [mid], T0)  # the server has no keyword yet
    with store.read() as s:
        assert get_state(s, mid).done


def _built(subject: str = "Hi") -> object:
    draft = Draft(
        from_=Address("me@example.com"), to=(Address("ann@example.org"),), subject=subject
    )
    return build_message(draft, message_id=f"{subject}.1@example.com", date=datetime.now(UTC))


def test_outbox_claims_once_and_undo_works_only_while_waiting(store: Store) -> None:
    acc = add_account(store)
    with intent_write(store) as s:
        first = outbox.enqueue(
            s,
            account_id=acc,
            built=_built("One"),
            subject="One",  # type: ignore[arg-type]
            send_at=T0 + 10,
            now=T0,
        )
        second = outbox.enqueue(
            s,
            account_id=acc,
            built=_built("Two"),
            subject="Two",  # type: ignore[arg-type]
            send_at=T0 + 10,
            now=T0,
        )
    with store.read() as s:
        assert outbox.due_items(s, acc, T0) == []
        assert [i.id for i in outbox.due_items(s, acc, T0 + 10)] == [first, second]
        assert outbox.next_due(s, acc) == T0 + 10
    with intent_write(store) as s:
        assert outbox.claim(s, first, T0 + 10)
        assert not outbox.claim(s, first, T0 + 11)  # someone is sending it
        outbox.cancel(s, second)
    with intent_write(store) as s, pytest.raises(UserError, match="can no longer be undone"):
        outbox.cancel(s, first)
    with store.read() as s:
        states = {i.id: i.state for i in outbox.list_items(s, include_finished=True)}
    assert states == {first: "sending", second: "cancelled"}
    # A process that died while sending: after the lease, the row is due again.
    with store.read() as s:
        assert outbox.due_items(s, acc, T0 + 12) == []
        late = T0 + 10 + outbox.SENDING_LEASE_SECONDS
        assert [i.state for i in outbox.due_items(s, acc, late)] == ["sending"]


def test_a_snoozed_message_archived_meanwhile_comes_back_to_the_inbox(store: Store) -> None:
    acc, f = _mailbox(store)
    mid = _deliver(store, acc, f["INBOX"], 4)
    _act(store, mid, Action(ActionKind.SNOOZE, when=T0 + HOUR))
    _act(store, mid, Action(ActionKind.ARCHIVE))
    with store.read() as s:
        [op] = [o for o in pending_ops.pending_for(s, acc) if o.kind == "move"]
    with intent_write(store) as s:
        pending_ops.finish_move(s, op.id, 11)
    with intent_write(store) as s:
        wake_snoozed(s, acc, T0 + HOUR)
    [(folder, uid)] = _place(store, mid)
    assert folder == f["INBOX"] and uid < 0
    with store.read() as s:
        [back] = [o for o in pending_ops.pending_for(s, acc) if o.kind == "move"]
    assert back.source is not None and (back.source.folder, back.source.uid) == ("Archive", 11)
    assert back.target == "INBOX"


def test_a_flag_change_queued_before_a_move_goes_to_where_the_message_still_is(
    store: Store,
) -> None:
    acc, f = _mailbox(store)
    mid = _deliver(store, acc, f["INBOX"], 8)
    _act(store, mid, Action(ActionKind.READ))
    _act(store, mid, Action(ActionKind.ARCHIVE))
    with store.read() as s:
        places = pending_ops.places_now(s, mid)
    assert [(p.folder, p.uid) for p in places] == [("INBOX", 8)]
