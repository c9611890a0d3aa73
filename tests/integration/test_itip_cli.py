"""Answering invitations and organizing meetings by mail (iTIP), against Dovecot and aiosmtpd."""

from __future__ import annotations

import email.policy
import json
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from icalendar import Calendar

from tests.helpers.dovecot import Dovecot
from tests.helpers.invitations import calendar, invitation_mail, vevent
from tests.helpers.smtp import SMTP_WARNING, SmtpServer, smtp_server
from tests.integration.cli_helpers import add_account, run

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings(SMTP_WARNING)]
__all__ = ["smtp_server"]

ZOE = "zoe.mueller@brightwave.example"
UID = "plan@brightwave.example"


def _parsed(data: bytes) -> EmailMessage:
    message = BytesParser(policy=email.policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def _calendar_part(message: EmailMessage) -> tuple[str, Any]:
    """The method the text/calendar part names, and its one VEVENT."""
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    cal = Calendar.from_ical(part.get_content())
    (event,) = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == part.get_param("method")
    return str(cal["METHOD"]), event


def _attendees(event: Any) -> dict[str, str]:
    found = event.get("ATTENDEE")
    items = found if isinstance(found, list) else [found]
    return {str(a).lower().removeprefix("mailto:"): str(a.params["PARTSTAT"]) for a in items}


def _events(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert run("events", "--json", *args) == 0
    found: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return found


@pytest.fixture
def mailbox(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: object,  # the test's own profile, set before the account is added
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """An account (IMAP Dovecot, SMTP aiosmtpd, one login) added; our address."""
    smtp_server.add_user(mail_user, dovecot.password)
    smtp = ("--smtp-host", "localhost", "--smtp-port", str(smtp_server.port))
    extra = (*smtp, "--smtp-security", "starttls")
    assert add_account(dovecot, mail_user, extra=extra, monkeypatch=monkeypatch) == 0
    return f"{mail_user}@example.com"


@pytest.fixture
def invited(mailbox: str, dovecot: Dovecot, mail_user: str) -> str:
    """The account with an invitation from Zoë synced; our address."""
    me = mailbox
    start = (datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    event = vevent(
        UID,
        start,
        start + timedelta(minutes=45),
        sequence=2,
        attendees=(("Me Tester", me), ("Jonas Berg", "jonas@brightwave.example")),
    )
    raw = invitation_mail(calendar(event), to=me, message_id="plan-1@brightwave.example")
    dovecot.deliver(mail_user, raw)
    assert run("sync") == 0
    return me


def test_an_answer_goes_to_the_organizer_once_as_an_itip_reply_threaded_under_the_invitation(
    invited: str, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("event", "respond", UID, "accept") == 0
    (sent,) = smtp_server.messages
    assert sent.rcpt_tos == (ZOE,)
    message = _parsed(sent.data)
    assert message["Subject"] == "Accepted: Brightwave review call"
    assert message["In-Reply-To"] == "<plan-1@brightwave.example>"
    assert "<plan-1@brightwave.example>" in message["References"]
    text = message.get_body(("plain",))
    assert text is not None and "has accepted" in text.get_content()
    method, event = _calendar_part(message)
    assert method == "REPLY"
    assert str(event["UID"]) == UID
    assert int(event["SEQUENCE"]) == 2
    assert _attendees(event) == {invited: "ACCEPTED"}  # only our line, with the answer
    assert str(event["ORGANIZER"]).lower() == f"mailto:{ZOE}"
    (listed,) = _events(capsys)
    assert listed["my_status"] == "accepted"
    assert listed["calendar"] == "Calendar"  # no server: into the local calendar

    # The same answer again sends nothing; a different one is a new REPLY.
    capsys.readouterr()
    assert run("event", "respond", UID, "accept") == 0
    assert "nothing sent again" in capsys.readouterr().out
    assert len(smtp_server.messages) == 1
    assert run("event", "respond", UID, "decline") == 0
    assert len(smtp_server.messages) == 2
    _method, again = _calendar_part(_parsed(smtp_server.messages[1].data))
    assert _attendees(again) == {invited: "DECLINED"}
    assert _events(capsys)[0]["my_status"] == "declined"


def test_answering_an_unknown_event_is_a_usage_error_with_a_sentence(
    invited: str, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run("event", "respond", "nobody@nowhere", "accept") == 2
    assert "There is no event with the UID “nobody@nowhere”" in capsys.readouterr().err
    assert smtp_server.messages == []


def _json_out(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    capsys.readouterr()
    assert run(*args) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_a_meeting_with_people_invites_each_by_mail_and_deleting_it_cancels_it_for_them(
    mailbox: str,
    smtp_server: SmtpServer,
    dovecot: Dovecot,
    mail_user: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    start = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    end = start + timedelta(minutes=30)
    created = _json_out(
        capsys,
        "event", "add",
        "--summary", "Pricing workshop",
        "--start", start.isoformat(),
        "--end", end.isoformat(),
        "--rrule", "FREQ=WEEKLY;COUNT=4",
        "--attendee", "Ana Lima <ana@lima.example>",
        "--attendee", "jonas@brightwave.example",
        "--location", "Room 2",
        "--description", "Bring the Q3 figures.",
        "--json",
    )  # fmt: skip
    assert created["calendar"] == "Calendar"  # no server: the local calendar, made on first use
    (sent,) = smtp_server.messages  # one message, to both
    assert set(sent.rcpt_tos) == {"ana@lima.example", "jonas@brightwave.example"}
    message = _parsed(sent.data)
    assert message["Subject"] == "Invitation: Pricing workshop"
    method, event = _calendar_part(message)
    assert method == "REQUEST"
    assert str(event["UID"]) == created["uid"]
    assert str(event["ORGANIZER"]).lower() == f"mailto:{mailbox}"
    assert _attendees(event) == {
        "ana@lima.example": "NEEDS-ACTION",
        "jonas@brightwave.example": "NEEDS-ACTION",
    }
    assert all(a.params["RSVP"] == "TRUE" for a in event["ATTENDEE"])
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=4"
    assert str(event["DESCRIPTION"]) == "Bring the Q3 figures."
    assert event.decoded("DTSTART") == start
    listed = _events(capsys)
    assert len(listed) == 4 and {e["uid"] for e in listed} == {created["uid"]}
    assert (listed[0]["location"], listed[0]["calendar"]) == ("Room 2", "Calendar")

    # Jonas accepts from his own mail client: his answer shows on the event.
    jonas_reply = vevent(
        created["uid"],
        start,
        end,
        organizer=("Me Tester", mailbox),
        attendees=(("Jonas Berg", "jonas@brightwave.example"),),
        extra="",
    ).replace("PARTSTAT=NEEDS-ACTION", "PARTSTAT=ACCEPTED")
    dovecot.deliver(
        mail_user,
        invitation_mail(
            calendar(jonas_reply, method="REPLY"),
            subject="Accepted: Pricing workshop",
            sender=("Jonas Berg", "jonas@brightwave.example"),
            to=mailbox,
            message_id="jonas-yes@brightwave.example",
            method="REPLY",
        ),
    )
    assert run("sync") == 0
    people = {p["email"]: p["status"] for p in _events(capsys)[0]["attendees"]}
    assert people["jonas@brightwave.example"] == "accepted"
    assert people["ana@lima.example"] == "needs-action"

    assert run("event", "delete", created["uid"]) == 0
    assert len(smtp_server.messages) == 2
    cancel = _parsed(smtp_server.messages[1].data)
    assert set(smtp_server.messages[1].rcpt_tos) == {"ana@lima.example", "jonas@brightwave.example"}
    method, called_off = _calendar_part(cancel)
    assert method == "CANCEL"
    assert str(called_off["UID"]) == created["uid"]
    assert int(called_off["SEQUENCE"]) == 1
    assert str(called_off["STATUS"]) == "CANCELLED"
    assert _events(capsys) == []


def test_a_meeting_for_oneself_sends_nothing(
    mailbox: str, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    created = _json_out(
        capsys,
        "event", "add", "--summary", "Focus time",
        "--start", "2031-03-03T09:00", "--end", "2031-03-03T11:00", "--json",
    )  # fmt: skip
    assert smtp_server.messages == []
    (listed,) = _events(capsys, "--from", "2031-03-01")
    assert (listed["uid"], listed["summary"], listed["attendees"]) == (
        created["uid"],
        "Focus time",
        [],
    )
    assert run("event", "delete", created["uid"]) == 0
    assert _events(capsys, "--from", "2031-03-01") == []
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--start", "next monday", "--end", "2031-03-03T10:00"), "“next monday” is not a date"),
        (
            (
                "--start",
                "2031-03-03T09:00",
                "--end",
                "2031-03-03T10:00",
                "--rrule",
                "FREQ=SOMETIMES",
            ),
            "is not a repeat rule",
        ),
        (
            ("--start", "2031-03-03T09:00", "--end", "2031-03-03T10:00", "--calendar", "Nope"),
            "There is no calendar called “Nope”",
        ),
    ],
)
def test_bad_input_to_event_add_is_a_usage_error_in_words(
    mailbox: str,
    smtp_server: SmtpServer,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    words: str,
) -> None:
    capsys.readouterr()
    assert run("event", "add", "--summary", "X", *args) == 2
    assert words in capsys.readouterr().err
    assert run("event", "delete", "nobody@nowhere") == 2
    assert smtp_server.messages == []
