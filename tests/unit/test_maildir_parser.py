"""Maildir folders and .eml files read as mail: flags, subfolders, stable UIDs, bad files."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.maildir_archive import deliver, make_maildir
from tests.helpers.mailgen import simple_message
from unibox.channels.importers.base import Skip
from unibox.channels.importers.maildir import (
    batches,
    eml_files,
    has_eml,
    maildir_files,
    maildir_folders,
    uid_of,
)

EML = Path(__file__).parent.parent / "fixtures" / "eml"


def test_maildir_plus_plus_and_nested_folders_are_found(tmp_path: Path) -> None:
    root = make_maildir(tmp_path / "Mail")
    make_maildir(root / ".Sent")
    make_maildir(root / ".Archive.2024")
    make_maildir(tmp_path / "Mail" / "Projects" / "Bakery")
    names = [n for n, _p in maildir_folders(root)]
    assert names == ["INBOX", "Archive/2024", "Sent", "Projects/Bakery"]


def test_flags_from_names_new_is_unseen_tmp_left_alone(tmp_path: Path) -> None:
    box = make_maildir(tmp_path / "m")
    deliver(box, 1, simple_message("seen and replied", "a"), "RS")
    deliver(box, 2, simple_message("flagged", "b"), "F")
    deliver(box, 3, simple_message("brand new", "c"), new=True)
    (box / "tmp" / "123.partial").write_bytes(b"From: half")
    skipped: list[Skip] = []
    files = list(maildir_files(box, "INBOX", skipped))
    assert [(f.where.split("/")[1], f.flags) for f in files] == [
        ("cur", ("\\Answered", "\\Seen")),
        ("cur", ("\\Flagged",)),
        ("new", ()),
    ]
    assert files[0].arrived is not None and files[0].arrived.timestamp() == 1733000001
    assert not skipped


def test_uid_is_the_same_for_the_same_bytes_in_any_file(tmp_path: Path) -> None:
    raw = simple_message("once", "body", message_id="<x@y>")
    box = make_maildir(tmp_path / "m")
    deliver(box, 1, raw, "S")
    deliver(box, 2, raw, "S")
    (batch,) = list(batches(maildir_files(box, "INBOX", [])))
    assert batch[0].uid == batch[1].uid == uid_of(raw) and 0 < batch[0].uid < 2**56


def test_eml_files_parse_and_an_empty_one_is_skipped() -> None:
    skipped: list[Skip] = []
    (batch,) = list(batches(eml_files(EML, skipped)))
    subjects = sorted(m.parsed.subject for m in batch)
    assert subjects == ["Rückfrage", "The quote, as a file"]
    assert [(s.where, s.reason) for s in skipped] == [("empty.eml", "an empty file")]
    single = list(eml_files(EML / "quote.eml", []))
    assert len(single) == 1 and single[0].flags == ("\\Seen",)
    assert has_eml(EML) and has_eml(EML / "quote.eml")


def test_a_file_that_is_no_mail_is_skipped(tmp_path: Path) -> None:
    box = make_maildir(tmp_path / "m")
    deliver(box, 1, b"\x89PNG\r\n\x1a\n binary junk without headers", "S")
    skipped: list[Skip] = []
    assert list(maildir_files(box, "INBOX", skipped)) == []
    assert skipped[0].reason == "not a mail message (no header line)"
