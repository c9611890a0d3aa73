"""An invitation delivered to a real Dovecot, synced by the real sync, listed by `unibox events`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers.dovecot import Dovecot
from tests.helpers.invitations import calendar, invitation_mail, vevent
from tests.integration.cli_helpers import add_account, run

pytestmark = pytest.mark.integration


def _events(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    capsys.readouterr()
    assert run("events", "--json", *args) == 0
    return json.loads(capsys.readouterr().out)


def test_a_synced_invitation_is_listed_and_its_cancel_takes_it_away(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    me = f"{mail_user}@example.com"
    start = (datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    event = vevent(
        "plan@brightwave.example",
        start,
        start + timedelta(minutes=45),
        attendees=(("Me", me), ("Jonas Berg", "jonas@brightwave.example")),
    )
    dovecot.deliver(mail_user, invitation_mail(calendar(event), to=me, message_id="plan-1@x"))
    assert add_account(dovecot, mail_user, monkeypatch=monkeypatch) == 0
    assert run("sync") == 0
    (listed,) = _events(capsys)
    assert listed["summary"] == "Brightwave review call"
    assert listed["start"] == start.isoformat()
    assert listed["location"] == "Google Meet"
    assert listed["organizer"] == {"name": "Zoë Müller", "email": "zoe.mueller@brightwave.example"}
    assert len(listed["attendees"]) == 3
    assert listed["calendar"] == "invitations"
    assert listed["my_status"] == "needs-action"
    assert [e["uid"] for e in _events(capsys, "--person", "jonas@brightwave.example")] == [
        "plan@brightwave.example"
    ]
    assert _events(capsys, "--from", (start + timedelta(days=1)).date().isoformat()) == []

    cancel = vevent(
        "plan@brightwave.example",
        start,
        start + timedelta(minutes=45),
        sequence=1,
        attendees=(("Me", me),),
    )
    dovecot.deliver(
        mail_user,
        invitation_mail(calendar(cancel, method="CANCEL"), to=me, message_id="plan-2@x"),
    )
    assert run("sync") == 0
    assert _events(capsys) == []
    (cancelled,) = _events(capsys, "--cancelled")
    assert cancelled["status"] == "cancelled"
    capsys.readouterr()
    assert run("events") == 0
    assert capsys.readouterr().out.strip() == "No upcoming meetings."
    assert run("events", "--from", "next tuesday") == 1
    assert "is not a date" in capsys.readouterr().err
