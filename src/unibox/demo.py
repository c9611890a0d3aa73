"""A demo profile: a mail account filled from resources/demo through the real mbox import,
an XMPP account with chats (demo_chats.py) and calendars (demo_calendar.py)."""

from __future__ import annotations

import dataclasses
import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from unibox.bundle import resources_dir
from unibox.channels.importers.mbox import read_mbox
from unibox.core.items import Address, ChangeSet, FolderRole, IncomingMessage, RemoteFolder
from unibox.core.mime import parse_message
from unibox.store.accounts import MailServer, MailSettings, add_account
from unibox.store.folders import upsert_folders
from unibox.store.ingest import Ingestor
from unibox.store.store import Store

log = logging.getLogger("unibox.demo")

DEMO_ACCOUNT = "Demo"
DEMO_EMAIL = "mira@castell-studio.example"
DEMO_NAME = "Mira Castell"
# (folder on the "server", its role, the mbox it is filled from)
DEMO_FOLDERS = (
    ("INBOX", FolderRole.INBOX, "inbox.mbox"),
    ("Sent", FolderRole.SENT, "sent.mbox"),
    ("Archive", FolderRole.ARCHIVE, "archive.mbox"),
)
# Empty at first: where delete (#) and junk (!) put mail in the demo.
DEMO_EMPTY_FOLDERS = (("Trash", FolderRole.TRASH), ("Junk", FolderRole.JUNK))
_DATE_HEADER = re.compile(rb"^Date:[^\r\n]*", re.MULTILINE | re.IGNORECASE)
# The times of an invitation's calendar part (UTC, local with a TZID, or a date).
_ICS_TIME = re.compile(
    rb"^((?:DTSTART|DTEND|DTSTAMP|RECURRENCE-ID|EXDATE)[^:\r\n]*:)(\d{8}(?:T\d{6}Z?)?)",
    re.MULTILINE,
)


def demo_data_dir() -> Path:
    """resources/demo of the source tree or the bundle."""
    return resources_dir() / "demo"


@dataclass(frozen=True, slots=True)
class DemoProfile:
    """What build_demo_profile made."""

    account_id: int
    folder_ids: dict[str, int]
    messages: int
    shift: timedelta
    changes: ChangeSet


def build_demo_profile(
    store: Store,
    source: Path | None = None,
    *,
    now: datetime | None = None,
    chats: bool = True,
    imports: bool = False,
    calendar: bool = True,
) -> DemoProfile:
    """Add the demo account, its folders and mail (and, with `chats`, its chats) to an empty store.

    With `imports`, also a WhatsApp chat and a LinkedIn export read by the importers.

    Dates are moved so the newest message arrived today (`now`, default the
    current local time), keeping each message's time of day where possible.
    """
    source = source or demo_data_dir()
    folders = {name: list(_read(source / file)) for name, _role, file in DEMO_FOLDERS}
    shift = date_shift([m for items in folders.values() for m in items], now)
    with store.write() as s:
        account = add_account(
            s,
            name=DEMO_ACCOUNT,
            kind="demo",
            email=DEMO_EMAIL,
            display_name=DEMO_NAME,
            settings=MailSettings(
                imap=MailServer("127.0.0.1", 143, "plain"), smtp=None, username=DEMO_EMAIL
            ),
            secret_ref="",
        )
        remote = [RemoteFolder(name, "/", role) for name, role, _f in DEMO_FOLDERS]
        remote += [RemoteFolder(name, "/", role) for name, role in DEMO_EMPTY_FOLDERS]
        states = upsert_folders(s, account.id, remote)
    folder_ids = {f.name: f.id for f in states}
    changes = ChangeSet()
    count = 0
    for name, items in folders.items():
        ingestor = Ingestor(account.id, folder_ids[name], [DEMO_EMAIL])
        shifted = [shift_message(m, shift) for m in items]
        with store.write() as s:
            changes.merge(ingestor.ingest(s, shifted))
        count += len(shifted)
    chat_file = source / "chats.json"
    if chats and chat_file.exists():  # chat history of several of the same people (an XMPP account)
        from unibox.demo_chats import add_demo_chats

        for path in (chat_file, source / "mastodon.json", source / "matrix.json"):
            if not path.exists():
                continue
            added, chat_changes = add_demo_chats(store, path, shift, DEMO_NAME)
            changes.merge(chat_changes)
            count += added
    import_file = source / "imports.json"
    if imports and import_file.exists():  # WhatsApp and LinkedIn history, as exports import
        from unibox.demo_imports import add_demo_imports

        added, import_changes = add_demo_imports(store, import_file, shift, DEMO_NAME)
        changes.merge(import_changes)
        count += added
    if calendar:  # meetings with the same people (demo_calendar.py)
        from unibox.demo_calendar import add_demo_calendar

        today = (now or datetime.now()).astimezone().date()
        changes.merge(add_demo_calendar(store, Address(DEMO_EMAIL, DEMO_NAME), today))
    log.info("demo profile: %d messages, dates moved by %s", count, shift)
    return DemoProfile(account.id, folder_ids, count, shift, changes)


def _read(path: Path) -> Iterable[IncomingMessage]:
    for batch in read_mbox(path):
        yield from batch


def _when(item: IncomingMessage) -> datetime | None:
    return item.parsed.date or item.internal_date


def date_shift(items: list[IncomingMessage], now: datetime | None) -> timedelta:
    """How far to move every date so the newest message lands today, not in the future."""
    dates = [d for d in map(_when, items) if d is not None]
    if not dates:
        return timedelta(0)
    now = (now or datetime.now()).astimezone()
    newest = max(dates).astimezone(now.tzinfo)
    whole_days = timedelta(days=(now.date() - newest.date()).days)
    if newest + whole_days <= now:
        return whole_days
    # Opened earlier in the day than the newest demo mail: keep the order, lose the clock.
    return now - newest - timedelta(minutes=7)


def shift_message(item: IncomingMessage, shift: timedelta) -> IncomingMessage:
    """The message as if it had been sent `shift` later; its Date header says so too."""
    if not shift:
        return item
    date = item.parsed.date + shift if item.parsed.date else None
    raw = item.raw
    if raw is not None and date is not None:
        head, sep, body = raw.partition(b"\n\n")
        stamp = format_datetime(date).encode()
        head = _DATE_HEADER.sub(lambda _m: b"Date: " + stamp, head, count=1)
        raw = head + sep + body
    parsed = dataclasses.replace(item.parsed, date=date)
    if raw is not None and parsed.invitation is not None:
        # Meetings move with the mail, by whole weeks (at least as far): a Monday
        # call stays on a Monday. The calendar part is rewritten and read again.
        weeks = timedelta(weeks=math.ceil(shift / timedelta(weeks=1)))
        raw = _ICS_TIME.sub(lambda m: m.group(1) + _shifted(m.group(2), weeks), raw)
        parsed = dataclasses.replace(parsed, invitation=parse_message(raw).invitation)
    return dataclasses.replace(
        item,
        parsed=parsed,
        internal_date=item.internal_date + shift if item.internal_date else None,
        raw=raw,
    )


def _shifted(value: bytes, shift: timedelta) -> bytes:
    """An iCalendar date or time moved by `shift` (whole days for a date)."""
    text = value.decode()
    if len(text) == 8:
        day = datetime.strptime(text, "%Y%m%d") + timedelta(days=shift.days)
        return day.strftime("%Y%m%d").encode()
    utc = text.endswith("Z")
    moved = datetime.strptime(text.rstrip("Z"), "%Y%m%dT%H%M%S") + shift
    return (moved.strftime("%Y%m%dT%H%M%S") + ("Z" if utc else "")).encode()
