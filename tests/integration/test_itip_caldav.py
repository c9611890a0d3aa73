"""An invitation answered here reaches the CalDAV calendar with our answer; its cancel follows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.helpers.caldav import caldav_user
from tests.helpers.invitations import calendar, invitation_mail, vevent
from tests.helpers.radicale import Radicale
from unibox.core.items import FolderRole, IncomingMessage, RemoteFolder
from unibox.core.mime import parse_message
from unibox.services.event_actions import respond
from unibox.store import accounts, calendars, folders
from unibox.store.ingest import Ingestor
from unibox.store.reminders import due_reminders
from unibox.store.store import Store

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]
ME = "mira@castell-studio.example"
UID = "review@brightwave.example"
START = (datetime.now(UTC) + timedelta(days=4)).replace(minute=0, second=0, microsecond=0)


def _mail_account(store: Store) -> Ingestor:
    with store.write() as s:
        account = accounts.add_account(
            s,
            name="Mail",
            kind="imap",
            email=ME,
            display_name="Mira Castell",
            settings=accounts.MailSettings(
                imap=accounts.MailServer("127.0.0.1", 1, "plain"), smtp=None, username=ME
            ),
            secret_ref="",
        )
        (inbox,) = folders.upsert_folders(
            s, account.id, [RemoteFolder("INBOX", "/", FolderRole.INBOX)]
        )
    return Ingestor(account.id, inbox.id, [ME])


def _deliver(store: Store, ingestor: Ingestor, uid: int, method: str, sequence: int) -> None:
    alarm = "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT30M\r\nEND:VALARM"
    ics = calendar(
        vevent(UID, START, START + timedelta(hours=1), sequence=sequence, extra=alarm),
        method=method,
    )
    raw = invitation_mail(ics, message_id=f"review-{method}@x", method=method)
    with store.write() as s:
        ingestor.ingest(s, [IncomingMessage(uid, (), len(raw), None, parse_message(raw), raw)])


def _on_server(text: str) -> tuple[str, dict[str, str]]:
    (event,) = Calendar.from_ical(text).walk("VEVENT")
    found = event.get("ATTENDEE")
    people = found if isinstance(found, list) else [found]
    statuses = {str(a).lower().removeprefix("mailto:"): str(a.params["PARTSTAT"]) for a in people}
    return str(event.get("STATUS", "")), statuses


def test_an_accepted_invitation_goes_to_the_default_caldav_calendar_and_its_cancel_too(
    radicale_server: Radicale, tmp_path: Path
) -> None:
    u = caldav_user(radicale_server, tmp_path)
    u.sync()
    with u.store.write() as s:
        (work,) = calendars.list_calendars(s)
        calendars.set_default(s, work.name)
    ingestor = _mail_account(u.store)
    _deliver(u.store, ingestor, 1, "REQUEST", 0)
    assert respond(u.store, UID, "accept").calendar == work.name
    u.sync()
    (href,) = u.hrefs("work")
    text = u.get(href)
    assert text is not None and f"UID:{UID}" in text
    status, people = _on_server(text)
    assert (status, people[ME]) == ("CONFIRMED", "ACCEPTED")
    (row,) = u.rows(work.name)
    assert row.local_state == ""  # the server has it
    # Its reminder came with the invitation: half an hour before.
    with u.store.read() as s:
        (reminder,) = due_reminders(s, int((START - timedelta(minutes=29)).timestamp()))
    assert reminder.summary == "Brightwave review call"

    _deliver(u.store, ingestor, 2, "CANCEL", 1)
    u.sync()
    text = u.get(href)
    assert text is not None
    assert _on_server(text)[0] == "CANCELLED"
