"""`unibox import` of WhatsApp exports: into search, timelines and people, once only."""

from __future__ import annotations

import io
import shutil
import sys
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers.cli import as_json, run
from tests.helpers.whatsapp_export import write_export
from unibox import cli
from unibox.config import store_path
from unibox.store.store import Store
from unibox.store.views import View, ViewKind, view_ids

DATA = Path(__file__).parent.parent / "data" / "whatsapp"
OLGA = DATA / "WhatsApp Chat with Olga.txt"


def test_a_chat_lands_in_search_and_the_persons_timeline_once(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", str(OLGA))
    assert code == 0, err
    assert "1 conversation(s), 5 new message(s)" in out and "you are “Sam”" in out
    code, out, _ = run(capsys, "import", str(OLGA))
    assert code == 0 and "0 new message(s), 5 already imported" in out

    code, out, _ = run(capsys, "search", "channel:whatsapp invoice")
    assert code == 0 and out.count("the quarterly invoice is attached") == 2
    card = as_json(capsys, "person", "show", "whatsapp:Olga")
    timeline = card["timeline"]
    assert len(timeline) == 5 and {t["channel"] for t in timeline} == {"whatsapp"}
    assert [t["direction"] for t in timeline].count("out") == 1  # Sam, the owner
    people = as_json(capsys, "people")
    assert [p["name"] for p in people] == ["Olga"]  # the owner is never a contact


def test_a_later_overlapping_export_adds_only_what_is_new(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write_export(tmp_path / "a" / "WhatsApp Chat with Olga.txt", 200)
    write_export(tmp_path / "b" / "WhatsApp Chat with Olga.txt", 260)  # the same 200, then 60
    assert run(capsys, "import", str(tmp_path / "a" / "WhatsApp Chat with Olga.txt"))[0] == 0
    code, out, _ = run(capsys, "import", str(tmp_path / "b" / "WhatsApp Chat with Olga.txt"))
    assert code == 0 and "60 new message(s), 200 already imported" in out


def test_a_zip_with_media_imports_and_the_owner_is_asked_when_unclear(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "WhatsApp Chat - Olga iOS.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(DATA / "WhatsApp Chat - Olga iOS.txt", "_chat.txt")
        z.writestr("00000012-PHOTO-2025-01-01-09-00-00.jpg", b"\xff\xd8\xff")
    code, out, err = run(capsys, "import", str(archive))
    assert code == 0, err
    assert "3 new message(s)" in out and "1 with media" in out
    card = as_json(capsys, "person", "show", "whatsapp:Olga iOS")
    assert len(card["timeline"]) == 3

    group = tmp_path / "WhatsApp Chat - Team Launch.txt"
    shutil.copy(DATA / group.name, group)
    code, _out, err = run(capsys, "import", str(group))
    assert code == 1 and "--me" in err
    code, out, err = run(capsys, "import", str(group), "--me", "Sam")
    assert code == 0 and "3 new message(s)" in out, err
    code, out, _ = run(capsys, "import", str(group), "--me", "Samuel")  # a typo: said
    assert code == 0 and "note: “Samuel” wrote nothing in this export" in out
    # The unknown number is a phone handle: the same person as a card's phone number.
    assert as_json(capsys, "person", "show", "+49 170 1234567")["timeline"][0]["channel"] == (
        "whatsapp"
    )


def test_a_folder_of_exports_every_locale_and_its_skipped_lines(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", str(DATA))
    assert code == 0, err
    assert "you are “Sam”" in out  # the one sender of every chat
    assert "WhatsApp Chat with Broken.txt line 1: not a message" in out
    assert "WhatsApp Chat with Broken.txt line 3: a date or time that does not exist" in out
    names = {p["name"] for p in as_json(capsys, "people")}
    assert {"Jörg", "Élodie", "Lucía", "João", "Priya"} <= names and "Sam" not in names


def test_imported_history_neither_notifies_nor_floods_needs_reply(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "import", str(OLGA))[0] == 0
    store = Store(store_path(profile))
    with store.read() as s:
        from sqlalchemy import select

        from unibox.store.schema import Message

        rows = s.execute(select(Message.received_at, Message.is_seen)).all()
        assert rows and all(r.received_at is None and r.is_seen for r in rows)
        assert view_ids(s, View(ViewKind.NEEDS_REPLY)) == []
        assert view_ids(s, View(ViewKind.UNREAD)) == []


def test_contacts_import_still_refuses_other_text(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("groceries\n12 eggs\n")
    code, _out, err = run(capsys, "import", str(tmp_path / "notes.txt"))
    assert code == 1 and ".vcf, .csv and .ics" in err


def _chat(path: Path, days_ago: int, peer: str = "Dana") -> Path:
    when = datetime.now() - timedelta(days=days_ago)
    day = when.strftime("%d.%m.%y")
    path.write_text(
        f"{day}, 09:00 - {peer}: Hallo Sam\n"
        f"{day}, 09:05 - Sam: Hallo, was gibt's?\n"
        f"{day}, 09:10 - {peer}: Kannst du mir das Angebot schicken?\n",
        encoding="utf-8",
    )
    return path


def test_an_old_unanswered_question_stays_out_of_needs_reply(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "import", str(_chat(tmp_path / "WhatsApp Chat mit Dana.txt", 40)))[0] == 0
    store = Store(store_path(profile))
    with store.read() as s:
        assert view_ids(s, View(ViewKind.NEEDS_REPLY)) == []
    # A question of two days ago is still waiting for the user, imported or not.
    recent = _chat(tmp_path / "WhatsApp Chat mit Eva.txt", 2, peer="Eva")
    assert run(capsys, "import", str(recent))[0] == 0
    with store.read() as s:
        waiting = view_ids(s, View(ViewKind.NEEDS_REPLY))
    card = as_json(capsys, "person", "show", "whatsapp:Eva")
    assert waiting == [card["timeline"][0]["id"]]


def test_a_chat_with_a_number_is_one_person_with_a_phone_handle(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chat = tmp_path / "WhatsApp Chat mit +49 170 1234567.txt"
    chat.write_text(
        "01.03.24, 10:00 - +49 170 1234567: Ist das Paket angekommen?\n"
        "01.03.24, 10:02 - Sam: Ja, danke!\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "import", str(chat))
    assert code == 0 and "you are “Sam”" in out, err
    people = as_json(capsys, "people")
    assert len(people) == 1 and people[0]["channels"] == ["phone"]
    card = as_json(capsys, "person", "show", "0170 1234567")  # the profile's region: DE
    assert [t["direction"] for t in card["timeline"]] == ["out", "in"]


def test_the_window_gets_a_whatsapp_channel_with_one_row_a_chat(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from unibox.store.channels import present_channels

    assert run(capsys, "import", str(DATA))[0] == 0
    store = Store(store_path(profile))
    with store.read() as s:
        assert "whatsapp" in [k for k, _t, _i in present_channels(s)]
        rows = view_ids(s, View(ViewKind.CHANNEL, channel="whatsapp"))
    assert len(rows) == len(list(DATA.glob("*.txt")))  # every chat, by its newest message


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_the_import_progress(
    profile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = write_export(tmp_path / "WhatsApp Chat with Olga.txt", 4500)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli.main(["import", str(export)]) == 0
    shown = terminal.getvalue()
    assert "whatsapp: Olga messages" in shown and "2000/4500" in shown and "4500/4500" in shown
    assert shown.endswith("\r\x1b[2K")  # the line is cleared before the report


def test_many_bad_lines_are_counted_and_the_first_listed(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chat = tmp_path / "WhatsApp Chat with Olga.txt"
    with chat.open("w", encoding="utf-8") as f:
        f.write("01/02/24, 10:00 - Olga: hello\n13/02/24, 10:01 - Sam: hi\n")
        for n in range(3000):
            f.write(f"31/02/24, 10:{n % 60:02d} - Olga: the 31st of February\n")
    code, out, _ = run(capsys, "import", str(chat))
    assert code == 0 and "2 new message(s)" in out
    assert "skipped 3000 line(s)" in out and "… and 2950 more" in out
    assert "WhatsApp Chat with Olga.txt line 3: a date or time that does not exist" in out
