"""`unibox import` of Facebook Messenger and Instagram downloads: mojibake repaired,
channels and handles of each network, the owner, events apart; idempotent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.cli import as_json, run
from tests.helpers.imports import assert_history_only
from tests.helpers.messenger_export import mojibake, write_download
from unibox.channels.importers.messenger import repair

FB = Path(__file__).parent.parent / "data" / "messenger"
IG = Path(__file__).parent.parent / "data" / "instagram"


def test_latin1_escaped_utf8_is_repaired_and_right_text_left_alone() -> None:
    assert repair("CafÃ©") == "Café"
    assert repair("\u00f0\u009f\u0098\u008a") == "😊"  # the four bytes of U+1F60A
    assert repair(mojibake("Grüße aus Köln – 👍")) == "Grüße aus Köln – 👍"
    assert repair("Café") == "Café"  # é alone is no UTF-8 sequence: kept
    assert repair("Zürich ✓") == "Zürich ✓"  # above U+00FF: never was mojibake


def test_a_facebook_download_lands_once_with_its_text_repaired(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", str(FB))
    assert code == 0, err
    assert "2 conversation(s), 6 new message(s)" in out and "you are “Sam Becker”" in out
    code, out, _ = run(capsys, "import", str(FB))
    assert code == 0 and "0 new message(s), 6 already imported" in out
    assert sorted(p["name"] for p in as_json(capsys, "people")) == ["Jörg Weber", "Olga Petrova"]
    olga = as_json(capsys, "person", "show", "facebook:Olga Petrova")
    assert {t["channel"] for t in olga["timeline"]} == {"facebook"}
    assert [t["direction"] for t in olga["timeline"]][:2] == ["out", "in"]
    code, out, _ = run(capsys, "search", "channel:facebook café")
    assert "Café tomorrow? 😊" in out
    code, out, _ = run(capsys, "search", "köln")
    assert "Grüße aus Köln – die Muster sind da" in out
    code, out, _ = run(capsys, "search", "katalog")
    assert "https://example.org/katalog" in out  # a shared link is part of the text
    assert_history_only(profile)


def test_calls_unsent_messages_and_group_events_are_no_messages(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "import", str(FB))
    assert code == 0
    for said in ("calls (1)", "unsent messages (1)", "joined the group (1)",
                 "connected on Messenger (1)", "1 with media"):  # fmt: skip
        assert said in out
    assert (
        "launchteam_20331/message_1.json messages[3]: no time (timestamp_ms) that can be read"
        in out
    )
    code, out, _ = run(capsys, "search", "channel:facebook priya")
    assert "added Priya" not in out


def test_instagram_unpacked_or_zipped_is_its_own_channel(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", str(IG))
    assert code == 0 and "3 new message(s)" in out, err
    lucia = as_json(capsys, "person", "show", "instagram:Lucía Gómez")
    assert {t["channel"] for t in lucia["timeline"]} == {"instagram"}
    code, out, _ = run(capsys, "search", "channel:instagram catálogo")
    assert "¿Tienes el catálogo? 📦" in out
    code, out, _ = run(capsys, "search", "channel:instagram instagram.com")
    assert "https://www.instagram.com/p/Cxyz/" in out and "sent an attachment" not in out
    # An older download: messages/inbox at the top, told by the archive's name.
    old = tmp_path / "old"
    shutil.copytree(IG / "your_instagram_activity", old)
    archive = shutil.make_archive(str(tmp_path / "instagram-sambecker-2024-03-01"), "zip", old)
    code, out, _ = run(capsys, "import", archive, "--me", "Sam Becker")
    assert code == 0 and "0 new message(s), 3 already imported" in out


def test_the_owner_is_the_one_in_every_conversation_or_asked_for(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    both = write_download(tmp_path / "both", 30, threads=2)
    code, out, err = run(capsys, "import", str(both))
    assert code == 0 and "you are “Sam Becker”" in out, err
    alone = write_download(tmp_path / "alone", 5, threads=1)
    code, out, _ = run(capsys, "import", str(alone))  # one chat: the one not its title
    assert code == 0 and "you are “Sam Becker”" in out
    group = tmp_path / "group"
    shutil.copytree(FB / "your_facebook_activity" / "messages" / "inbox" / "launchteam_20331",
                    group / "messages" / "inbox" / "launchteam_20331")  # fmt: skip
    code, _out, err = run(capsys, "import", str(group))
    assert code == 1 and "--me" in err


def test_a_later_overlapping_download_split_in_files_adds_only_what_is_new(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write_download(tmp_path / "first", 100, per_file=40)
    assert run(capsys, "import", str(first))[0] == 0
    later = write_download(tmp_path / "later", 150, per_file=40)
    archive = shutil.make_archive(str(tmp_path / "facebook-sambecker"), "zip", later)
    code, out, _ = run(capsys, "import", archive)
    assert code == 0 and "100 new message(s), 200 already imported" in out


def test_a_cut_short_file_keeps_the_messages_before_the_cut(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    download = write_download(tmp_path / "download", 50, threads=1)
    (part,) = download.rglob("message_1.json")
    part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])
    code, out, err = run(capsys, "import", str(download), "--me", "Sam Becker")
    assert code == 0, err
    assert "new message(s)" in out and " 0 new message(s)" not in out
    assert "message_1.json messages[" in out and "the file ends early" in out
