"""Maildir folders and .eml files read as mail: flags, subfolders, stable UIDs, bad files,
and a zipped Maildir read as an unpacked one."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers.maildir_archive import deliver, make_maildir
from tests.helpers.mailgen import simple_message
from unibox.channels.importers.base import ArchivedMail, ReadOptions, Skip
from unibox.channels.importers.mail_archive import IMPORTER
from unibox.channels.importers.maildir import maildir_members, uid_of
from unibox.channels.importers.source import Source

EML = Path(__file__).parent.parent / "fixtures" / "eml"


def _read(path: Path) -> tuple[list[ArchivedMail], list[Skip]]:
    with Source(path) as source:
        assert IMPORTER.detect(source)
        items = list(IMPORTER.read(source, ReadOptions()))
    return [i for i in items if isinstance(i, ArchivedMail)], [
        i for i in items if isinstance(i, Skip)
    ]


def _archive(root: Path) -> Path:
    make_maildir(root)
    make_maildir(root / ".Sent")
    make_maildir(root / ".Archive.2024")
    make_maildir(root / "Projects" / "Bakery")
    deliver(root, 1, simple_message("seen and replied", "a"), "RS")
    deliver(root, 2, simple_message("flagged", "b"), "F")
    deliver(root, 3, simple_message("brand new", "c"), new=True)
    deliver(root / ".Sent", 4, simple_message("sent one", "d"), "S")
    deliver(root / ".Archive.2024", 5, simple_message("old one", "e"), "S")
    deliver(root / "Projects" / "Bakery", 6, simple_message("croissants", "f"), "S")
    (root / "tmp" / "123.partial").write_bytes(b"From: half")
    return root


def test_maildir_plus_plus_and_nested_folders_are_found(tmp_path: Path) -> None:
    root = _archive(tmp_path / "Mail")
    with Source(root) as source:
        names = [folder for folder, _m in maildir_members(source.names())]
    assert names == ["INBOX", "Archive/2024", "Projects/Bakery", "Sent"]


def test_flags_from_names_new_is_unseen_tmp_left_alone(tmp_path: Path) -> None:
    mail, skipped = _read(_archive(tmp_path / "Mail"))
    inbox = [(m.message.parsed.subject, m.message.flags) for m in mail if m.folder == "INBOX"]
    assert inbox == [
        ("seen and replied", ("\\Answered", "\\Seen")),
        ("flagged", ("\\Flagged",)),
        ("brand new", ()),
    ]
    roles = {m.folder: m.role for m in mail}
    assert roles == {"INBOX": "inbox", "Sent": "sent", "Archive/2024": "", "Projects/Bakery": ""}
    first = next(m for m in mail if m.message.parsed.subject == "seen and replied")
    assert first.message.internal_date is not None
    assert first.message.internal_date.timestamp() == 1733000001
    assert not skipped


def test_a_zipped_maildir_reads_as_the_unpacked_one(tmp_path: Path) -> None:
    root = _archive(tmp_path / "Mail")
    zipped = Path(shutil.make_archive(str(tmp_path / "mail-backup"), "zip", tmp_path, "Mail"))
    unpacked, _s = _read(root)
    packed, _s = _read(zipped)
    key = sorted((m.folder, m.message.uid, m.message.flags) for m in unpacked)
    assert key == sorted((m.folder, m.message.uid, m.message.flags) for m in packed)


def test_uid_is_the_same_for_the_same_bytes_in_any_file(tmp_path: Path) -> None:
    raw = simple_message("once", "body", message_id="<x@y>")
    box = make_maildir(tmp_path / "m")
    deliver(box, 1, raw, "S")
    deliver(box, 2, raw, "S")
    mail, _s = _read(box)
    assert mail[0].message.uid == mail[1].message.uid == uid_of(raw)
    assert 0 < uid_of(raw) < 2**56


def test_eml_files_parse_and_an_empty_one_is_skipped() -> None:
    mail, skipped = _read(EML)
    assert sorted(m.message.parsed.subject for m in mail) == ["Rückfrage", "The quote, as a file"]
    assert {m.folder for m in mail} == {"Imported"}
    assert [(s.where, s.reason) for s in skipped] == [("empty.eml", "an empty file")]
    single, _s = _read(EML / "quote.eml")
    assert len(single) == 1 and single[0].message.flags == ("\\Seen",)


def test_a_file_that_is_no_mail_is_skipped(tmp_path: Path) -> None:
    box = make_maildir(tmp_path / "m")
    deliver(box, 1, b"\x89PNG\r\n\x1a\n binary junk without headers", "S")
    deliver(box, 2, simple_message("fine", "x"), "S")
    mail, skipped = _read(box)
    assert [m.message.parsed.subject for m in mail] == ["fine"]
    assert skipped[0].reason == "not a mail message (no header line)"
