"""Invitations: read from mail, upserted by (uid, recurrence-id), expanded when read."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers.invitations import calendar, invitation_mail, vevent
from unibox.core.items import FolderRole, IncomingMessage, RemoteFolder
from unibox.core.mime import parse_message
from unibox.store import accounts, folders
from unibox.store.event_backfill import backfill_invitations, pending_invitations, pending_query
from unibox.store.events import message_invitation, upcoming_meetings
from unibox.store.ingest import Ingestor
from unibox.store.schema import Handle
from unibox.store.schema_events import Event, EventMessage
from unibox.store.store import Store

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BEFORE = int((START - timedelta(days=3)).timestamp())
ME = "mira@castell-studio.example"
ZOE = "zoe.mueller@brightwave.example"

BERLIN = "\r\n".join(
    [
        "BEGIN:VTIMEZONE",
        "TZID:W. Europe Standard Time",
        "BEGIN:STANDARD",
        "DTSTART:16010101T030000",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010101T020000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]
)


def _mail(uid: str = "call-1@brightwave.example", **kw: object) -> bytes:
    method = str(kw.pop("method", "REQUEST"))
    message_id = str(kw.pop("message_id", f"{uid}-{method}"))
    ics = calendar(vevent(uid, START, START + timedelta(minutes=45), **kw), method=method)  # type: ignore[arg-type]
    return invitation_mail(ics, message_id=message_id, method=method)


def _store(tmp_path: Path) -> tuple[Store, Ingestor]:
    store = Store(tmp_path / "db.sqlite3")
    with store.write() as s:
        account = accounts.add_account(
            s,
            name="Work",
            kind="imap",
            email=ME,
            display_name="Mira",
            settings=accounts.MailSettings(
                imap=accounts.MailServer("127.0.0.1", 143, "plain"), smtp=None, username=ME
            ),
            secret_ref="",
        )
        (inbox,) = folders.upsert_folders(
            s, account.id, [RemoteFolder("INBOX", "/", FolderRole.INBOX)]
        )
    return store, Ingestor(account.id, inbox.id, [ME])


def _deliver(store: Store, ingestor: Ingestor, uid: int, raw: bytes) -> int:
    item = IncomingMessage(uid, (), len(raw), None, parse_message(raw), raw)
    with store.write() as s:
        changes = ingestor.ingest(s, [item])
    return next(iter(changes.messages_added))


def _handles(store: Store, email: str) -> list[int]:
    with store.read() as s:
        person = s.query(Handle.person_id).filter(Handle.value == email).scalar()
        return [h for (h,) in s.query(Handle.id).filter(Handle.person_id == person)]


def _upcoming(store: Store, email: str = ZOE, now: int = BEFORE, **kw: object) -> list:
    with store.read() as s:
        return upcoming_meetings(s, handle_ids=_handles(store, email), now=now, **kw)  # type: ignore[arg-type]


def test_a_request_is_read_with_its_people() -> None:
    invitation = parse_message(_mail()).invitation
    assert invitation is not None and invitation.method == "request"
    (event,) = invitation.events
    assert event.summary == "Brightwave review call"
    assert event.starts_at == int(START.timestamp())
    assert event.ends_at - event.starts_at == 45 * 60
    assert event.organizer is not None and event.organizer.name == "Zoë Müller"
    assert [a.address.email for a in event.attendees] == [ZOE, ME]
    assert event.attendees[0].organizer


def test_times_with_a_windows_tzid_are_read_in_that_zone() -> None:
    times = (
        "DTSTART;TZID=W. Europe Standard Time:20260715T100000\r\n"
        "DTEND;TZID=W. Europe Standard Time:20260715T110000"
    )
    ics = calendar(vevent("tz-1", START, START, times=times), timezone=BERLIN)
    (event,) = parse_message(invitation_mail(ics)).invitation.events  # type: ignore[union-attr]
    # 10:00 in Berlin in July is 08:00 UTC (summer time).
    assert event.starts_at == int(datetime(2026, 7, 15, 8, 0, tzinfo=UTC).timestamp())
    assert event.timezone == "Europe/Berlin"


def test_all_day_events_cover_their_days() -> None:
    times = "DTSTART;VALUE=DATE:20261124\r\nDTEND;VALUE=DATE:20261126"
    ics = calendar(vevent("offsite", START, START, summary="Offsite", times=times))
    (event,) = parse_message(invitation_mail(ics)).invitation.events  # type: ignore[union-attr]
    assert event.all_day
    assert event.starts_at == int(datetime(2026, 11, 24, tzinfo=UTC).timestamp())
    assert event.ends_at - event.starts_at == 2 * 86400


def test_a_malformed_calendar_keeps_the_mail(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    raw = invitation_mail("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\nEND:VCALENDAR")
    parsed = parse_message(raw)
    assert parsed.invitation is not None and parsed.invitation.problem
    mid = _deliver(store, ingestor, 1, raw)
    with store.read() as s:
        assert s.get(EventMessage, 1).message_id == mid  # read once, nothing to keep
        assert s.query(Event).count() == 0
        assert message_invitation(s, mid, BEFORE) is None


def test_an_update_with_a_higher_sequence_replaces_and_an_older_one_does_not(
    tmp_path: Path,
) -> None:
    store, ingestor = _store(tmp_path)
    moved = START + timedelta(days=1)
    later = calendar(
        vevent("call-1", moved, moved + timedelta(hours=1), sequence=2, location="Room 4")
    )
    first = _deliver(store, ingestor, 1, invitation_mail(later, message_id="v2"))
    second = _deliver(store, ingestor, 2, _mail("call-1", sequence=1, message_id="v1"))
    (meeting,) = _upcoming(store)
    assert meeting.starts == moved and meeting.location == "Room 4"
    with store.read() as s:
        old = message_invitation(s, second, BEFORE)
        new = message_invitation(s, first, BEFORE)
    assert old is not None and old.outdated and old.meeting.starts == moved
    assert new is not None and not new.outdated


def test_a_cancel_marks_it_cancelled_and_it_leaves_the_panel(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    _deliver(store, ingestor, 1, _mail())
    assert len(_upcoming(store)) == 1
    cancel = _deliver(store, ingestor, 2, _mail(method="CANCEL", sequence=1))
    assert _upcoming(store) == []
    (meeting,) = _upcoming(store, cancelled=True)
    assert meeting.status == "cancelled" and meeting.summary == "Brightwave review call"
    with store.read() as s:
        card = message_invitation(s, cancel, BEFORE)
    assert card is not None and card.method == "cancel" and card.meeting.status == "cancelled"


def test_a_cancel_seen_before_its_request_still_wins(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)  # a first sync reads newest first
    _deliver(store, ingestor, 2, _mail(method="CANCEL", sequence=1))
    _deliver(store, ingestor, 1, _mail())
    assert _upcoming(store) == []


def test_a_reply_records_the_answer(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    _deliver(store, ingestor, 1, _mail())
    event = vevent(
        "call-1@brightwave.example",
        START,
        START + timedelta(minutes=45),
        attendees=(("Mira Castell", ME),),
    ).replace("PARTSTAT=NEEDS-ACTION", "PARTSTAT=ACCEPTED")
    reply = invitation_mail(
        calendar(event, method="REPLY"),
        sender=("Mira Castell", ME),
        to=ZOE,
        message_id="reply-1",
        method="REPLY",
    )
    answered = _deliver(store, ingestor, 2, reply)
    with store.read() as s:
        from unibox.store.schema_events import EventAttendee

        answers = {a.handle_id: a.partstat for a in s.query(EventAttendee)}
        card = message_invitation(s, answered, BEFORE)
    assert answers[_handles(store, ME)[0]] == "accepted"
    assert card is not None and card.method == "reply"
    assert (card.answer, card.answered_by) == ("accepted", "Mira Castell")
    assert len(_upcoming(store)) == 1  # a reply changes who comes, not the meeting


def test_meetings_with_a_person_are_theirs_from_now_on_soonest_first(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    for n, days in enumerate((5, -10, 2, 9, 1)):
        when = START + timedelta(days=days)
        ics = calendar(vevent(f"m{n}", when, when + timedelta(hours=1), summary=f"M{days}"))
        _deliver(store, ingestor, n + 1, invitation_mail(ics, message_id=f"m{n}"))
    other = calendar(
        vevent("x", START, START, summary="Not with Zoë", organizer=("Ann", "ann@example.org"))
    )
    _deliver(store, ingestor, 9, invitation_mail(other, message_id="x"))
    now = int(START.timestamp())
    assert [m.summary for m in _upcoming(store, now=now)] == ["M1", "M2", "M5"]
    assert [m.summary for m in _upcoming(store, email=ME, now=now, limit=10)] == [
        "Not with Zoë",
        "M1",
        "M2",
        "M5",
        "M9",
    ]


def test_a_weekly_series_shows_its_next_occurrences_at_local_time_across_dst(
    tmp_path: Path,
) -> None:
    store, ingestor = _store(tmp_path)
    times = "DTSTART;TZID=Europe/Berlin:20261019T100000\r\nDTEND;TZID=Europe/Berlin:20261019T103000"
    extra = "RRULE:FREQ=WEEKLY;COUNT=6\r\nEXDATE;TZID=Europe/Berlin:20261102T100000"
    ics = calendar(vevent("weekly", START, START, summary="Standup", times=times, extra=extra))
    _deliver(store, ingestor, 1, invitation_mail(ics))
    now = int(datetime(2026, 10, 20, tzinfo=UTC).timestamp())
    meetings = _upcoming(store, now=now, limit=5)
    # 26 Oct is after the change to winter time: still 10:00 in Berlin (09:00 UTC).
    assert [m.starts.strftime("%d %H:%M") for m in meetings] == [
        "26 09:00",
        "09 09:00",
        "16 09:00",
        "23 09:00",
    ]
    after_the_series = int(datetime(2026, 12, 1, tzinfo=UTC).timestamp())
    assert _upcoming(store, now=after_the_series) == []


def test_one_moved_occurrence_replaces_its_slot_in_the_series(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    series = vevent(
        "s", START, START + timedelta(hours=1), summary="Sync", extra="RRULE:FREQ=DAILY;COUNT=3"
    )
    _deliver(store, ingestor, 1, invitation_mail(calendar(series), message_id="s"))
    moved_from = START + timedelta(days=1)
    moved_to = moved_from + timedelta(hours=5)
    instance = vevent(
        "s",
        moved_to,
        moved_to + timedelta(hours=1),
        summary="Sync (moved)",
        sequence=1,
        extra=f"RECURRENCE-ID:{moved_from.strftime('%Y%m%dT%H%M%SZ')}",
    )
    _deliver(store, ingestor, 2, invitation_mail(calendar(instance), message_id="s1"))
    meetings = _upcoming(store, limit=5)
    assert [(m.summary, m.starts.hour) for m in meetings] == [
        ("Sync", 9),
        ("Sync (moved)", 14),
        ("Sync", 9),
    ]


def test_the_backfill_reads_stored_invitations_once(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    raw = _mail()
    # Mail stored before events existed: its invitation was not read at ingest.
    item = IncomingMessage(1, (), len(raw), None, parse_message(raw), raw)
    item = dataclasses.replace(item, parsed=dataclasses.replace(item.parsed, invitation=None))
    with store.write() as s:
        ingestor.ingest(s, [item])
    assert _upcoming(store) == []
    assert len(pending_invitations(store)) == 1
    changes = backfill_invitations(store)
    assert changes.people
    assert [m.summary for m in _upcoming(store)] == ["Brightwave review call"]
    assert pending_invitations(store) == []
    assert not backfill_invitations(store).people  # nothing read twice


@pytest.mark.parametrize("junk", [b"", b"\x00\xff" * 50, b"BEGIN:VCALENDAR\r\nEND:VEVENT\r\n"])
def test_garbage_in_a_calendar_part_never_raises(junk: bytes) -> None:
    raw = invitation_mail(junk.decode("latin-1"))
    parsed = parse_message(raw)
    assert parsed.invitation is not None and parsed.invitation.events == ()
    assert parsed.text.startswith("You have been invited")


def test_a_failure_recording_events_never_costs_the_mail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unibox.store import event_ingest

    def broken(*_args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(event_ingest, "record_invitations", broken)
    store, ingestor = _store(tmp_path)
    mid = _deliver(store, ingestor, 1, _mail())
    with store.read() as s:
        from unibox.store.schema import Message

        assert s.get(Message, mid) is not None
        assert s.query(Event).count() == 0


def test_the_backfill_finds_invitations_through_the_partial_index(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    sql = str(pending_query().compile(store.engine))
    with store.engine.connect() as conn:
        plan = " ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    # Not a scan of every attachment: only the calendars, a few rows at any size.
    assert "ix_attachment_calendar" in plan


def test_removing_the_account_forgets_the_meetings_only_its_mail_knew(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    _deliver(store, ingestor, 1, _mail())
    assert len(_upcoming(store)) == 1
    with store.write() as s:
        accounts.remove_account(s, "Work")
    with store.read() as s:
        assert s.query(Event).count() == 0
        assert upcoming_meetings(s, now=BEFORE) == []
