"""The mbox importer: splitting, From_ quoting, flags, dates, broken mail, the demo profile."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from unibox.channels.importers.mbox import (
    envelope_date,
    mbox_flags,
    read_mbox,
    split_mbox,
)
from unibox.core.items import FolderRole, ParseState, RemoteFolder
from unibox.demo import build_demo_profile, demo_data_dir
from unibox.store import view_counts, view_rows, views
from unibox.store.accounts import MailServer, MailSettings, add_account
from unibox.store.folders import upsert_folders
from unibox.store.ingest import Ingestor
from unibox.store.queries import message_detail
from unibox.store.store import Store

DEMO = demo_data_dir()


def _mbox(*messages: bytes) -> bytes:
    return b"".join(
        b"From someone@example.org Fri Mar 14 08:47:00 2025\n" + m.rstrip(b"\n") + b"\n\n"
        for m in messages
    )


def _message(subject: str, body: str, extra: str = "") -> bytes:
    return (
        f"From: Zoë Müller <zoe@example.org>\nTo: mira@example.org\nSubject: {subject}\n"
        f"Message-ID: <{subject.replace(' ', '.')}@example.org>\n{extra}"
        f"Date: Fri, 14 Mar 2025 08:47:00 +0100\n\n{body}\n"
    ).encode()


def _all(path: Path, **kwargs: int) -> list:  # type: ignore[type-arg]
    return [m for batch in read_mbox(path, **kwargs) for m in batch]


def test_demo_mailboxes_import_with_their_counts_and_flags() -> None:
    inbox = _all(DEMO / "inbox.mbox")
    assert len(inbox) == 69
    assert [m.uid for m in inbox] == list(range(1, 70))
    assert sum("\\Seen" not in m.flags for m in inbox) == 15
    assert any("\\Flagged" in m.flags for m in inbox)
    assert all(m.parsed.state is ParseState.COMPLETE for m in inbox)
    assert {len(_all(DEMO / "sent.mbox")), len(_all(DEMO / "archive.mbox"))} == {43, 41}
    assert sum(f.stat().st_size for f in DEMO.glob("*.mbox")) < 1_500_000


def test_batches_stream_and_uids_continue(tmp_path: Path) -> None:
    path = tmp_path / "mail.mbox"
    path.write_bytes(_mbox(*(_message(f"n{n}", "hello") for n in range(25))))
    batches = list(read_mbox(path, first_uid=101, batch_size=10))
    assert [len(b) for b in batches] == [10, 10, 5]
    assert [m.uid for b in batches for m in b] == list(range(101, 126))
    assert batches[2][-1].parsed.subject == "n24"


def test_from_lines_in_bodies_are_unquoted_once_and_never_split_a_message() -> None:
    body = (
        ">From the start of the line, quoted by the writer.\n"
        ">>From a quote of a quote.\n"
        "Text\nFrom a careless writer, not quoted and not after a blank line.\n"
    )
    entries = list(split_mbox(io.BytesIO(_mbox(_message("one", body), _message("two", "x")))))
    assert len(entries) == 2
    raw = entries[0].raw
    assert b"\nFrom the start of the line, quoted by the writer.\n" in raw
    assert b"\n>From a quote of a quote.\n" in raw
    assert b"\nFrom a careless writer" in raw
    assert not raw.endswith(b"\n\n")  # the separator line belongs to the mbox


def test_demo_body_line_starting_with_from_survives() -> None:
    sent = _all(DEMO / "sent.mbox")
    fix = next(m for m in sent if "From my side" in m.parsed.text)
    assert "\nFrom my side, that's everything for v3." in fix.parsed.text


def test_crlf_mbox_and_a_file_without_from_line() -> None:
    crlf = _mbox(_message("a", "x"), _message("b", "y")).replace(b"\n", b"\r\n")
    assert [e.raw.count(b"Subject") for e in split_mbox(io.BytesIO(crlf))] == [1, 1]
    bare = list(split_mbox(io.BytesIO(_message("lonely", "an .eml renamed to .mbox"))))
    assert len(bare) == 1 and bare[0].envelope == b""
    assert list(split_mbox(io.BytesIO(b""))) == []


def test_envelope_dates() -> None:
    assert envelope_date(b"x@y Fri Mar 14 08:47:00 2025") == datetime(
        2025, 3, 14, 8, 47, tzinfo=UTC
    )
    assert envelope_date(b"MAILER-DAEMON Fri Jul  8 12:08:34 2011") == datetime(
        2011, 7, 8, 12, 8, 34, tzinfo=UTC
    )
    takeout = b"1234567890@xxx Mon Jan 06 10:00:00 +0000 2025"
    assert envelope_date(takeout) == datetime(2025, 1, 6, 10, tzinfo=UTC)
    assert envelope_date(b"someone") is None
    assert envelope_date(b"x Fri Foo 14 08:47:00 2025") is None


@pytest.mark.parametrize(
    ("headers", "flags"),
    [
        ("Status: RO\nX-Status: AF\n", ("\\Answered", "\\Flagged", "\\Seen")),
        ("Status: O\n", ()),
        ("X-Mozilla-Status: 0005\n", ("\\Flagged", "\\Seen")),
        ("X-Gmail-Labels: Inbox,Unread,Starred\n", ("\\Flagged",)),
        ("X-Gmail-Labels: Archived,Important\n", ("\\Seen",)),
        ("", ()),
    ],
)
def test_flags_from_status_headers(headers: str, flags: tuple[str, ...]) -> None:
    assert mbox_flags(_message("s", "Status: RO in the body does not count", headers)) == flags


def _deeply_nested(depth: int) -> bytes:
    head = "From: a@example.org\nSubject: deep\nMessage-ID: <deep@example.org>\nMIME-Version: 1.0\n"
    parts = [head]
    for n in range(depth):
        parts.append(f'Content-Type: multipart/mixed; boundary="b{n}"\n\n--b{n}\n')
    parts.append("Content-Type: text/plain\n\nbottom\n")
    parts.extend(f"--b{n}--\n" for n in reversed(range(depth)))
    return "".join(parts).encode()


def test_broken_messages_are_still_imported_as_partial(tmp_path: Path) -> None:
    path = tmp_path / "broken.mbox"
    garbage = bytes(range(256)) * 4
    path.write_bytes(_mbox(_message("fine", "ok"), _deeply_nested(200), garbage))
    items = _all(path)
    assert [m.uid for m in items] == [1, 2, 3]
    assert items[0].parsed.state is ParseState.COMPLETE
    for broken in items[1:]:
        assert broken.parsed.state is ParseState.PARTIAL
        assert broken.parsed.parse_error
        assert broken.raw  # the source is kept to try again later

    store = Store(tmp_path / "s.sqlite3")
    with store.write() as s:
        account = add_account(
            s,
            name="t",
            kind="mbox",
            email="mira@example.org",
            display_name="",
            settings=MailSettings(MailServer("127.0.0.1", 143, "plain"), None, "mira"),
            secret_ref="",
        )
        (folder,) = upsert_folders(s, account.id, [RemoteFolder("INBOX", "/", FolderRole.INBOX)])
        changes = Ingestor(account.id, folder.id, ["mira@example.org"]).ingest(s, items)
    with store.read() as s:
        states = sorted(message_detail(s, mid).parse_state for mid in changes.messages_added)  # type: ignore[union-attr]
    store.close()
    assert states == ["complete", "partial", "partial"]


def test_demo_profile_lands_today_with_folders_and_flags(tmp_path: Path) -> None:
    now = datetime(2031, 6, 2, 18, 0, tzinfo=timezone(timedelta(hours=2)))
    store = Store(tmp_path / "demo.sqlite3")
    profile = build_demo_profile(store, now=now)
    with store.read() as s:
        inbox = views.view_ids(s, views.View(views.ViewKind.INBOX))
        sent = views.view_ids(s, views.View(views.ViewKind.SENT))
        archive = views.view_ids(s, views.View(views.ViewKind.ARCHIVE))
        counts = view_counts.counts(s)
        newest = view_rows.rows_for(s, inbox[:1])[0]
    store.close()
    # mail; five XMPP chats, two Mastodon ones, two Matrix ones (bridged)
    assert profile.messages == 153 + 34 + 6 + 7
    assert (len(inbox), len(sent), len(archive)) == (69 + 9, 43, 41)  # a chat is one row
    assert counts.unread == 15 + 6 and counts.views[views.ViewKind.FLAGGED] == 7
    assert newest.date.astimezone(now.tzinfo).date() == now.date()
    assert newest.date <= now
    assert set(profile.folder_ids) == {"INBOX", "Sent", "Archive", "Trash", "Junk"}


def test_demo_profile_opened_early_in_the_day_keeps_order_not_clock(tmp_path: Path) -> None:
    now = datetime(2031, 6, 2, 5, 0, tzinfo=timezone(timedelta(hours=2)))
    store = Store(tmp_path / "demo.sqlite3")
    profile = build_demo_profile(store, now=now)
    with store.read() as s:
        inbox = views.view_ids(s, views.View(views.ViewKind.INBOX))
        newest = view_rows.rows_for(s, inbox[:1])[0]
    store.close()
    assert newest.date <= now
    assert now - newest.date < timedelta(minutes=10)
    assert profile.shift.total_seconds() % 86400


def test_demo_meetings_move_with_the_mail_by_whole_weeks(tmp_path: Path) -> None:
    from unibox.store.events import upcoming_meetings
    from unibox.store.schema import Handle

    now = datetime(2031, 6, 2, 18, 0, tzinfo=timezone(timedelta(hours=2)))  # a Monday
    store = Store(tmp_path / "demo.sqlite3")
    build_demo_profile(store, now=now, calendar=False)  # the invitations' meetings only
    with store.read() as s:
        meetings = upcoming_meetings(s, now=int(now.timestamp()), limit=6, cancelled=True)
        zoe = s.scalars(select(Handle.id).where(Handle.value == "zoe.mueller@brightwave.example"))
        with_zoe = upcoming_meetings(s, handle_ids=list(zoe), now=int(now.timestamp()))
    store.close()
    berlin = [(m.summary, m.starts.astimezone(timezone(timedelta(hours=2)))) for m in meetings]
    # Weekdays stay; local times (TZID) stay local in summer time, a UTC time moves by an hour.
    assert [(t, f"{d:%a %H:%M}") for t, d in berlin[:4]] == [
        ("Brightwave review call", "Mon 11:00"),
        ("Members' evening at Coworking Haus", "Tue 18:30"),
        ("Brightwave weekly sync", "Thu 09:30"),
        ("Photo shoot at Cafetería Sol", "Thu 16:00"),  # the updated time (SEQUENCE 1)
    ]
    assert meetings[1].status == "cancelled"
    assert all(m.starts > now for m in meetings)
    assert [m.summary for m in with_zoe] == [
        "Brightwave review call",
        "Brightwave weekly sync",
        "Brightwave weekly sync",
    ]
