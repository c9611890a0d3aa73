"""The import framework: a download read the same as a file, a folder or a .zip; formats
detected across every importer, or named with --format."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from unibox import cli
from unibox.channels.importers import registry
from unibox.channels.importers.source import Source

DATA = Path(__file__).parent.parent / "data" / "whatsapp"


def test_a_folder_and_its_zip_list_the_same_files(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder / "messages" / "inbox" / "olga_1").mkdir(parents=True)
    (folder / "messages" / "inbox" / "olga_1" / "message_1.json").write_text("{}")
    (folder / "users.json").write_text("[]")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("messages/inbox/olga_1/message_1.json", "{}")
        z.writestr("messages/", "")  # a directory entry is no file
        z.writestr("users.json", "[]")
    with Source(folder) as unpacked, Source(archive) as packed:
        assert (
            unpacked.names()
            == packed.names()
            == [
                "messages/inbox/olga_1/message_1.json",
                "users.json",
            ]
        )
        assert packed.where("users.json") == "export.zip:users.json"
        assert packed.head("users.json") == unpacked.head("users.json") == b"[]"
    with Source(folder / "users.json") as single:
        assert single.names() == ["users.json"] and single.text("users.json").read() == "[]"


def test_every_registered_importer_has_a_name_channel_and_detects(tmp_path: Path) -> None:
    names = [i.name for i in registry.importers()]
    assert len(names) == len(set(names)) and "whatsapp" in names
    (tmp_path / "notes.txt").write_text("groceries\n")
    with Source(tmp_path / "notes.txt") as notes:
        assert registry.detect(notes) is None
    with Source(DATA / "WhatsApp Chat with Olga.txt") as chat:
        found = registry.detect(chat)
        assert found is not None and found.channel == "whatsapp"


def test_an_unknown_format_name_is_refused_with_the_known_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UNIBOX_PROFILE", str(tmp_path / "profile"))
    code = cli.main(["import", str(DATA), "--format", "myspace"])
    err = capsys.readouterr().err
    assert code == 1 and "“myspace” is no export format" in err and "whatsapp" in err
    code = cli.main(["import", str(DATA / "WhatsApp Chat with Olga.txt"), "--format", "whatsapp"])
    assert code == 0 and "5 new message(s)" in capsys.readouterr().out


def test_every_imported_network_is_a_channel_of_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unibox.config import store_path
    from unibox.store.channels import present_channels
    from unibox.store.store import Store
    from unibox.store.views import View, ViewKind, view_ids

    monkeypatch.setenv("UNIBOX_PROFILE", str(tmp_path / "profile"))
    data = Path(__file__).parent.parent / "data"
    for export in ("telegram/result.json", "slack", "messenger", "instagram"):
        assert cli.main(["import", str(data / export), "--me", "Sam Becker"]) == 0
    store = Store(store_path(tmp_path / "profile"))
    with store.read() as s:
        keys = [k for k, _t, _i in present_channels(s)]
        assert {"telegram", "slack", "facebook", "instagram"} <= set(keys)
        assert view_ids(s, View(ViewKind.CHANNEL, channel="slack"))  # its rows are listed
