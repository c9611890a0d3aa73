"""Exporting people from the window to a vCard file: everyone, the people shown, one person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.ui.test_people import _go_people, _people, people_window  # noqa: F401  (a fixture)
from unibox.channels.importers.vcf import read_vcards
from unibox.ui.main_window import MainWindow
from unibox.ui.people.export_dialog import ExportDialog


def _export(qtbot: Any, dialog: ExportDialog, path: Path) -> str:
    dialog.set_path(path)
    with qtbot.waitSignal(dialog.exported, timeout=10_000) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    return str(blocker.args[0])


def test_export_everyone_reads_back_with_the_same_people(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    _go_people(qtbot, people_window)
    names = _people(qtbot, people_window)
    dialog = people_window.people.contacts.export()
    everyone = f"Everyone ({len(names)} people)"
    qtbot.waitUntil(lambda: dialog.everyone.text() == everyone, timeout=15_000)
    assert dialog.shown.isHidden()  # no search: the list shows everyone
    path = tmp_path / "everyone.vcf"
    sentence = _export(qtbot, dialog, path)
    assert sentence == f"Exported {len(names)} people to {path}."
    assert dialog.message.text() == sentence
    assert people_window.statusBar().currentMessage() == sentence
    read = read_vcards(path.read_bytes())
    assert not read.skipped
    assert sorted(c.display_name() for c in read.cards) == sorted(names)
    assert "VERSION:4.0" in path.read_text("utf-8")
    zoe = next(c for c in read.cards if c.display_name() == "Zoë Müller" and c.company)
    assert zoe.company == "Brightwave GmbH"
    assert zoe.title == "Head of Design"


def test_export_the_people_shown_or_the_selected_one_as_vcard_3(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    _go_people(qtbot, people_window)
    view = people_window.people.page.view
    with qtbot.waitSignal(view.model.loaded, timeout=15_000):
        qtbot.keyClicks(view.search, "Keystone")
    assert _people(qtbot, people_window) == ["Nadia Okafor"]
    dialog = people_window.people.contacts.export()
    qtbot.waitUntil(lambda: dialog.everyone.text() != "Everyone", timeout=15_000)
    assert not dialog.shown.isHidden()
    assert dialog.shown.text() == "The 1 person shown in the list"
    assert dialog.selected.text() == "Only Nadia Okafor"
    dialog.shown.setChecked(True)
    dialog.set_version("3.0")
    path = tmp_path / "shown.vcf"
    assert _export(qtbot, dialog, path) == f"Exported 1 person to {path}."
    text = path.read_text("utf-8")
    assert "VERSION:3.0" in text
    assert [c.display_name() for c in read_vcards(text).cards] == ["Nadia Okafor"]


def test_export_to_a_missing_folder_says_so_and_keeps_the_dialog(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    _go_people(qtbot, people_window)
    dialog = people_window.people.contacts.export()
    dialog.set_path(tmp_path / "nowhere" / "out.vcf")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "does not exist" in dialog.message.text()
    assert dialog.isVisible() and dialog.export_button.isEnabled()
    assert not (tmp_path / "nowhere").exists()


def test_an_existing_file_is_replaced_only_when_the_user_says_so(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    from unibox.ui.people.export_dialog import default_path

    _go_people(qtbot, people_window)
    kept = tmp_path / "contacts.vcf"
    kept.write_text("mine")
    assert default_path(tmp_path) == tmp_path / "contacts-2.vcf"
    dialog = people_window.people.contacts.export()
    dialog.set_path(kept)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert (
        dialog.message.text() == "contacts.vcf already exists. Replace it with the people chosen?"
    )
    assert dialog.export_button.text() == "Replace"
    assert kept.read_text() == "mine"
    with qtbot.waitSignal(dialog.exported, timeout=10_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert kept.read_text("utf-8").startswith("BEGIN:VCARD")
