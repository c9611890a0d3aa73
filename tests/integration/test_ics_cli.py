"""`unibox import FILE.ics`, `unibox export events` and `unibox events` over the local calendar."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.cli_helpers import run

pytestmark = pytest.mark.integration

BERLIN_WEEKLY = """BEGIN:VEVENT
UID:standup@example.com
DTSTAMP:20260101T000000Z
SEQUENCE:0
DTSTART;TZID=Europe/Berlin:20260319T090000
DTEND;TZID=Europe/Berlin:20260319T093000
RRULE:FREQ=WEEKLY;COUNT=5
EXDATE;TZID=Europe/Berlin:20260409T090000
RDATE;TZID=Europe/Berlin:20260410T150000
SUMMARY:Standup
ORGANIZER;CN=Ann Boss:mailto:ann@example.com
ATTENDEE;CN=Bob Stone;PARTSTAT=ACCEPTED:mailto:bob@example.com
END:VEVENT
BEGIN:VEVENT
UID:standup@example.com
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Berlin:20260326T090000
DTSTART;TZID=Europe/Berlin:20260326T110000
DTEND;TZID=Europe/Berlin:20260326T113000
SUMMARY:Standup (moved)
ORGANIZER;CN=Ann Boss:mailto:ann@example.com
END:VEVENT
"""

ALL_DAY = """BEGIN:VEVENT
UID:fair@example.com
DTSTAMP:20260101T000000Z
DTSTART;VALUE=DATE:20260330
DTEND;VALUE=DATE:20260402
SUMMARY:Trade fair
END:VEVENT
"""

BROKEN = """BEGIN:VEVENT
UID:broken-rule@example.com
DTSTART:20260320T120000Z
RRULE:FREQ=SOMETIMES;COUNT=3
SUMMARY:Broken rule
END:VEVENT
BEGIN:VEVENT
UID:mars@example.com
DTSTAMP:20260101T000000Z
DTSTART;TZID=Mars/Olympus:20260321T120000
DTEND;TZID=Mars/Olympus:20260321T130000
SUMMARY:Unknown zone
END:VEVENT
BEGIN:VEVENT
SUMMARY:No uid
DTSTART:20260322T120000Z
END:VEVENT
"""


def _ics(*events: str) -> str:
    body = "".join(events).replace("\n", "\r\n")
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tests//EN\r\n{body}END:VCALENDAR\r\n"


def _write(tmp_path: Path, name: str, *events: str) -> Path:
    path = tmp_path / name
    path.write_text(_ics(*events), "utf-8", newline="")
    return path


def _occurrences(capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict]:
    capsys.readouterr()
    args = ("events", "--from", "2026-03-01", "--until", "2026-05-01", "--json", *extra)
    assert run(*args) == 0
    return json.loads(capsys.readouterr().out)


def _import(capsys: pytest.CaptureFixture[str], path: Path) -> str:
    capsys.readouterr()
    assert run("import", str(path)) == 0
    return capsys.readouterr().out


def test_each_occurrence_is_listed_at_nine_in_berlin_across_summer_time(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _import(capsys, _write(tmp_path, "cal.ics", BERLIN_WEEKLY, ALL_DAY))
    assert "3 new, 0 updated, 0 unchanged, 0 skipped" in out
    listed = [(e["summary"], e["start"], e["end"]) for e in _occurrences(capsys)]
    assert listed == [
        ("Standup", "2026-03-19T09:00:00+01:00", "2026-03-19T09:30:00+01:00"),
        ("Standup (moved)", "2026-03-26T11:00:00+01:00", "2026-03-26T11:30:00+01:00"),
        ("Trade fair", "2026-03-30", "2026-04-02"),  # multi-day, all-day
        # Summer time from 29 March: still 09:00 in Berlin. 9 April is an EXDATE,
        # 10 April an RDATE.
        ("Standup", "2026-04-02T09:00:00+02:00", "2026-04-02T09:30:00+02:00"),
        ("Standup", "2026-04-10T15:00:00+02:00", "2026-04-10T15:30:00+02:00"),
        ("Standup", "2026-04-16T09:00:00+02:00", "2026-04-16T09:30:00+02:00"),
    ]
    first = _occurrences(capsys)[0]
    assert first["calendar"] == "local"
    assert [(a["email"], a["status"], a["organizer"]) for a in first["attendees"]] == [
        ("ann@example.com", "accepted", True),
        ("bob@example.com", "accepted", False),
    ]
    assert first["my_status"] == ""
    # Attendees are linked to people, as those of invitations are.
    with_bob = _occurrences(capsys, "--person", "bob@example.com")
    assert {e["summary"] for e in with_bob} == {"Standup"}


def test_reimporting_adds_nothing_and_a_newer_sequence_wins(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "cal.ics", BERLIN_WEEKLY, ALL_DAY)
    _import(capsys, path)
    assert "0 new, 0 updated, 3 unchanged" in _import(capsys, path)
    assert len(_occurrences(capsys)) == 6
    moved = ALL_DAY.replace("DTSTAMP", "SEQUENCE:2\nDTSTAMP").replace(
        "Trade fair", "Trade fair (new hall)"
    )
    assert "0 new, 1 updated, 0 unchanged" in _import(capsys, _write(tmp_path, "n.ics", moved))
    older = ALL_DAY.replace("Trade fair", "Trade fair (old)")
    assert "0 new, 0 updated, 1 unchanged" in _import(capsys, _write(tmp_path, "o.ics", older))
    assert [e["summary"] for e in _occurrences(capsys) if e["uid"] == "fair@example.com"] == [
        "Trade fair (new hall)"
    ]


def test_a_broken_rule_is_reported_and_skipped_an_unknown_zone_kept(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _import(capsys, _write(tmp_path, "bad.ics", BROKEN, ALL_DAY))
    assert "skipped event 1 (UID broken-rule@example.com): RRULE" in out
    assert "SOMETIMES" in out
    assert "skipped event 3: it has no UID" in out
    assert "unknown time zone “Mars/Olympus”" in out
    assert "2 new, 0 updated, 0 unchanged, 2 skipped" in out
    assert {e["uid"] for e in _occurrences(capsys)} == {"mars@example.com", "fair@example.com"}


def test_a_file_that_is_no_calendar_is_an_error(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "junk.ics"
    path.write_text("hello, this is not a calendar\n")
    assert run("import", str(path)) == 1
    assert "junk.ics" in capsys.readouterr().err


def test_exported_events_import_into_a_fresh_profile_as_the_same_events(
    profile: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _import(capsys, _write(tmp_path, "cal.ics", BERLIN_WEEKLY, ALL_DAY))
    before = _occurrences(capsys)
    exported = tmp_path / "out.ics"
    assert run("export", "events", str(exported)) == 0
    assert "exported 3 event(s)" in capsys.readouterr().out
    from icalendar import Calendar

    written = Calendar.from_ical(exported.read_bytes())
    assert len(written.walk("VEVENT")) == 3
    assert [str(z["TZID"]) for z in written.walk("VTIMEZONE")] == ["Europe/Berlin"]
    monkeypatch.setenv("UNIBOX_PROFILE", str(tmp_path / "fresh"))
    assert "3 new" in _import(capsys, exported)
    assert _occurrences(capsys) == before
