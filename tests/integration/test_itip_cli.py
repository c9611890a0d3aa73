"""Answering invitations and organizing meetings by mail (iTIP), against Dovecot and aiosmtpd."""

from __future__ import annotations

import email.policy
import json
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
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
def invited(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """An account (IMAP Dovecot, SMTP aiosmtpd) with an invitation from Zoë synced; our address."""
    me = f"{mail_user}@example.com"
    smtp_server.add_user(mail_user, dovecot.password)
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
    smtp = ("--smtp-host", "localhost", "--smtp-port", str(smtp_server.port))
    extra = (*smtp, "--smtp-security", "starttls")
    assert add_account(dovecot, mail_user, extra=extra, monkeypatch=monkeypatch) == 0
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
