"""`unibox import` of Telegram Desktop exports (result.json): chats and groups, entities,
replies, edits, service messages, the owner; idempotent, streaming, never aborting."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pytest

from tests.helpers.cli import as_json, run
from tests.helpers.imports import assert_history_only, replies
from tests.helpers.telegram_export import write_export
from unibox.channels.importers.base import ChatMessage, ReadOptions
from unibox.channels.importers.source import Source
from unibox.channels.importers.telegram import IMPORTER, flatten

DATA = Path(__file__).parent.parent / "data" / "telegram"
FULL = DATA / "result.json"


def test_chats_groups_and_saved_messages_land_once_with_the_owner_as_the_user(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", str(FULL))
    assert code == 0, err
    assert "3 conversation(s), 6 new message(s)" in out and "you are “Sam Becker”" in out
    code, out, _ = run(capsys, "import", str(FULL))
    assert code == 0 and "0 new message(s), 6 already imported" in out
    people = as_json(capsys, "people")
    assert sorted(p["name"] for p in people) == ["Olga Petrova", "Priya Nair"]  # never Sam
    olga = as_json(capsys, "person", "show", "telegram:user2002")
    assert [t["direction"] for t in olga["timeline"]] == ["in", "out", "in"]  # Sam answered
    assert {t["channel"] for t in olga["timeline"]} == {"telegram"}
    # The contact list's phone number is the same person as the chat.
    assert as_json(capsys, "person", "show", "0170 5556667")["timeline"] == olga["timeline"]
    code, out, _ = run(capsys, "search", "channel:telegram kick-off")
    assert code == 0 and "Kick-off on Monday?" in out
    assert_history_only(profile)


def test_text_as_a_list_of_entities_reads_as_one_text(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert flatten(["a ", {"type": "bold", "text": "b"}, {"type": "link", "text": "c"}]) == "a bc"
    assert run(capsys, "import", str(FULL))[0] == 0
    code, out, _ = run(capsys, "search", "channel:telegram twelve")
    assert code == 0 and "Yes, all twelve of them, see the list (https://example.org/list)" in out


def test_replies_edits_media_and_service_messages_are_told_apart(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "import", str(FULL))
    assert code == 0
    assert replies(profile) == {"tg:2002:12": "tg:2002:11", "tg:3003:3": "tg:3003:2"}
    assert "1 edited (the last text is kept)" in out and "1 with media" in out
    # Telegram's own items are no messages from people, and the report says what they are.
    assert "not messages from people:" in out
    assert "calls (1)" in out and "created the group (1)" in out and "pinned a message (1)" in out
    code, out, _ = run(capsys, "search", "channel:telegram invoice")
    assert "the invoice, signed" in out and "[photo]" in out


def test_bad_records_are_skipped_with_their_json_path(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "import", str(FULL))
    assert code == 0 and "skipped 2 line(s)" in out
    assert "result.json chats.list[0].messages[4]: no date that can be read" in out
    assert "result.json chats.list[1].messages[3]: not a message" in out


def test_a_cut_short_export_keeps_what_came_before_the_cut(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = write_export(tmp_path / "whole.json", 300)
    cut = tmp_path / "cut" / "result.json"
    cut.parent.mkdir()
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    code, out, err = run(capsys, "import", str(cut))
    assert code == 0, err
    assert "new message(s)" in out and "0 new message(s)" not in out
    assert "the file ends early" in out and "chats.list[0].messages[" in out


def test_a_later_overlapping_export_in_a_zip_adds_only_what_is_new(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write_export(tmp_path / "result.json", 100, chats=2)
    assert run(capsys, "import", str(first))[0] == 0
    later = tmp_path / "Telegram Export.zip"
    with zipfile.ZipFile(later, "w") as z:
        z.write(write_export(tmp_path / "later.json", 130, chats=2), "DataExport/result.json")
    code, out, _ = run(capsys, "import", str(later))
    # Per chat: 30 new; of the first 100, two were pinned-message notices.
    assert code == 0 and f"60 new message(s), {2 * (100 - 2)} already imported" in out


def test_a_single_chats_export_finds_its_owner_as_the_one_not_the_peer(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", str(DATA / "single" / "result.json"))
    assert code == 0 and "you are “Sam Becker”" in out, err
    card = as_json(capsys, "person", "show", "telegram:user5005")
    assert [t["direction"] for t in card["timeline"]] == ["out", "in"]
    assert [p["name"] for p in as_json(capsys, "people")] == ["Jörg Weber"]


def _read_all(path: Path) -> tuple[int, int]:
    """(messages read, peak bytes allocated while reading)."""
    tracemalloc.start()
    with Source(path) as source:
        count = sum(isinstance(i, ChatMessage) for i in IMPORTER.read(source, ReadOptions()))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return count, peak


def test_reading_streams_a_message_at_a_time(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _read_all(write_export(tmp_path / "a" / "result.json", 10))  # the modules load first
    small = write_export(tmp_path / "a" / "result.json", 2_000, group=True)
    big = write_export(tmp_path / "b" / "result.json", 20_000, group=True)
    (small_count, small_peak), (count, peak) = _read_all(small), _read_all(big)
    assert (small_count, count) == (2_000 - 40, 20_000 - 400)
    # Ten times the messages, not more memory: a message at a time, not the file.
    assert peak < 2 * small_peak and peak < big.stat().st_size / 4


def test_a_group_chats_export_without_its_owner_says_so(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chat = tmp_path / "ChatExport_2024-02-02" / "result.json"
    chat.parent.mkdir()
    chat.write_text(
        '{"name": "Launch Team", "type": "private_supergroup", "id": 3003, "messages": ['
        '{"id": 1, "type": "message", "date": "2024-02-01T08:01:00", "from": "Priya Nair",'
        ' "from_id": "user4004", "text": "Kick-off on Monday?"},'
        '{"id": 2, "type": "message", "date": "2024-02-01T08:02:00", "from": null,'
        ' "from_id": "user999", "text": "from an account since deleted"}]}'
    )
    code, out, err = run(capsys, "import", str(chat.parent))
    assert code == 0 and "2 new message(s)" in out, err
    assert "who exported it is not known" in out and "--me NAME" in out
    names = sorted(p["name"] for p in as_json(capsys, "people"))
    assert names == ["Deleted Account", "Priya Nair"]
    code, out, _ = run(capsys, "import", str(chat.parent), "--me", "Priya Nair")
    assert code == 0 and "0 new message(s), 2 already imported" in out
