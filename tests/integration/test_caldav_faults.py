"""CalDAV when things go wrong, against a real Radicale: a calendar deleted on the
server, a server that refuses a change, events unibox cannot read, a large one;
and the `unibox calendar` and `unibox sync` commands."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from tests.helpers.caldav import CalDavUser, caldav_user, stamp, vcalendar, vevent
from tests.helpers.radicale import Radicale
from unibox.store.schema_events import Calendar

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

GOOD = vevent("good@other", ":20261210T100000Z", ":20261210T110000Z", "Review")


def test_a_calendar_deleted_on_the_server_stays_here_as_a_local_one(
    radicale_server: Radicale, tmp_path: Path
) -> None:
    u = caldav_user(radicale_server, tmp_path, "work", "home")
    u.put(u.path("work", "good.ics"), vcalendar(GOOD))
    u.put(u.path("home", "dentist.ics"), vcalendar(GOOD.replace("good@", "dentist@")))
    u.sync()
    u.make_here("Work/work", "draft@here", "Draft", stamp("20261212T090000Z"))
    assert u.delete(f"/{u.user}/work/")
    reports = u.sync()
    assert reports["Work/work"].gone and not reports["Work/home"].gone
    work = u.calendar("Work/work")
    assert (work.kind, work.url) == ("local", "")
    assert "deleted on the server" in work.last_error
    assert u.summaries("Work/work") == ["Draft", "Review"]  # nothing lost here
    assert u.summaries("Work/home") == ["Review"]
    assert [r.local_state for r in u.rows("Work/work")] == ["", ""]
    assert "Work/work" not in u.sync()  # a local calendar now: not synced any more


def test_a_refused_change_is_that_calendars_error_and_is_kept_here(
    radicale_server: Radicale, tmp_path: Path
) -> None:
    u = caldav_user(radicale_server, tmp_path, "work")
    radicale_server.write_collection(
        u.user, "locked", items={"good.ics": vcalendar(GOOD.replace("good@", "locked@"))}
    )
    u.put(u.path("work", "good.ics"), vcalendar(GOOD))
    reports = u.sync()  # the new calendar is found; the server says it is read-only
    assert u.calendar("Work/locked").read_only
    assert reports["Work/locked"].added_here == 1
    # The server said it could be written, and then refuses (its rules changed): 403.
    with u.store.write() as s:
        s.get(Calendar, u.calendar("Work/locked").id).read_only = False  # type: ignore[union-attr]
    u.edit_here("locked@other", summary="Review, moved")
    u.edit_here("good@other", summary="Review at Acme")
    reports = u.sync()
    refused = reports["Work/locked"].refused
    assert len(refused) == 1 and "403" in refused[0] and "kept here" in refused[0]
    assert "403" in u.calendar("Work/locked").last_error
    assert reports["Work"].updated_there == 1  # the other calendar is not held up
    assert u.calendar("Work").last_error == ""
    [row] = u.rows("Work/locked")
    assert (row.summary, row.local_state) == ("Review, moved", "changed")  # to retry or undo
    assert "Review, moved" not in (u.get(u.path("locked", "good.ics")) or "")


def test_events_that_cannot_be_read_are_reported_and_the_rest_syncs(u: CalDavUser) -> None:
    u.put(u.path("work", "good.ics"), vcalendar(GOOD))
    u.put(  # accepted by the server, but it cannot repeat
        u.path("work", "never.ics"),
        vcalendar(
            vevent("never@other", ":20261201T090000Z", "", "Never", "RRULE:FREQ=WEEKLY;INTERVAL=0")
        ),
    )
    u.put(
        u.path("work", "mars.ics"),
        vcalendar(vevent("mars@other", ";TZID=Mars/Olympus:20261201T090000", "", "On Mars")),
    )
    big = "ATTACH;ENCODING=BASE64;VALUE=BINARY:" + "QUJD" * 700_000  # 2.8 MB, one line
    u.put(
        u.path("work", "big.ics"),
        vcalendar(vevent("big@other", ":20261201T090000Z", "", "Big", big)),
    )
    report = u.sync()["Work"]
    assert u.summaries("Work") == ["On Mars", "Review"]
    skipped = " | ".join(report.skipped)
    assert "never.ics" in skipped and "INTERVAL" in skipped
    assert "big.ics" in skipped and "larger than 2 MB" in skipped
    assert any("mars.ics" in n and "Mars/Olympus" in n for n in report.notes)
    assert u.calendar("Work").last_error == ""
    again = u.sync()["Work"]
    assert (again.fetched, again.added_here, again.skipped) == (0, 0, [])


@pytest.fixture
def u(radicale_server: Radicale, tmp_path: Path) -> CalDavUser:
    return caldav_user(radicale_server, tmp_path)


def test_the_calendar_commands_and_unibox_sync(
    radicale_server: Radicale,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from unibox import cli

    helper = caldav_user(radicale_server, tmp_path)  # a user and a calendar on the server
    helper.put(helper.path("work", "good.ics"), vcalendar(GOOD))
    monkeypatch.setenv("UNIBOX_PROFILE", str(tmp_path / "profile"))
    monkeypatch.setattr(sys, "stdin", io.StringIO("pw\n"))
    add = ["calendar", "add-caldav", "--name", "Team", "--url", radicale_server.url]
    assert cli.main([*add, "--username", helper.user, "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert "Team: work at" in out and "1 new here" in out
    assert cli.main(["calendar", "add-local", "--name", "Private"]) == 0
    assert capsys.readouterr().out == "Private\n"
    assert cli.main(["calendar", "list", "--json"]) == 0
    listed = {c["name"]: c for c in json.loads(capsys.readouterr().out)}
    assert (listed["Team"]["kind"], listed["Team"]["events"], listed["Team"]["default"]) == (
        "caldav",
        1,
        True,
    )
    assert (listed["Private"]["kind"], listed["Private"]["events"]) == ("local", 0)
    assert "pw" not in json.dumps(listed)
    # `unibox sync` with no mail account syncs the calendars.
    helper.put(helper.path("work", "more.ics"), vcalendar(GOOD.replace("good@", "more@")))
    assert cli.main(["sync"]) == 0
    assert cli.main(["calendar", "list", "--json"]) == 0
    assert {c["name"]: c["events"] for c in json.loads(capsys.readouterr().out)}["Team"] == 2
    monkeypatch.setattr(sys, "stdin", io.StringIO("wrong\n"))
    bad = [*add[:3], "Other", *add[4:], "--username", helper.user, "--password-stdin"]
    assert cli.main(bad) == 1
    assert "user name or password" in capsys.readouterr().err
    assert cli.main(["calendar", "remove", "Team"]) == 0
    assert cli.main(["calendar", "remove", "Team"]) == 1
    assert "no calendar called" in capsys.readouterr().err
    assert cli.main(["calendar", "list", "--json"]) == 0
    assert [c["name"] for c in json.loads(capsys.readouterr().out)] == ["Private"]
    assert helper.hrefs("work") != []  # the server keeps its events


def test_a_watching_sync_picks_up_events_made_on_the_server(
    radicale_server: Radicale, tmp_path: Path
) -> None:
    import threading

    from unibox.cli.sync_calendars import CalendarSync

    u = caldav_user(radicale_server, tmp_path)
    said: list[str] = []
    watch = CalendarSync(u.store.path, lambda: u.store, None)
    assert watch.names == ["Work"]
    stop = threading.Event()
    thread = threading.Thread(target=watch.watch, args=(0.2, stop, said.append), daemon=True)
    thread.start()
    try:
        u.put(u.path("work", "good.ics"), vcalendar(GOOD))
        polls = 0
        while "Review" not in u.summaries("Work"):
            polls += 1
            assert polls < 600, "the watch never brought the event"
            stop.wait(0.1)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive() and said == []


def test_sync_watch_of_one_caldav_account_keeps_watching(
    radicale_server: Radicale, tmp_path: Path, test_keyring: Path
) -> None:
    import os
    import signal
    import subprocess
    import time

    from tests.integration.conftest import subprocess_env

    u = caldav_user(radicale_server, tmp_path)
    u.put(u.path("work", "good.ics"), vcalendar(GOOD))
    env = subprocess_env(u.store.path.parent, test_keyring)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).parents[2] / "src"), env.get("PYTHONPATH", "")]
    )
    watch = subprocess.Popen(
        [sys.executable, "-m", "unibox", "sync", "--watch", "--account", "Work"],
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120  # a hang guard: the event is what is waited for
        while "Review" not in u.summaries("Work"):
            assert watch.poll() is None, watch.stderr.read() if watch.stderr else ""
            assert time.monotonic() < deadline, "the watch never brought the event"
            time.sleep(0.1)
        assert watch.poll() is None  # still watching, not a one-shot sync
    finally:
        watch.send_signal(signal.SIGINT)
        code = watch.wait(30)
    assert code in (0, 130)
