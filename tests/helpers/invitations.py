"""Invitation mail (iCalendar in a text/calendar part) as real mailers send it."""

from __future__ import annotations

from datetime import UTC, datetime


def ics_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def vevent(
    uid: str,
    start: datetime,
    end: datetime,
    *,
    summary: str = "Brightwave review call",
    location: str = "Google Meet",
    organizer: tuple[str, str] = ("Zoë Müller", "zoe.mueller@brightwave.example"),
    attendees: tuple[tuple[str, str], ...] = (("Mira Castell", "mira@castell-studio.example"),),
    sequence: int = 0,
    stamp: datetime | None = None,
    extra: str = "",
    times: str = "",
) -> str:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{ics_time(stamp or start)}",
        times or f"DTSTART:{ics_time(start)}\r\nDTEND:{ics_time(end)}",
        f"SEQUENCE:{sequence}",
        f"SUMMARY:{summary}",
        f"LOCATION:{location}",
        f'ORGANIZER;CN="{organizer[0]}":mailto:{organizer[1]}',
    ]
    for name, email in attendees:
        lines.append(
            f'ATTENDEE;CN="{name}";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:'
            f"mailto:{email}"
        )
    if extra:
        lines.append(extra)
    lines.append("END:VEVENT")
    return "\r\n".join(lines)


def calendar(*events: str, method: str = "REQUEST", timezone: str = "") -> str:
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tests//EN", f"METHOD:{method}"]
    body = [timezone] if timezone else []
    return "\r\n".join([*head, *body, *events, "END:VCALENDAR", ""])


def invitation_mail(
    ics: str,
    *,
    subject: str = "Invitation: Brightwave review call",
    sender: tuple[str, str] = ("Zoë Müller", "zoe.mueller@brightwave.example"),
    to: str = "Mira Castell <mira@castell-studio.example>",
    message_id: str = "invite-1@brightwave.example",
    date: datetime | None = None,
    method: str = "REQUEST",
) -> bytes:
    """A multipart/mixed mail: a text part and the calendar as invite.ics."""
    date = date or datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    head = (
        f"From: =?utf-8?q?{_q(sender[0])}?= <{sender[1]}>\r\n"
        f"To: {to}\r\n"
        f"Subject: {subject}\r\n"
        f"Date: {date.strftime('%a, %d %b %Y %H:%M:%S +0000')}\r\n"
        f"Message-ID: <{message_id}>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
    )
    text = (
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "You have been invited.\r\n"
        f"--b1\r\nContent-Type: text/calendar; charset=utf-8; method={method}\r\n"
        'Content-Disposition: attachment; filename="invite.ics"\r\n'
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return (head + text + ics + "\r\n--b1--\r\n").encode()


def _q(text: str) -> str:
    """RFC 2047 Q-encoding of a display name."""
    return "".join(
        c if c.isascii() and c.isalnum() else "".join(f"={b:02X}" for b in c.encode()) for c in text
    )
