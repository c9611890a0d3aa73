"""The WhatsApp export parser: each locale's line form and each quirk, one by one."""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

import pytest

from tests.helpers.whatsapp_export import write_export
from unibox.channels.importers import whatsapp as wa

DATA = Path(__file__).parent.parent / "data" / "whatsapp"


def read(name: str) -> tuple[list[wa.Line], list[wa.Skipped]]:
    path = DATA / name
    with path.open(encoding="utf-8") as f:
        found = wa.scan(f)
    skipped: list[wa.Skipped] = []
    with path.open(encoding="utf-8") as f:
        return list(wa.parse(f, found, skipped)), skipped


@pytest.mark.parametrize(
    ("name", "first", "sender"),
    [
        ("WhatsApp Chat with Olga.txt", datetime(2024, 12, 31, 21, 41), "Olga"),
        ("WhatsApp Chat with Priya.txt", datetime(2024, 12, 31, 21, 41), "Priya"),
        ("WhatsApp Chat mit Jörg.txt", datetime(2024, 12, 31, 21, 41), "Jörg"),
        ("Discussion WhatsApp avec Élodie.txt", datetime(2024, 12, 31, 21, 41), "Élodie"),
        ("Chat de WhatsApp con Lucía.txt", datetime(2024, 12, 31, 21, 41), "Lucía"),
        ("Conversa do WhatsApp com João.txt", datetime(2024, 12, 31, 21, 41), "João"),
        ("WhatsApp Chat - Olga iOS.txt", datetime(2024, 12, 31, 21, 41, 5), "Olga iOS"),
    ],
)
def test_each_locale_reads_its_dates_and_drops_the_encryption_notice(
    name: str, first: datetime, sender: str
) -> None:
    lines, skipped = read(name)
    assert skipped == []
    assert (lines[0].when, lines[0].sender) == (first, sender)
    assert not any("encrypted" in x.text or "verschlüsselt" in x.text for x in lines)
    assert not any("chiffrés" in x.text or "cifrados" in x.text for x in lines)
    assert wa.chat_title(name) == sender


def test_spanish_a_m_p_m_with_no_break_spaces() -> None:
    lines, _ = read("Chat de WhatsApp con Lucía.txt")
    assert [x.when.hour for x in lines] == [21, 0, 12]


def test_narrow_no_break_space_before_pm_in_newer_android_exports() -> None:
    lines, _ = read("WhatsApp Chat with Olga.txt")
    assert lines[1].when == datetime(2024, 12, 31, 21, 42)
    assert lines[2].when == datetime(2025, 1, 2, 8, 5)  # month first: US English


def test_a_multi_line_message_is_one_message() -> None:
    lines, _ = read("WhatsApp Chat with Olga.txt")
    assert lines[1].text == "Thanks, you too\nsee you in January"
    ios, _ = read("WhatsApp Chat - Olga iOS.txt")
    assert ios[1].text == "Danke!\nBis bald"


def test_system_lines_are_not_messages() -> None:
    lines, _ = read("WhatsApp Chat with Suppliers.txt")
    assert [(x.sender, x.text) for x in lines] == [
        ("Sam", "Prices for next year, please"),
        ("Olga", "Coming on Monday"),
    ]
    ios, _ = read("WhatsApp Chat - Team Launch.txt")
    assert [x.sender for x in ios] == ["Sam", "Olga", "+49 170 1234567"]


def test_media_omitted_and_attached_files_are_noted() -> None:
    media = {
        name: [x.media for x in read(name)[0] if x.media]
        for name in (
            "WhatsApp Chat with Olga.txt",
            "WhatsApp Chat with Priya.txt",
            "WhatsApp Chat mit Jörg.txt",
            "Discussion WhatsApp avec Élodie.txt",
            "Chat de WhatsApp con Lucía.txt",
            "Conversa do WhatsApp com João.txt",
            "WhatsApp Chat - Olga iOS.txt",
        )
    }
    assert media["WhatsApp Chat with Priya.txt"] == ["IMG-20250103-WA0002.jpg"]
    assert media["WhatsApp Chat - Olga iOS.txt"] == ["00000012-PHOTO-2025-01-01-09-00-00.jpg"]
    assert all(found for found in media.values())


def test_ambiguous_dates_are_decided_by_the_whole_file() -> None:
    lines, _ = read("WhatsApp Chat with Ambiguous.txt")
    # "01/02/24" comes first, but "13/06/24" at the end says: day first.
    assert [x.when.date().isoformat() for x in lines] == ["2024-02-01", "2024-06-05", "2024-06-13"]
    assert lines[1].text == "we'll know at the end\nthis line\ncontinues the message"


def test_bad_lines_are_skipped_with_their_line_numbers() -> None:
    lines, skipped = read("WhatsApp Chat with Broken.txt")
    assert [s.line for s in skipped] == [1, 3]
    assert "does not exist" in skipped[1].reason
    assert [x.text for x in lines] == ["hello", "goodbye"]


def test_identical_messages_keep_apart_by_their_ordinal() -> None:
    lines, _ = read("WhatsApp Chat with Olga.txt")
    ordinals = wa.Ordinals()
    ids = [wa.remote_id("Olga", x, ordinals.next(x)) for x in lines]
    assert lines[-1].text == lines[-2].text and len(set(ids)) == len(ids)
    again = wa.Ordinals()
    assert ids == [wa.remote_id("Olga", x, again.next(x)) for x in lines]


def test_phone_number_senders_become_phone_handles() -> None:
    assert wa.sender_handle("+49 170 1234567", "DE") == ("phone", "+491701234567")
    assert wa.sender_handle("0170 1234567", "DE") == ("phone", "+491701234567")
    assert wa.sender_handle("Olga", "DE") == ("whatsapp", "Olga")


@pytest.mark.parametrize("form", ["en_US", "en_GB", "de", "fr", "pt_BR", "ios_de"])
def test_generated_exports_read_back_whole(tmp_path: Path, form: str) -> None:
    path = write_export(tmp_path / "WhatsApp Chat with Olga.txt", 300, form=form)
    with path.open(encoding="utf-8") as f:
        found = wa.scan(f)
    skipped: list[wa.Skipped] = []
    with path.open(encoding="utf-8") as f:
        lines = list(wa.parse(f, found, skipped))
    assert skipped == [] and len(lines) == 300
    assert lines[0].text.endswith("#0\nand a second line")
    assert all(a.when <= b.when for a, b in itertools.pairwise(lines))
