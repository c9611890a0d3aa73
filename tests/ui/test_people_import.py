"""Importing contacts from the window: CSV mapping and preview, the report, vCards, bad files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from tests.ui.test_people import _go_people, _people, people_window  # noqa: F401  (a fixture)
from unibox.channels.importers.csv_mapping import Target
from unibox.store.person_card import read_card
from unibox.store.person_edit import find_person
from unibox.store.schema import Person
from unibox.ui.main_window import MainWindow
from unibox.ui.people.import_dialog import ImportDialog
from unibox.ui.people.import_mapping import Col, MappingModel
from unibox.ui.people.switcher import PEOPLE

GOOGLE = (
    "Name,Given Name,Family Name,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,"
    "Phone 1 - Type,Phone 1 - Value,Organization 1 - Name,Organization 1 - Title\r\n"
    'Ada Lovelace,Ada,Lovelace,"Met at the Analytical\r\nEngine demo, London",'
    "* myContacts ::: Friends,* Home,ada@engine.example,Mobile,+44 20 7946 0018,"
    "Analytical Engines Ltd,Programmer\r\n"
    ",,,,* myContacts,* Home,,,,,\r\n"
    "Grace Hopper,Grace,Hopper,,* myContacts,* Work,grace@navy.example,,,US Navy,Rear Admiral\r\n"
)
LINKEDIN = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address."\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Priya,Raman,https://www.linkedin.com/in/priyaraman,priya@raman.example,Acme Robotics,"
    "CTO,12 Mar 2024\n"
    "Tomás,Ibarra,https://www.linkedin.com/in/tibarra,,Fjord Analytics,Data Lead,03 Jan 2023\n"
)
VCF = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Linus Berg\r\nEMAIL:linus@berg.example\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nobody\r\nEND:VCARD\r\n"
)


def _write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_bytes(b"\xef\xbb\xbf" + data.encode("utf-8") if name == "google.csv" else
                         data.encode("utf-8"))  # fmt: skip
    else:
        path.write_bytes(data)
    return path


def _open(qtbot: Any, window: MainWindow, path: Path) -> ImportDialog:
    if window.people.mode != PEOPLE:
        _go_people(qtbot, window)
    dialog = window.people.contacts.import_file(path)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() in (0, 1) and "Reading" not in
                    dialog.message.text(), timeout=15_000)  # fmt: skip
    return dialog


def _import(qtbot: Any, dialog: ImportDialog) -> None:
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)


def _count_people(window: MainWindow) -> int:
    from sqlalchemy import func, select

    with window.bridge.store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Person)) or 0)


def test_google_csv_shows_format_columns_and_preview(
    qtbot: Any,
    qtmodeltester: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    dialog = _open(qtbot, people_window, _write(tmp_path, "google.csv", GOOGLE))
    assert dialog.message.text() == "Looks like a Google Contacts export."
    model = dialog.mapping
    assert isinstance(model, MappingModel)
    qtmodeltester.check(model)
    columns = [model.index(r, Col.COLUMN).data() for r in range(model.rowCount())]
    assert columns[0] == "Name"  # the BOM is not part of the first column's name
    assert "Organization 1 - Name" in columns
    notes = model.row_of("Notes")
    assert model.index(notes, Col.SAMPLE).data() == "Met at the Analytical Engine demo, London"
    assert model.index(notes, Col.TARGET).data() == "Note"
    assert model.index(model.row_of("E-mail 1 - Value"), Col.TARGET).data().startswith("E-mail")
    assert dialog.preview_names() == ["Ada Lovelace", "Grace Hopper"]
    first = dialog.preview.topLevelItem(0)
    assert first is not None
    assert first.text(1) == "ada@engine.example, +44 20 7946 0018"
    assert first.text(2) == "Programmer · Analytical Engines Ltd"
    # Every column has its combo, showing where the column goes.
    combo = dialog.table.indexWidget(model.index(model.row_of("Organization 1 - Name"), Col.TARGET))
    assert isinstance(combo, QComboBox)
    assert combo.currentText() == "Company"
    # The whole file is counted (off the GUI thread) and counted again after each change.
    counts = "3 rows in the file: 2 to import, 1 row to skip (the report says why)."
    qtbot.waitUntil(lambda: dialog.counts.text() == counts, timeout=15_000)
    for column in ("Name", "Given Name", "Family Name", "E-mail 1 - Value", "Phone 1 - Value",
                   "Organization 1 - Name"):  # fmt: skip
        model.set_target(model.row_of(column), Target("ignore"))
    assert dialog.preview_names() == []
    nobody = (
        "3 rows in the file: 0 to import, 3 rows to skip (the report says why)."
        "  No column holds e-mail addresses or phone numbers."
    )
    qtbot.waitUntil(lambda: dialog.counts.text() == nobody, timeout=15_000)


def test_ignoring_a_column_drops_it_from_preview_and_import(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    dialog = _open(qtbot, people_window, _write(tmp_path, "google.csv", GOOGLE))
    model = dialog.mapping
    row = model.row_of("Organization 1 - Name")
    combo = dialog.table.indexWidget(model.index(row, Col.TARGET))
    assert isinstance(combo, QComboBox)
    # Chosen in the combo as a user does: the last entry is "Don't import".
    combo.setFocus()
    combo.setCurrentIndex(combo.count() - 1)
    combo.activated.emit(combo.count() - 1)
    assert model.index(row, Col.TARGET).data() == "Don’t import"
    first = dialog.preview.topLevelItem(0)
    assert first is not None and first.text(2) == "Programmer"
    _import(qtbot, dialog)
    with people_window.bridge.store.read() as s:
        pid = find_person(s, "ada@engine.example")
        assert pid is not None
        card = read_card(s, pid)
    assert card.company == ""
    assert card.title == "Programmer"
    assert "Analytical\nEngine demo" in card.note  # the quoted line break is kept


def test_import_reports_added_and_skipped_rows_and_lists_the_people(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    before = _people(qtbot, people_window)
    assert "Ada Lovelace" not in before
    dialog = _open(qtbot, people_window, _write(tmp_path, "google.csv", GOOGLE))
    model = people_window.people.page.view.model
    with qtbot.waitSignal(model.loaded, timeout=15_000):
        _import(qtbot, dialog)
    assert dialog.title.text() == "Added 2 people."
    assert dialog.report.skipped_title.text() == "1 row was not imported"
    # The multi-line note makes Ada's row two lines: the nameless row is on line 4.
    assert dialog.report.skipped_rows() == [
        ("Line 4", "It has no name, e-mail address or phone number.")
    ]
    assert dialog.close_button.isVisible() and not dialog.import_button.isVisible()
    names = _people(qtbot, people_window)
    assert {"Ada Lovelace", "Grace Hopper"} <= set(names)
    assert dialog.report.people_rows() == [("Ada Lovelace", "New"), ("Grace Hopper", "New")]
    # Importing the same file again adds nobody, and lists nobody.
    dialog.accept()
    again = _open(qtbot, people_window, _write(tmp_path, "google.csv", GOOGLE))
    _import(qtbot, again)
    assert again.title.text() == "2 were already up to date."
    assert again.report.people.isHidden() and again.report.people_rows() == []
    # A changed row updates its person; Enter on a name in the report opens their record.
    changed = GOOGLE.replace("Rear Admiral", "Commodore")
    third = _open(qtbot, people_window, _write(tmp_path, "google.csv", changed))
    _import(qtbot, third)
    assert third.title.text() == "Updated 1, 1 already up to date."
    assert third.report.people_rows() == [("Grace Hopper", "Updated")]
    third.report.people.setFocus()
    record = people_window.people.page.record
    with qtbot.waitSignal(people_window.people.page.loader.loaded, timeout=15_000):
        qtbot.keyClick(third.report.people, Qt.Key.Key_Return)
    assert not shiboken6.isValid(third)  # closed (and gone) when the person opened
    assert people_window.people.page.stack.currentWidget() is record
    loaded = people_window.people.page.loader.record
    assert loaded is not None and loaded.display_name == "Grace Hopper"


def test_linkedin_connections_with_notes_above_the_header(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    dialog = _open(qtbot, people_window, _write(tmp_path, "Connections.csv", LINKEDIN))
    assert dialog.message.text() == "Looks like a LinkedIn Connections.csv export."
    model = dialog.mapping
    assert model.rowCount() == 7  # the notes are not columns
    assert model.index(model.row_of("Connected On"), Col.TARGET).data() == (
        "Custom field “Connected On”"
    )
    assert dialog.preview_names() == ["Priya Raman", "Tomás Ibarra"]
    model.set_target(model.row_of("Connected On"), Target("ignore"))
    _import(qtbot, dialog)
    assert dialog.title.text() == "Added 2 people."
    assert dialog.report.skipped_title.text() == "Every row in the file was imported."
    with people_window.bridge.store.read() as s:
        pid = find_person(s, "priya@raman.example")
        assert pid is not None
        card = read_card(s, pid)
    assert (card.company, card.title) == ("Acme Robotics", "CTO")
    assert "https://www.linkedin.com/in/priyaraman" in card.urls
    assert not [c for c in card.custom if c[0] == "Connected On"]


def test_vcard_has_no_mapping_step_and_the_same_report(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    dialog = _open(qtbot, people_window, _write(tmp_path, "friends.vcf", VCF))
    assert dialog.message.text() == "A vCard file with 1 card."
    assert dialog.table.isHidden()
    assert dialog.preview_names() == ["Linus Berg"]
    counts = "1 card to import, 1 card to skip (the report says why)."
    qtbot.waitUntil(lambda: dialog.counts.text() == counts, timeout=15_000)
    _import(qtbot, dialog)
    assert dialog.title.text() == "Added 1 person."
    assert dialog.report.skipped_rows() == [
        ("Card 2 (line 6)", "It has no name, e-mail address or phone.")
    ]


def test_bad_files_get_a_sentence_and_change_nothing(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    count = _count_people(people_window)
    cases = {
        "empty.csv": (b"", "is empty"),
        "photo.csv": (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(64), "is not a text file"),
        "letter.docx": (b"Dear Ada,\nthanks.\n", "is neither"),
        "header.csv": (b"Name,E-mail Address\n\n", "no rows of contacts"),
        "fake.vcf": (b"Name,Email\nAda,ada@x.example\n", "no BEGIN:VCARD"),
    }
    for name, (data, words) in cases.items():
        dialog = _open(qtbot, people_window, _write(tmp_path, name, data))
        text = dialog.message.text()
        assert words in text and text.endswith("Nothing was imported."), (name, text)
        assert dialog.message.property("problem") is True
        assert not dialog.import_button.isEnabled()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible()
    assert _count_people(people_window) == count


def test_import_and_export_are_on_the_people_page_and_in_the_menu(
    people_window: MainWindow,  # noqa: F811
) -> None:
    contacts = people_window.people.contacts
    assert contacts.import_button.text() == "Import…"
    assert contacts.export_button.text() == "Export…"
    actions = people_window.commands.actions
    assert actions["Import contacts…"].shortcut().toString() == "Ctrl+Shift+M"
    assert actions["Export contacts…"].shortcut().toString() == "Ctrl+Shift+E"
    keys = [a.shortcut().toString() for a in people_window.commands.actions.values()]
    assert keys.count("Ctrl+Shift+M") == 1 and keys.count("Ctrl+Shift+E") == 1


def test_the_mapping_is_changed_with_the_keyboard(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    dialog = _open(qtbot, people_window, _write(tmp_path, "Connections.csv", LINKEDIN))
    model = dialog.mapping
    row = model.row_of("Position")
    combo = dialog.table.indexWidget(model.index(row, Col.TARGET))
    assert isinstance(combo, QComboBox)
    assert combo.currentText() == "Job title"
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_End)  # the last choice: don't import
    assert model.index(row, Col.TARGET).data() == "Don’t import"
    first = dialog.preview.topLevelItem(0)
    assert first is not None and first.text(2) == "Acme Robotics"
    qtbot.keyClick(combo, Qt.Key.Key_Home)  # back to what the format suggested
    assert model.index(row, Col.TARGET).data() == "Job title"
    again = dialog.preview.topLevelItem(0)
    assert again is not None and again.text(2) == "CTO · Acme Robotics"


def test_the_dialog_stays_while_importing_and_closing_while_reading_is_safe(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, "Connections.csv", LINKEDIN)
    dialog = _open(qtbot, people_window, path)
    steps: list[str] = []
    dialog.step.connect(steps.append, Qt.ConnectionType.QueuedConnection)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.busy and dialog.message.text() == "Importing 2 contacts from Connections.csv…"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # the import goes on: the dialog stays
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10_000)
    assert dialog.title.text() == "Added 2 people."
    assert steps == ["Saving 2 contacts…", "Looking for people who may be the same…"]
    dialog.accept()
    # Closed before the file was read: the late answer is dropped quietly.
    late = people_window.people.contacts.import_file(path)
    late.reject()
    assert not late.isVisible()
    assert people_window.bridge.wait_idle()
    qtbot.wait(50)  # the answer is delivered (and dropped) after the dialog is gone


def test_a_file_dropped_on_the_people_page_is_imported_and_people_shown(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    from unibox.ui.people.switcher import MAIL

    _go_people(qtbot, people_window)
    page = people_window.people.page
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    at = QPoint(300, 300)
    buttons, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    move = Qt.DropAction.CopyAction
    refused = QDragEnterEvent(at, move, mime, buttons, none)
    QApplication.sendEvent(page, refused)
    assert not refused.isAccepted()  # not a contacts file: no drop here
    mime.setUrls([QUrl.fromLocalFile(str(_write(tmp_path, "friends.vcf", VCF)))])
    enter = QDragEnterEvent(at, move, mime, buttons, none)
    QApplication.sendEvent(page, enter)
    assert enter.isAccepted()
    # Dropped while Mail is shown (the page keeps its filter): People comes back.
    people_window.people.show(MAIL)
    QApplication.sendEvent(page, QDropEvent(at, move, mime, buttons, none))
    dialog = people_window.people.contacts.last_dialog
    assert isinstance(dialog, ImportDialog)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=15_000)
    with qtbot.waitSignal(page.view.model.loaded, timeout=15_000):
        _import(qtbot, dialog)
    assert people_window.people.mode == PEOPLE
    assert "Linus Berg" in _people(qtbot, people_window)


def test_an_outlook_export_in_utf16_or_windows_1252_reads_right(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    outlook = (
        "First Name,Last Name,Company,Job Title,E-mail Address,Business Phone,Mobile Phone\r\n"
        "Jürgen,Weiß,Öko Bau GmbH,Bauleiter,juergen@oekobau.example,+49 89 123456,\r\n"
    )
    for name, data in (
        ("outlook-utf16.csv", b"\xff\xfe" + outlook.encode("utf-16-le")),
        ("outlook-1252.csv", outlook.encode("cp1252")),
    ):
        dialog = _open(qtbot, people_window, _write(tmp_path, name, data))
        assert dialog.message.text() == "Looks like an Outlook contacts export.", name
        assert dialog.preview_names() == ["Jürgen Weiß"], name
        first = dialog.preview.topLevelItem(0)
        assert first is not None and first.text(2) == "Bauleiter · Öko Bau GmbH"
        dialog.reject()


def test_the_keys_open_import_and_export_from_anywhere(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    from PySide6.QtWidgets import QApplication, QFileDialog

    from unibox.ui.people.export_dialog import ExportDialog

    path = _write(tmp_path, "friends.vcf", VCF)
    asked: list[str] = []

    def chosen(_parent: object, caption: str, *_args: object) -> tuple[str, str]:
        asked.append(caption)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", chosen)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(people_window, Qt.Key.Key_M, ctrl_shift)  # from Mail
    dialog = people_window.people.contacts.last_dialog
    assert asked == ["Import contacts"] and isinstance(dialog, ImportDialog)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=15_000)
    assert dialog.preview_names() == ["Linus Berg"]
    dialog.reject()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    people_window.people.show(PEOPLE)
    people_window.activateWindow()  # no window manager gives it back under Xvfb
    qtbot.waitUntil(lambda: QApplication.activeWindow() is people_window, timeout=15_000)
    qtbot.keyClick(people_window, Qt.Key.Key_E, ctrl_shift)  # and from People
    export = people_window.people.contacts.last_dialog
    assert isinstance(export, ExportDialog) and export.isVisible()
    export.reject()
