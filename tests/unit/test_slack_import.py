"""`unibox import` of Slack workspace exports: channels, DMs, threads, edits, users as
people joined by e-mail, bots and Slack's notices apart; idempotent, never aborting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.cli import as_json, run
from tests.helpers.imports import assert_history_only, replies
from tests.helpers.slack_export import write_export
from unibox.config import store_path
from unibox.store.people import claim_identity
from unibox.store.store import Store

DATA = Path(__file__).parent.parent / "data" / "slack"
THREAD = "slack:C01GEN:1709287260.000200"


def test_an_unpacked_export_lands_once_with_dms_as_one_to_one_chats(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", str(DATA), "--me", "sam")
    assert code == 0, err
    assert "2 conversation(s), 7 new message(s)" in out and "you are “Sam Becker”" in out
    code, out, _ = run(capsys, "import", str(DATA), "--me", "sam")
    assert code == 0 and "0 new message(s), 7 already imported" in out
    olga = as_json(capsys, "person", "show", "slack:U02OLGA")
    by_text = {t["snippet"]: t for t in olga["timeline"]}
    sent, asked = (
        by_text["Sent, with the <draft> marked."],
        by_text["Can you send me the contract?"],
    )
    assert (sent["direction"], asked["direction"]) == ("out", "in")
    assert sent["conversation_id"] == asked["conversation_id"]  # the DM: one chat of its own
    channel = by_text["the quote [file: quote-2024.pdf]"]  # a snippet is one line
    assert channel["conversation_id"] != sent["conversation_id"]
    assert sorted(p["name"] for p in as_json(capsys, "people")) == ["Olga Petrova", "Priya Nair"]
    assert_history_only(profile)


def test_users_join_the_people_who_have_their_address_and_the_owner_is_found_by_it(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = tmp_path / "olga.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Olga P.\r\nEMAIL:olga.petrova@example.com\r\n"
        "END:VCARD\r\n"
    )
    assert run(capsys, "import", str(card))[0] == 0
    store = Store(store_path(profile))
    with store.write() as s:
        claim_identity(s, "sam@example.org", "Sam")  # the user's own mail address
    code, out, err = run(capsys, "import", str(DATA))  # no --me: the address tells
    assert code == 0 and "you are “Sam Becker”" in out, err
    assert "people: 1 created, 1 matched" in out  # Priya new; Olga the card's person
    olga = as_json(capsys, "person", "show", "olga.petrova@example.com")
    assert {t["channel"] for t in olga["timeline"]} == {"slack"}
    assert len(as_json(capsys, "people")) == 2


def test_an_export_whose_owner_is_unknown_says_so(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "import", str(DATA))
    assert code == 0 and "note: who exported this workspace is not known" in out
    assert "7 new message(s)" in out


def test_threads_edits_files_and_markup(profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "import", str(DATA), "--me", "sam")
    assert code == 0
    answers = replies(profile)
    assert answers["slack:C01GEN:1709287320.000300"] == THREAD
    assert answers["slack:C01GEN:1709287380.000400"] == THREAD and THREAD not in answers
    assert "1 edited (the last text is kept)" in out and "1 with files" in out
    code, out, _ = run(capsys, "search", "channel:slack plan")
    assert "Kick-off on @here? See the plan (https://example.org/plan) & #general" in out
    code, out, _ = run(capsys, "search", "channel:slack monday works")
    assert "Monday works for @Olga Petrova" in out
    code, out, _ = run(capsys, "search", "channel:slack quote")
    assert "[file: quote-2024.pdf]" in out
    code, out, _ = run(capsys, "search", "channel:slack draft")
    assert "Sent, with the <draft> marked." in out


def test_bots_and_notices_are_no_messages_and_bad_records_are_listed(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "import", str(DATA), "--me", "sam")
    assert code == 0
    assert "messages of bots and apps (2)" in out and "joined the channel (1)" in out
    assert "general/2024-03-01.json [7]: no time stamp (ts) that can be read" in out
    assert "general/2024-03-02.json [1]: the file ends early" in out
    code, out, _ = run(capsys, "search", "channel:slack cut")
    assert "before the cut" in out  # what came before the flaw is kept
    code, out, _ = run(capsys, "search", "deployed")
    assert "Deployed" not in out


def test_the_zip_as_downloaded_and_a_later_overlapping_one(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write_export(tmp_path / "Acme Slack export Jan 2023.zip", 1000)
    code, out, err = run(capsys, "import", str(first), "--me", "p0")
    assert code == 0 and "6 conversation(s), 1001 new message(s)" in out, err
    later = write_export(tmp_path / "Acme Slack export Feb 2023.zip", 1500)
    code, out, _ = run(capsys, "import", str(later), "--me", "p0")
    assert code == 0 and "500 new message(s), 1001 already imported" in out
    # The same export unpacked is the same export.
    folder = tmp_path / "unpacked"
    shutil.unpack_archive(later, folder)
    code, out, _ = run(capsys, "import", str(folder), "--me", "p0")
    assert code == 0 and "0 new message(s), 1501 already imported" in out


def test_a_group_dm_is_a_group_named_by_its_members(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "export"
    shutil.copytree(DATA, export)
    (export / "mpims.json").write_text(
        '[{"id": "G01", "name": "mpdm-sam--olga--priya-1", "created": 1700000200,'
        ' "creator": "U01SAM", "members": ["U01SAM", "U02OLGA", "U03PRIYA"]}]'
    )
    (export / "mpdm-sam--olga--priya-1").mkdir()
    (export / "mpdm-sam--olga--priya-1" / "2024-03-04.json").write_text(
        '[{"type": "message", "user": "U03PRIYA", "text": "all three of us?",'
        ' "ts": "1709546400.000100"}]'
    )
    code, out, err = run(capsys, "import", str(export), "--me", "sam@example.org")
    assert code == 0 and "3 conversation(s), 8 new message(s)" in out, err
    code, out, _ = run(capsys, "search", "channel:slack three")
    assert "all three of us?" in out
    store = Store(store_path(profile))
    with store.read() as s:
        from sqlalchemy import select

        from unibox.store.schema import Conversation

        kinds = dict(s.execute(select(Conversation.subject, Conversation.kind)).all())
    assert kinds["Olga Petrova, Priya Nair"] == "group" and kinds["Olga Petrova"] == "chat"
