"""Generated LinkedIn data exports (messages.csv, Connections.csv), written from the
columns LinkedIn documents for "Get a copy of your data". Never a real export."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

MESSAGE_COLUMNS = [
    "CONVERSATION ID",
    "CONVERSATION TITLE",
    "FROM",
    "SENDER PROFILE URL",
    "TO",
    "RECIPIENT PROFILE URLS",
    "DATE",
    "SUBJECT",
    "CONTENT",
    "FOLDER",
    "IS MESSAGE DRAFT",
    "ATTACHMENTS",
]
CONNECTION_NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address."\n\n'
)
CONNECTION_COLUMNS = [
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
]


def profile(slug: str) -> str:
    return f"https://www.linkedin.com/in/{slug}"


def write_messages(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, MESSAGE_COLUMNS)
        w.writeheader()
        for row in rows:
            w.writerow({c: row.get(c, "") for c in MESSAGE_COLUMNS})
    return path


def message_row(
    conversation: str,
    sender: tuple[str, str],
    to: tuple[str, str],
    when: datetime,
    text: str,
    *,
    title: str = "",
    subject: str = "",
    folder: str = "INBOX",
) -> dict[str, str]:
    """One row: sender and recipient as (name, profile slug)."""
    return {
        "CONVERSATION ID": conversation,
        "CONVERSATION TITLE": title,
        "FROM": sender[0],
        "SENDER PROFILE URL": profile(sender[1]) if sender[1] else "",
        "TO": to[0],
        "RECIPIENT PROFILE URLS": profile(to[1]) if to[1] else "",
        "DATE": when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "SUBJECT": subject,
        "CONTENT": text,
        "FOLDER": folder,
        "IS MESSAGE DRAFT": "No",
    }


def write_connections(path: Path, people: list[tuple[str, str, str, str]]) -> Path:
    """Connections.csv with LinkedIn's notes above the header: (first, last, slug, email)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(CONNECTION_NOTES)
        w = csv.writer(f)
        w.writerow(CONNECTION_COLUMNS)
        for first, last, slug, email in people:
            w.writerow([first, last, profile(slug), email, "Acme", "Buyer", "05 Mar 2024"])
    return path


def generate(path: Path, messages: int, people: int = 50) -> Path:
    """messages.csv of `messages` rows between the owner and `people` contacts (newest first)."""
    me = ("Mira Castell", "mira-castell")
    start = datetime(2024, 1, 1, 9, tzinfo=UTC)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, MESSAGE_COLUMNS)
        w.writeheader()
        for n in reversed(range(messages)):
            other = (f"Contact {n % people}", f"contact-{n % people}")
            a, b = (me, other) if n % 2 else (other, me)
            w.writerow(
                message_row(
                    f"2-conv{n % people}==",
                    a,
                    b,
                    start + timedelta(minutes=n),
                    f"Message {n}, about the offer",
                )
            )
    return path
