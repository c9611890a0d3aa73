"""CalDAV both ways against a real Radicale: what either side makes, edits, moves and
deletes reaches the other; a re-sync adds nothing; a 412 loses neither side."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.helpers.caldav import CalDavUser, caldav_user, stamp, vcalendar, vevent
from tests.helpers.radicale import Radicale
from unibox.channels.caldav import CalDavClient, DavAccount
from unibox.store import calendar_sync
from unibox.store.events import upcoming_meetings

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]
BERLIN = ZoneInfo("Europe/Berlin")

KICKOFF = vevent(
    "kickoff@other",
    ":20261210T100000Z",
    ":20261210T110000Z",
    "Kickoff",
    "DESCRIPTION:Bring the slides",
    "X-OTHER-APP-COLOUR:teal",
    "BEGIN:VALARM",
    "ACTION:DISPLAY",
    "TRIGGER:-PT15M",
    "DESCRIPTION:Kickoff",
    "END:VALARM",
)
STANDUP = vevent(
    "standup@other",
    ";TZID=Europe/Berlin:20270301T090000",
    ";TZID=Europe/Berlin:20270301T091500",
    "Standup",
    "RRULE:FREQ=WEEKLY;COUNT=6",
) + vevent(  # the third one moved to 11:00
    "standup@other",
    ";TZID=Europe/Berlin:20270315T110000",
    ";TZID=Europe/Berlin:20270315T111500",
    "Standup (late)",
    "RECURRENCE-ID;TZID=Europe/Berlin:20270315T090000",
)


def _server_events(u: CalDavUser) -> CalDavUser:
    u.put(u.path("work", "kickoff.ics"), vcalendar(KICKOFF))
    u.put(u.path("work", "standup.ics"), vcalendar(STANDUP))
    return u


@pytest.fixture
def u(radicale_server: Radicale, tmp_path: Path) -> CalDavUser:
    return caldav_user(radicale_server, tmp_path)


def test_the_calendars_are_found_from_the_server_root(
    radicale_server: Radicale, tmp_path: Path
) -> None:
    u = caldav_user(radicale_server, tmp_path, "work", "home")
    radicale_server.make_calendar(u.user, "pw", "tasks", components="VTODO")
    client = CalDavClient(DavAccount(radicale_server.url, u.user, "pw"))
    assert sorted(c.display_name for c in client.discover()) == ["home", "work"]  # no tasks
    assert [r.calendar for r in u.sync_accounts()[0].reports] == ["Work/home", "Work/work"]


def test_both_directions_and_a_resync_adds_nothing(u: CalDavUser) -> None:
    _server_events(u)
    u.make_here("Work", "lunch@here", "Lunch", stamp("20261211T120000Z"))
    report = u.sync()["Work"]
    assert (report.fetched, report.added_here, report.created_there) == (2, 2, 1)
    assert u.summaries("Work") == ["Kickoff", "Lunch", "Standup", "Standup (late)"]
    [lunch] = [h for h in u.hrefs("work") if "lunch" in h]
    assert "SUMMARY:Lunch" in (u.get(lunch) or "")
    # The weekly 09:00 Berlin meeting stays at 09:00 across the change to summer time.
    with u.store.read() as s:
        meetings = upcoming_meetings(s, now=stamp("20270201T000000Z"), limit=10)
    local = [(m.summary, m.starts.astimezone(BERLIN).strftime("%m-%d %H:%M")) for m in meetings]
    assert local == [
        ("Standup", "03-01 09:00"),
        ("Standup", "03-08 09:00"),
        ("Standup (late)", "03-15 11:00"),
        ("Standup", "03-22 09:00"),
        ("Standup", "03-29 09:00"),  # summer time since the 28th
        ("Standup", "04-05 09:00"),
    ]
    before = [(e.uid, e.recurrence_id, e.etag) for e in u.rows()]
    again = u.sync()["Work"]
    assert (again.fetched, again.added_here, again.created_there, again.updated_there) == (0,) * 4
    assert [(e.uid, e.recurrence_id, e.etag) for e in u.rows()] == before
    assert len(u.hrefs("work")) == 3
    with u.store.read() as s:  # from now on only what changed is listed (sync-collection)
        assert calendar_sync.marks(s, u.calendar("Work").id).sync_token.startswith("http")


def test_edits_moves_and_deletes_arrive_both_ways(u: CalDavUser) -> None:
    _server_events(u)
    u.make_here("Work", "lunch@here", "Lunch", stamp("20261211T120000Z"))
    u.sync()
    # There: the standup series is renamed, the kickoff deleted.
    u.put(u.path("work", "standup.ics"), vcalendar(STANDUP.replace("Standup", "Daily")))
    assert u.delete(u.path("work", "kickoff.ics"))
    # Here: lunch moved an hour later and renamed.
    u.edit_here(
        "lunch@here",
        summary="Long lunch",
        starts_at=stamp("20261211T130000Z"),
        ends_at=stamp("20261211T143000Z"),
    )
    report = u.sync()["Work"]
    assert (report.updated_here, report.deleted_here, report.updated_there) == (1, 1, 1)
    assert u.summaries("Work") == ["Daily", "Daily (late)", "Long lunch"]
    [lunch] = [h for h in u.hrefs("work") if "lunch" in h]
    text = u.get(lunch) or ""
    assert "SUMMARY:Long lunch" in text and "DTSTART:20261211T130000Z" in text
    # Here: the series deleted; there: lunch moved again.
    u.edit_here("standup@other", local_state="deleted")
    etag = next(e.etag for e in u.rows() if e.uid == "lunch@here")
    moved = text.replace("20261211T130000Z", "20261212T090000Z").replace("Long lunch", "Breakfast")
    u.put(lunch, moved, etag)
    report = u.sync()["Work"]
    assert (report.deleted_there, report.updated_here) == (1, 1)
    assert u.hrefs("work") == [lunch]
    assert u.summaries() == ["Breakfast"]
    [row] = u.rows()
    assert row.starts_at == stamp("20261212T090000Z")


def test_an_edit_here_keeps_what_unibox_does_not_read(u: CalDavUser) -> None:
    _server_events(u)
    u.sync()
    u.edit_here("kickoff@other", summary="Kickoff with Acme")
    assert u.sync()["Work"].updated_there == 1
    text = u.get(u.path("work", "kickoff.ics")) or ""
    assert "SUMMARY:Kickoff with Acme" in text
    for kept in ("DESCRIPTION:Bring the slides", "X-OTHER-APP-COLOUR:teal", "BEGIN:VALARM"):
        assert kept in text


def test_an_event_moved_between_calendars_on_the_server_is_one_event_here(
    radicale_server: Radicale, tmp_path: Path
) -> None:
    u = caldav_user(radicale_server, tmp_path, "work", "home")
    u.put(u.path("work", "kickoff.ics"), vcalendar(KICKOFF))
    u.sync()
    assert u.summaries("Work/work") == ["Kickoff"]
    u.put(u.path("home", "kickoff.ics"), vcalendar(KICKOFF))
    assert u.delete(u.path("work", "kickoff.ics"))
    u.sync()
    assert (u.summaries("Work/work"), u.summaries("Work/home")) == ([], ["Kickoff"])
    # And moved here: it leaves the other calendar on the server.
    u.edit_here("kickoff@other", calendar_id=u.calendar("Work/work").id, local_state="new")
    report = u.sync()["Work/work"]
    assert report.created_there == 1
    assert u.hrefs("home") == [] and len(u.hrefs("work")) == 1
    assert (u.summaries("Work/work"), u.summaries("Work/home")) == (["Kickoff"], [])
    u.sync()  # and again: nothing comes back
    assert (u.summaries("Work/work"), u.summaries("Work/home")) == (["Kickoff"], [])


def _behind(u: CalDavUser, calendar: str) -> None:
    """Make the next sync skip its pull, so its PUT or DELETE meets the server's change."""
    cal = u.calendar(calendar)
    client = CalDavClient(DavAccount(cal.url, u.user, "pw"))
    state = client.state(cal.url, with_token=True)
    with u.store.write() as s:
        calendar_sync.set_marks(s, cal.id, state.sync_token, state.ctag)


def test_a_412_keeps_the_servers_change_and_ours_as_a_copy(u: CalDavUser) -> None:
    _server_events(u)
    u.sync()
    etag = next(e.etag for e in u.rows() if e.uid == "kickoff@other")
    u.put(
        u.path("work", "kickoff.ics"),
        vcalendar(KICKOFF.replace("Kickoff", "Kickoff (room 2)")),
        etag,
    )
    u.edit_here("kickoff@other", summary="Kickoff at Acme")
    _behind(u, "Work")
    report = u.sync()["Work"]
    assert report.conflicts and "conflict copy" in report.conflicts[0]
    assert u.summaries("Work") == [
        "Kickoff (room 2)",
        "Kickoff at Acme (conflict copy)",
        "Standup",
        "Standup (late)",
    ]
    texts = [u.get(h) or "" for h in u.hrefs("work")]
    assert any("SUMMARY:Kickoff (room 2)" in t for t in texts)
    copy = next(t for t in texts if "conflict copy" in t)
    assert "DESCRIPTION:Bring the slides" in copy  # the copy is the whole event
    assert u.sync()["Work"].conflicts == []


def test_changed_on_both_sides_found_by_the_pull_also_keeps_both(u: CalDavUser) -> None:
    _server_events(u)
    u.sync()
    etag = next(e.etag for e in u.rows() if e.uid == "kickoff@other")
    u.put(
        u.path("work", "kickoff.ics"), vcalendar(KICKOFF.replace("Kickoff", "Kickoff moved")), etag
    )
    u.edit_here("kickoff@other", summary="Kickoff at Acme")
    report = u.sync()["Work"]
    assert len(report.conflicts) == 1
    assert "Kickoff at Acme (conflict copy)" in u.summaries("Work")
    assert "Kickoff moved" in u.summaries("Work")


def test_deleted_here_but_changed_there_keeps_the_change(u: CalDavUser) -> None:
    _server_events(u)
    u.sync()
    etag = next(e.etag for e in u.rows() if e.uid == "kickoff@other")
    u.put(
        u.path("work", "kickoff.ics"),
        vcalendar(KICKOFF.replace("Kickoff", "Kickoff in the new room")),
        etag,
    )
    u.edit_here("kickoff@other", local_state="deleted")
    _behind(u, "Work")
    report = u.sync()["Work"]
    assert "server's version is kept" in report.conflicts[0]
    assert "Kickoff in the new room" in u.summaries("Work")
    assert u.get(u.path("work", "kickoff.ics")) is not None


def test_an_invitation_from_mail_and_its_calendar_copy_are_one_event(u: CalDavUser) -> None:
    from unibox.core.ics import read_ics
    from unibox.store.event_files import import_events

    mail = read_ics(vcalendar(KICKOFF.replace("Kickoff", "Kickoff (invitation)")).encode())
    import_events(u.store, mail.events)  # as an invitation would: in no calendar
    assert [e.calendar_id for e in u.rows()] == [None]
    _server_events(u)
    u.sync()
    kickoff = [e for e in u.rows() if e.uid == "kickoff@other"]
    assert [(e.summary, e.calendar_id) for e in kickoff] == [("Kickoff", u.calendar("Work").id)]
    with u.store.read() as s:
        later = upcoming_meetings(s, now=int(datetime(2026, 12, 1, tzinfo=UTC).timestamp()))
    assert [m.summary for m in later][:1] == ["Kickoff"]
