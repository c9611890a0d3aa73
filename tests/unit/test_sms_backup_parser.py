"""SMS Backup & Restore files read one quirk at a time: types, MMS, emoji halves, calls."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

from tests.helpers.sms_backup_export import app_escape, generate_sms, sms_line, write_sms
from unibox.channels.importers.base import Skip
from unibox.channels.importers.sms_backup import (
    looks_like_backup,
    read_backup,
)
from unibox.channels.importers.xml_refs import RepairedXml, repair_refs
from unibox.core.calls import LoggedCall
from unibox.core.items import ChatAddress, ChatMessage

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sms_backup"
ME = ChatAddress("sms", "me", "Me")


def _read(path: Path) -> list[object]:
    with path.open("rb") as f:
        return list(read_backup(f, path.name, ME, "DE"))


def _messages(items: list[object]) -> list[ChatMessage]:
    return [i for i in items if isinstance(i, ChatMessage)]


def test_received_and_sent_sms_are_one_conversation_by_e164_number() -> None:
    items = _messages(_read(FIXTURES / "sms-20241201.xml"))
    first, reply = items[0], items[1]
    assert first.direction == "in" and reply.direction == "out"
    assert first.sender == ChatAddress("phone", "+4915123456789", "Jonas Weber")
    assert reply.sender == ME and reply.participants[0].value == "+4915123456789"
    assert first.conversation == reply.conversation == "+4915123456789"
    assert reply.text == "Ja, um 10 & mit Kaffee"
    assert all(i.channel == "sms" and i.is_history for i in items)


def test_emoji_written_as_two_halves_is_one_character() -> None:
    items = _messages(_read(FIXTURES / "sms-20241201.xml"))
    assert items[0].text == "Hallo, kommst du morgen? 😀"
    assert "Fotos vom Ausflug 🌞" in items[-2].text
    lone = next(i for i in items if i.text.startswith("lone half"))
    assert lone.text == "lone half \ufffd here"


def test_a_draft_is_not_a_message_and_a_short_code_is_no_phone_number() -> None:
    items = _messages(_read(FIXTURES / "sms-20241201.xml"))
    assert not any("draft" in i.text for i in items)
    dhl = next(i for i in items if "Paket" in i.text)
    assert dhl.sender.kind == "sms" and dhl.sender.value == "DHL" and dhl.sender.name == ""


def test_a_bad_date_is_skipped_with_its_line_and_the_rest_read() -> None:
    items = _read(FIXTURES / "sms-20241201.xml")
    skips = [i for i in items if isinstance(i, Skip)]
    assert [(s.at, s.reason) for s in skips] == [("line 9", "no date, or one that cannot be read")]
    assert len(_messages(items)) == 6


def test_group_mms_names_everyone_and_its_sender_and_notes_the_picture() -> None:
    group = _messages(_read(FIXTURES / "sms-20241201.xml"))[-2]
    assert group.is_group and group.direction == "in"
    assert group.conversation == "mms:+4915112345678~+4915123456789"
    assert group.sender.value == "+4915112345678" and group.sender.name == "Lea Braun"
    assert {a.value for a in group.participants} == {"+4915123456789", "+4915112345678"}
    assert group.text.endswith("[1 attachment]")


def test_sent_mms_with_a_date_in_seconds_goes_to_the_one_chat() -> None:
    sent = _messages(_read(FIXTURES / "sms-20241201.xml"))[-1]
    assert sent.direction == "out" and sent.conversation == "+4915123456789"
    assert sent.sent_at.timestamp() == 1733000600


def test_calls_become_logged_calls_with_direction_and_duration() -> None:
    items = _read(FIXTURES / "calls-20241201.xml")
    found = [i for i in items if isinstance(i, LoggedCall)]
    assert [(c.number, c.direction, c.seconds) for c in found] == [
        ("+4915123456789", "incoming", 125),
        ("+4915123456789", "outgoing", 3725),
        ("+4915112345678", "missed", 0),
    ]
    assert found[1].describe() == "Outgoing call, 1 h 2 min 5 s"
    assert found[2].describe() == "Missed call"
    reasons = [(i.at, i.reason) for i in items if isinstance(i, Skip)]
    assert reasons == [
        ("line 7", "a call from a hidden number"),
        ("line 8", "a call of unknown type “9”"),
    ]


def test_a_truncated_file_keeps_what_was_read_and_says_where_it_broke(tmp_path: Path) -> None:
    whole = (FIXTURES / "sms-20241201.xml").read_bytes()
    cut = tmp_path / "sms-cut.xml"
    cut.write_bytes(whole[: whole.index(b"<mms")] + b"<sms address=")
    items = _read(cut)
    assert len(_messages(items)) == 4
    last = items[-1]
    assert isinstance(last, Skip) and "not readable XML" in last.reason and last.at == "line 11"


def test_halves_cut_by_a_chunk_boundary_are_joined() -> None:
    body = ("x" * 9 + "😀") * 3000
    data = ("<smses>" + sms_line("+15551230000", _when(), 1, body) + "</smses>").encode()
    for size in (64, 65, 70, 77, 1000):
        stream = RepairedXml(io.BytesIO(data))
        out = b"".join(iter(lambda s=stream, n=size: s.read(n), b""))  # type: ignore[misc]
        assert b"&#55357;" not in out and out.count(b"&#128512;") == 3000


def test_forbidden_characters_and_hex_halves() -> None:
    assert repair_refs(b"a&#1;b&#xD83D;&#xDE00;c") == b"a&#65533;b&#128512;c"
    assert repair_refs(b"&#56832;&#55357;") == b"&#65533;&#65533;"
    assert app_escape("é😀") == '"&#233;&#55357;&#56832;"'


def test_recognized_by_its_first_bytes() -> None:
    assert looks_like_backup((FIXTURES / "calls-20241201.xml").read_bytes())
    assert not looks_like_backup(b"<?xml version='1.0'?><rss></rss>")


def test_a_large_backup_streams_in_bounded_memory(tmp_path: Path) -> None:
    path = generate_sms(tmp_path / "sms-big.xml", 20000)
    tracemalloc.start()
    count = 0
    with path.open("rb") as f:
        for item in read_backup(f, path.name, ME, "US"):
            count += isinstance(item, ChatMessage)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 20000
    assert peak < path.stat().st_size / 4  # a file this size read whole would not fit


def test_written_files_parse(tmp_path: Path) -> None:
    path = write_sms(tmp_path / "sms-one.xml", [sms_line("+15551230000", _when(), 2, "hi 🎉")])
    (item,) = _messages(_read(path))
    assert item.text == "hi 🎉" and item.direction == "out"


def _when():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_the_owners_own_number_in_a_group_is_not_a_member(tmp_path: Path) -> None:
    from tests.helpers.sms_backup_export import mms_lines

    me = "+4917000000001"
    group = mms_lines(["+4915123456789", me, "+4915112345678"], me, "+4915112345678", _when(), "hi")
    path = write_sms(tmp_path / "sms-group.xml", [group])
    with path.open("rb") as f:
        (item,) = [i for i in read_backup(f, "x", ChatAddress("phone", me), "DE")
                   if isinstance(i, ChatMessage)]  # fmt: skip
    assert {a.value for a in item.participants} == {"+4915123456789", "+4915112345678"}
    assert item.conversation == "mms:+4915112345678~+4915123456789"
