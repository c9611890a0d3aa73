"""`unibox import` of SMS backups, LinkedIn and X exports and mail archives: into people,
timelines and search, the owner never a contact, and once only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.cli import as_json, run
from tests.helpers.linkedin_export import generate as generate_linkedin
from tests.helpers.maildir_archive import deliver, make_maildir
from tests.helpers.mailgen import simple_message
from tests.helpers.whatsapp_export import write_export
from unibox.config import store_path
from unibox.store.store import Store
from unibox.store.views import View, ViewKind, view_ids

FIXTURES = Path(__file__).parent.parent / "fixtures"
JONAS = "+4915123456789"


def test_sms_and_calls_join_the_vcard_and_whatsapp_person_once(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = tmp_path / "jonas.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jonas Weber\r\nTEL:0151 23456789\r\nEND:VCARD\r\n"
    )
    assert run(capsys, "import", str(card))[0] == 0
    chat = tmp_path / "WhatsApp Chat with +49 151 23456789.txt"
    write_export(chat, 3, me="Mira", peer="+49 151 23456789")
    assert run(capsys, "import", str(chat), "--me", "Mira")[0] == 0

    code, out, err = run(capsys, "import", str(FIXTURES / "sms_backup"))
    assert code == 0, err
    assert "6 new message(s), 0 already imported" in out and "3 logged calls" in out
    assert "sms-20241201.xml line 9: no date, or one that cannot be read" in out
    assert "calls-20241201.xml line 7: a call from a hidden number" in out
    code, out, _ = run(capsys, "import", str(FIXTURES / "sms_backup"))
    assert "0 new message(s), 6 already imported" in out and "3 calls logged before" in out

    person = as_json(capsys, "person", "show", JONAS, "--timeline", "100")
    assert person["display_name"] == "Jonas Weber"
    channels = [t["channel"] for t in person["timeline"]]
    assert channels.count("whatsapp") == 3 and channels.count("call") == 2
    assert channels.count("sms") == 5  # 3 SMS, a group MMS, a sent MMS
    calls = sorted(t["snippet"] for t in person["timeline"] if t["channel"] == "call")
    assert calls == ["Incoming call, 2 min 5 s", "Outgoing call, 1 h 2 min 5 s"]
    by = {t["snippet"]: t["by"] for t in person["timeline"] if t["channel"] == "call"}
    assert by == {"Incoming call, 2 min 5 s": "Jonas Weber", "Outgoing call, 1 h 2 min 5 s": ""}
    code, out, _ = run(capsys, "search", "channel:sms Kaffee")
    assert code == 0 and "Ja, um 10 & mit Kaffee" in out
    names = {p["name"] for p in as_json(capsys, "people")}
    assert "Me" not in names and "Lea Braun" in names
    store = Store(store_path(profile))
    with store.read() as s:  # history: nothing waits for a reply, nothing is unread
        assert view_ids(s, View(ViewKind.NEEDS_REPLY)) == []
        assert view_ids(s, View(ViewKind.UNREAD)) == []
    store.close()


def test_linkedin_messages_and_connections_are_one_person_each(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", str(FIXTURES / "linkedin"))
    assert code == 0, err
    assert "4 new message(s)" in out and "you are “Mira Castell”" in out
    assert "messages.csv line 7: a date that could not be read" in out
    tomas = as_json(capsys, "person", "show", "tomas@ortega-imports.example")
    assert tomas["display_name"] == "Tomás Ortega"
    assert {t["channel"] for t in tomas["timeline"]} == {"linkedin"}
    assert len(tomas["timeline"]) == 3  # two in their chat, one in the group
    kinds = {h["kind"] for h in tomas["handles"]}
    assert {"email", "linkedin"} <= kinds
    names = sorted(p["name"] for p in as_json(capsys, "people"))
    assert names == ["Ines Duarte", "LinkedIn Member", "Tomás Ortega"]
    code, out, _ = run(capsys, "import", str(FIXTURES / "linkedin"))
    assert "0 new message(s), 4 already imported" in out


def test_linkedin_zip_as_downloaded_streams_a_big_file(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "Basic_LinkedInDataExport_12-06-2026"
    folder.mkdir()
    generate_linkedin(folder / "messages.csv", 3000)
    archive = shutil.make_archive(str(tmp_path / "export"), "zip", folder)
    code, out, err = run(capsys, "import", archive)
    assert code == 0, err
    assert "50 conversation(s), 3000 new message(s)" in out


def test_x_archive_owner_names_and_groups(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = shutil.make_archive(str(tmp_path / "twitter-2026"), "zip", FIXTURES / "x_archive")
    code, out, err = run(capsys, "import", archive)
    assert code == 0, err
    assert "3 conversation(s), 5 new message(s)" in out
    assert "you are “Mira Castell (@mira_castell)”" in out
    assert "direct-messages.js [1]: not a conversation" in out
    names = sorted(p["name"] for p in as_json(capsys, "people"))
    assert names == ["333", "Sam Lee (@sam_lee)"]
    code, out, _ = run(capsys, "search", "channel:x booth")
    assert code == 0 and "Booth 14 it is" in out
    assert "0 new message(s), 5 already imported" in run(capsys, "import", archive)[1]


def test_maildir_and_eml_are_mail_once_with_their_folders(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_maildir(tmp_path / "Maildir")
    sent = make_maildir(root / ".Sent")
    deliver(root, 1, simple_message("Pallets for March", "how many?"), "S")
    deliver(root, 2, simple_message("Unread question", "still there?"), new=True)
    deliver(
        sent,
        3,
        simple_message("Re: Pallets", "twelve", from_="me@example.com", to="Ann <ann@example.org>"),
        "S",
    )
    code, out, err = run(capsys, "import", str(root))
    assert code == 0, err
    assert "3 new message(s)" in out
    assert "0 new message(s), 3 already imported" in run(capsys, "import", str(root))[1]
    code, out, err = run(capsys, "import", str(FIXTURES / "eml"))
    assert code == 0, err
    assert "2 new message(s)" in out and "empty.eml: an empty file" in out
    code, out, _ = run(capsys, "search", "channel:mail Rückfrage")
    assert code == 0 and "Rückfrage" in out
    code, out, _ = run(capsys, "search", "Pallets")
    assert out.count("Pallets") >= 2


def test_connections_csv_imported_alone_then_messages_join_by_profile_url(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", str(FIXTURES / "linkedin" / "Connections.csv"))
    assert code == 0, err
    assert "LinkedIn Connections" in out
    code, out, err = run(capsys, "import", str(FIXTURES / "linkedin" / "messages.csv"))
    assert code == 0, err
    assert "people: 1 created, 2 matched" in out  # only the member who left is new
    tomas = as_json(capsys, "person", "show", "tomas@ortega-imports.example")
    assert [t["channel"] for t in tomas["timeline"]] == ["linkedin"] * 3
