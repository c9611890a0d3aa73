"""Import and export of contacts in the window: the People page's buttons and the menu entries.

`ContactsIO` opens the file dialog, then the ImportDialog or ExportDialog
(tests call `import_file` / `export` directly, without native dialogs), and
shows the People list once an import added people. A .vcf or .csv file
dropped on the People page is imported the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QToolButton

from unibox.ui.window_actions import Command

if TYPE_CHECKING:
    from unibox.services.contacts import ImportOutcome
    from unibox.ui.main_window import MainWindow
    from unibox.ui.people.export_dialog import ExportDialog
    from unibox.ui.people.import_dialog import ImportDialog
    from unibox.ui.people.page import PeoplePage
    from unibox.ui.people.wiring import PeopleSide

IMPORT_KEYS = ("Ctrl+Shift+M",)
EXPORT_KEYS = ("Ctrl+Shift+E",)
DROPPED = (".vcf", ".vcard", ".csv")
FILE_FILTER = "Contacts (*.vcf *.vcard *.csv);;vCard (*.vcf *.vcard);;CSV (*.csv);;All files (*)"


class ContactsIO(QObject):
    """Import contacts… and Export contacts…, from the People header and the Mail menu.

    Signals:
        status(str): a sentence for the status bar.
    """

    status = Signal(str)

    def __init__(self, window: MainWindow, side: PeopleSide) -> None:
        super().__init__(window)
        self.window = window
        self.side = side
        self.last_dialog: ImportDialog | ExportDialog | None = None
        self._buttons: tuple[QToolButton, QToolButton] | None = None
        commands = window.commands
        mail = commands.menus["mail"]
        settings = next((a for a in mail.actions() if a.text().startswith("Se&ttings")), None)
        added = [
            commands.add("mail", Command("&Import contacts…", IMPORT_KEYS, self.choose_import,
                                         "Import contacts from a file")),
            commands.add("mail", Command("E&xport contacts…", EXPORT_KEYS, self.export,
                                         "Export contacts to a vCard file")),
        ]  # fmt: skip
        if settings is not None:  # beside the other things that are not mail
            for action in added:
                mail.insertAction(settings, action)
            mail.insertSeparator(settings)
        self.status.connect(lambda text: window.statusBar().showMessage(text, 8000))

    def attach(self, page: PeoplePage) -> None:
        """The People page was built: its header's buttons, and files dropped on it."""
        view = page.view
        buttons = []
        for text, tip, slot in (
            ("Import…", "Import contacts from a vCard or CSV file", self.choose_import),
            ("Export…", "Export people to a vCard file", self.export),
        ):
            button = QToolButton(view)
            button.setObjectName("HeaderToggle")
            button.setText(text)
            button.setToolTip(tip)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _c=False, s=slot: s())
            view.heading.addSpacing(8)
            view.heading.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
            buttons.append(button)
        self._buttons = (buttons[0], buttons[1])
        page.setAcceptDrops(True)
        page.installEventFilter(self)

    @property
    def import_button(self) -> QToolButton:
        self.side.page  # noqa: B018  (built on first use, which adds the buttons)
        assert self._buttons is not None
        return self._buttons[0]

    @property
    def export_button(self) -> QToolButton:
        self.side.page  # noqa: B018
        assert self._buttons is not None
        return self._buttons[1]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A contacts file dragged over the People page: accepted, and imported on drop."""
        kind = event.type()
        drag = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)
        if kind in drag and isinstance(event, QDropEvent):
            path = dropped_file(event.mimeData())
            if path is not None:
                event.acceptProposedAction()
                if kind == QEvent.Type.Drop:
                    self.import_file(path)
                return True
        return super().eventFilter(watched, event)

    def choose_import(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self.window, "Import contacts", str(Path.home()), FILE_FILTER
        )
        if path:
            self.import_file(path)

    def import_file(self, path: str | Path) -> ImportDialog:
        """Open the import dialog on this file."""
        from unibox.ui.people.import_dialog import ImportDialog  # loaded on first use

        dialog = ImportDialog(self.window.bridge, self.side.page.loader.region, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(self._imported)
        dialog.person_chosen.connect(self.side.open_person)
        self.last_dialog = dialog
        dialog.open()
        dialog.load_path(path)
        return dialog

    def _imported(self, outcome: ImportOutcome) -> None:
        added, updated = outcome.added, outcome.updated
        self.status.emit(f"Contacts imported: {added:,} added, {updated:,} updated.")
        if outcome.people:
            from unibox.ui.people.switcher import PEOPLE

            self.side.show(PEOPLE, focus=False)

    def export(self) -> ExportDialog:
        """Open the export dialog: everyone, the people the list shows, or the selected one."""
        from unibox.ui.people.export_dialog import ExportDialog  # loaded on first use

        model = self.side.page.view.model
        filtered = bool(model.query) or model.cold_days is not None
        ids = [pid for r in range(model.rowCount()) if (pid := model.person_id(r)) is not None]
        selected = None
        current = self.side.page.view.list.currentIndex()
        if self.side.page.started and current.isValid():
            row = model.cached(current.row())
            pid = model.person_id(current.row())
            if pid is not None:
                selected = (pid, row.display_name if row is not None else "the selected person")
        from unibox.store.people_list import people_ids

        bridge = self.window.bridge
        dialog = ExportDialog(bridge, None, ids if filtered else None, selected, self.window)
        # Counted in the store: the list may not show everyone, or not yet an import's people.
        bridge.read(lambda s: len(people_ids(s)), dialog.set_everyone, lane="side")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exported.connect(self.status)
        self.last_dialog = dialog
        dialog.open()
        return dialog


def dropped_file(mime: QMimeData) -> Path | None:
    """The first local .vcf or .csv file among the dragged URLs."""
    for url in mime.urls():
        if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in DROPPED:
            return Path(url.toLocalFile())
    return None
