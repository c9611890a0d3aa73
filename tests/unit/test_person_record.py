"""The person record and timeline, as the person page and `unibox person show` use them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.helpers.items import new_store
from tests.helpers.people import ME, Mailbox, at
from unibox.core.items import Address
from unibox.store.intent import intent_write
from unibox.store.person_edit import add_task, log_touch_point, set_task_done
from unibox.store.persons import person_record
from unibox.store.store import Store
from unibox.store.timeline import TimelineCursor, timeline

ANN = Address("ann@example.org", "Ann Example")
BOB = Address("bob@example.org", "Bob Other")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return new_store(tmp_path)


@pytest.fixture
def box(store: Store) -> Mailbox:
    return Mailbox(store)


def test_pending_done_and_numbers(store: Store, box: Mailbox) -> None:
    q = box.hear(ANN, "Quote?", 0)
    box.say(ANN, "Re: Quote?", 2, reply_to=q)  # I answer in 2 h
    r = box.hear(ANN, "Re: Quote?", 6, reply_to=q)  # she answers in 4 h
    box.say(ANN, "Re: Quote?", 14, reply_to=r)  # I answer in 8 h: median 5 h
    box.hear(ANN, "Lunch next week?", 20)  # waits for me
    box.say(ANN, "Contract draft", 30)  # waits for her
    box.hear(BOB, "Unrelated", 31, cc=(ANN,))  # she is only copied
    ann = box.person(ANN.email)
    with intent_write(store) as s:
        log_touch_point(s, ann, "call", "Talked pricing", at=at(25), done_by="Sam")
        log_touch_point(s, ann, "meeting", "Kick-off", at=at(24 * 7))
        add_task(s, ann, "Send the signed contract", due=at(48), owner="Sam")
        done = add_task(s, ann, "Book a room")
        set_task_done(s, done)
    with store.read() as s:
        rec = person_record(s, ann, now=at(40))
    assert rec.display_name == "Ann Example"
    assert [h.value for h in rec.handles] == ["ann@example.org"]
    assert [(t.title, t.owner) for t in rec.open_tasks] == [("Send the signed contract", "Sam")]
    assert [w.subject for w in rec.awaiting_my_reply] == ["Lunch next week?"]
    # The last word is mine in both (newest first); the ball is in her court.
    assert [w.subject for w in rec.awaiting_their_reply] == ["Contract draft", "Quote?"]
    assert rec.next_meeting is not None and rec.next_meeting.text == "Kick-off"
    assert [(d.kind, d.text, d.done_by) for d in rec.done] == [("call", "Talked pricing", "Sam")]
    n = rec.numbers
    assert n.messages_from_them == 3 and n.messages_to_them == 3
    assert n.messages_by_channel == {"mail": 7}
    assert n.first_contact is not None and int(n.first_contact.timestamp()) == at(0)
    assert n.last_contact is not None and int(n.last_contact.timestamp()) == at(31)
    assert n.my_median_response_seconds == 5 * 3600
    assert n.their_median_response_seconds == 4 * 3600
    assert n.days_since_last_touch == 0


def test_a_message_answered_elsewhere_awaits_nobody(store: Store, box: Mailbox) -> None:
    box.hear(ANN, "Answered from my phone", 0, flags=("\\Answered",))
    with store.read() as s:
        rec = person_record(s, box.person(ANN.email), now=at(1))
    assert rec.awaiting_my_reply == ()


def test_old_threads_await_nobody(store: Store, box: Mailbox) -> None:
    box.hear(ANN, "Ancient", 0)
    with store.read() as s:
        rec = person_record(s, box.person(ANN.email), now=at(24 * 90))
    assert rec.awaiting_my_reply == ()
    assert rec.numbers.days_since_last_touch == 90


def test_timeline_interleaves_messages_and_notes_and_pages_without_gaps(
    store: Store, box: Mailbox
) -> None:
    for h in range(0, 40, 2):
        box.hear(ANN, f"In {h}", h)
        box.say(ANN, f"Out {h + 1}", h + 1)
    ann = box.person(ANN.email)
    with intent_write(store) as s:
        for h in (0.5, 10, 10, 39.5):  # two notes at the same second as each other
            log_touch_point(s, ann, "note", f"note {h}", at=at(h))
        log_touch_point(s, ann, "call", "same second as a message", at=at(20))
    seen = []
    cursor: TimelineCursor | None = None
    with store.read() as s:
        while True:
            page = timeline(s, ann, before=cursor, limit=7)
            seen.extend(page.entries)
            cursor = page.next_cursor
            if cursor is None:
                break
    assert len(seen) == 40 + 5
    assert len({(e.kind, e.id) for e in seen}) == len(seen)
    stamps = [e.cursor for e in seen]
    assert stamps == sorted(stamps, reverse=True)
    assert seen[0].snippet == "note 39.5"
    assert {e.direction for e in seen if e.kind == "message"} == {"in", "out"}
    assert next(e for e in seen if e.title == "In 0").by == "Ann Example"


def test_timeline_filters_by_channel(store: Store, box: Mailbox) -> None:
    box.hear(ANN, "Mail", 0)
    ann = box.person(ANN.email)
    with intent_write(store) as s:
        log_touch_point(s, ann, "call", "Phoned", at=at(1))
    with store.read() as s:
        calls = timeline(s, ann, channels=frozenset({"call"})).entries
        mail = timeline(s, ann, channels=frozenset({"mail"})).entries
    assert [e.snippet for e in calls] == ["Phoned"]
    assert [e.title for e in mail] == ["Mail"]


def test_the_head_reads_a_few_suggestions_and_counts_the_rest(store: Store, box: Mailbox) -> None:
    from unibox.store.merge_suggestions import SAME_NAME, suggest
    from unibox.store.persons import person_head

    box.hear(ANN, "Hi", 0)
    others = [Address(f"ann{n}@example.net", "Ann Archer") for n in range(7)]
    for n, other in enumerate(others):
        box.hear(other, "Hello", n + 1)
    ann = box.person(ANN.email)
    with intent_write(store) as s:
        for other in others:
            suggest(s, ann, box.person(other.email), SAME_NAME, "Same name.")
    with store.read() as s:
        head = person_head(s, ann, suggestion_limit=3)
        whole = person_record(s, ann)
    assert len(head.suggestions) == 3 and head.suggestion_count == 7
    assert head.suggestions == whole.suggestions[:3]
    assert len(whole.suggestions) == whole.suggestion_count == 7


def test_the_users_own_record_is_marked(store: Store, box: Mailbox) -> None:
    box.hear(ANN, "Hi", 0)
    with store.read() as s:
        me = person_record(s, box.person(ME.email))
    assert me.is_me


def test_a_person_with_20000_messages_pages_without_sorting_them_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import event

    from tests.helpers.people_bulk import HEAVY, fill
    from unibox.store import timeline as timeline_module

    store = new_store(tmp_path / "big")
    box = fill(store, messages=21000, people=50, heavy_share=0.97)
    heavy = box.person(HEAVY.email)
    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, sql, params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if "message.snippet" in sql:
            statements.append((sql, params))

    def plan(sql: str, params: object) -> str:
        with store.engine.connect() as conn:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)  # type: ignore[arg-type]
            return " | ".join(row[-1] for row in rows)

    def pages(person: int, n: int) -> list[int]:
        seen: list[int] = []
        with store.read() as s:
            page = timeline(s, person, limit=50)
            for _ in range(n):
                seen += [e.id for e in page.entries]
                if page.next_cursor is None:
                    break
                page = timeline(s, person, before=page.next_cursor, limit=50)
        return seen

    event.listen(store.engine, "before_cursor_execute", capture)
    with store.read() as s:
        first = timeline(s, heavy, limit=50)
        cursor = first.next_cursor
        for _ in range(20):
            assert cursor is not None
            cursor = timeline(s, heavy, before=cursor, limit=50).next_cursor
        assert cursor is not None
        deep = timeline(s, heavy, before=cursor, limit=50)
        assert len(deep.entries) == 50
        assert deep.entries[0].at < first.entries[-1].at
        record = person_record(s, heavy)
    heavy_sql = statements[-1]
    ordinary = box.person("p7@example7.org")
    with store.read() as s:
        assert timeline(s, ordinary, limit=50).entries
    ordinary_sql = statements[-1]
    event.remove(store.engine, "before_cursor_execute", capture)
    assert record.numbers.messages_by_channel["mail"] > 20000
    # The heavy person's page walks messages newest first and stops after a page.
    walked = plan(*heavy_sql)
    assert "ix_message_sent" in walked, walked
    assert "TEMP B-TREE" not in walked, walked
    assert "ix_participant_handle" not in walked, walked
    # An ordinary person's few messages come from the participant index.
    found = plan(*ordinary_sql)
    assert "ix_participant_handle" in found, found
    assert "SCAN message" not in found, found
    # The numbers summed up in SQL are what walking every turn in Python gives.
    with store.read() as s:
        expected = _walked(s, heavy)
    n = record.numbers
    assert (n.messages_from_them, n.messages_to_them) == expected[:2]
    assert n.my_median_response_seconds == expected[2]
    assert n.their_median_response_seconds == expected[3]
    # Both ways give the same pages.
    walked_ids = pages(heavy, 25)
    monkeypatch.setattr(timeline_module, "_dense", lambda *_a: False)
    assert pages(heavy, 25) == walked_ids
    assert len(walked_ids) == len(set(walked_ids)) == 25 * 50


def _walked(s: Session, person: int) -> tuple[int, int, float | None, float | None]:
    """Turns counted and reply times from core.response_times.exchange over every message."""
    from sqlalchemy import select

    from unibox.core.response_times import ME, THEM, Turn, exchange
    from unibox.store.schema import Handle, Message, Participant

    hids = set(s.scalars(select(Handle.id).where(Handle.person_id == person)))
    mine = select(Participant.message_id).where(Participant.handle_id.in_(hids))
    turns = [
        Turn(cid, at, ME if direction == "out" else THEM, mid)
        for mid, cid, at, direction, sender in s.execute(
            select(
                Message.id,
                Message.conversation_id,
                Message.sent_at,
                Message.direction,
                Message.sender_handle_id,
            ).where(Message.id.in_(mine), Message.deleted_at.is_(None))
        )
        if direction == "out" or sender in hids
    ]
    ex = exchange(turns)
    them = sum(1 for t in turns if t.by == THEM)
    return them, len(turns) - them, ex.my_median(), ex.their_median()


def test_a_reply_is_timed_from_the_first_message_it_answers() -> None:
    from unibox.core.response_times import ME, THEM, Turn, exchange

    ex = exchange(
        [
            Turn(1, 0, THEM, 1),
            Turn(1, 600, THEM, 2),  # a second nudge: still waiting since 0
            Turn(1, 3600, ME, 3),
            Turn(2, 0, ME, 4),  # another conversation, answered a day later
            Turn(2, 86400, THEM, 5),
        ]
    )
    assert ex.my_delays == [3600]
    assert ex.their_delays == [86400]
    assert {c: t.by for c, t in ex.last_turn.items()} == {1: ME, 2: THEM}
