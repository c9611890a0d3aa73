"""Import history… in the window: choose an export (a file, a .zip or a folder), import it
in the background with a progress bar, then show the report.

The work is `services.imports.import_path`, as `unibox import PATH` runs it;
its progress callback runs on the task thread and reaches the dialog as a
queued signal. Tests call `import_path` directly, without native dialogs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from unibox.ui.window_actions import Command

if TYPE_CHECKING:
    from unibox.services.imports import ImportProgress, ImportReport
    from unibox.ui.bridge import Bridge
    from unibox.ui.main_window import MainWindow

IMPORT_KEYS: tuple[str, ...] = ()  # the Mail menu; Ctrl+Shift+O is the Outbox
FILE_FILTER = "Exports (*.zip *.txt *.json *.js *.csv *.xml *.eml *.mbox);;All files (*)"


class ImportDialog(QDialog):
    """The progress of one import, then its report.

    Signals:
        imported(ImportReport): the import finished (the report is shown).
        failed(str): the import stopped, with the sentence shown.
    """

    imported = Signal(object)
    failed = Signal(str)
    _progressed = Signal(object)

    def __init__(self, bridge: Bridge, region: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import history")
        self.setObjectName("HistoryImport")
        self.resize(640, 460)
        self._bridge = bridge
        self._region = region
        self.report: ImportReport | None = None
        self.path = Path()
        self.busy = False
        layout = QVBoxLayout(self)
        self.title = QLabel("Reading…")
        self.title.setObjectName("DialogTitle")
        self.title.setWordWrap(True)
        self.step = QLabel("")
        self.step.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.facts = QLabel("")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.skipped = QTreeWidget()
        self.skipped.setHeaderLabels(["Skipped", "Why"])
        self.skipped.setRootIsDecorated(False)
        self.skipped.setColumnWidth(0, 240)
        self.skipped.hide()
        self.me_field = QLineEdit()
        self.me_field.setPlaceholderText("Your name (or number) as the export writes it")
        self.me_field.hide()
        self.retry_button = QPushButton("Import as this person")
        self.retry_button.hide()
        self.retry_button.clicked.connect(self._retry)
        self.buttons = QDialogButtonBox()
        self.buttons.addButton(self.retry_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = QPushButton("Close")
        self.close_button.setEnabled(False)
        self.close_button.clicked.connect(self.accept)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.AcceptRole)
        for w in (self.title, self.step, self.bar, self.me_field, self.facts):
            layout.addWidget(w)
        layout.addWidget(self.skipped, 1)
        layout.addStretch(0)
        layout.addWidget(self.buttons)
        self._progressed.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)

    def start(self, path: Path, me: str = "") -> None:
        """Import `path` on a task thread; the dialog follows it and then reports."""
        from unibox.services.imports import import_path

        self.busy = True
        self.path = path
        self.bar.show()
        self.me_field.hide()
        self.retry_button.hide()
        self.title.setText(f"Importing {path.name}…")
        self.step.setText("Looking at what it holds…")
        store, region, tell = self._bridge.store, self._region, self._progressed.emit

        def work() -> ImportReport:
            return import_path(store, path, region, me, tell)

        self._bridge.run(work, self._done, self._failed)

    def _show_progress(self, p: ImportProgress) -> None:
        if not self.busy:
            return
        if p.total:
            self.bar.setRange(0, p.total)
            self.bar.setValue(min(p.done, p.total))
            self.step.setText(f"{p.label}: {p.done:,} of {p.total:,}")
        else:
            self.bar.setRange(0, 0)
            self.step.setText(f"{p.label}: {p.done:,} read")

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        text = str(exc) or exc.__class__.__name__
        self.title.setText("Nothing more was imported.")
        self.step.setText(text)
        self.bar.hide()
        self.close_button.setEnabled(True)
        if "--me" in text:  # whose export it is: asked here instead
            self.step.setText(text.split("; say it with --me")[0] + ".")
            self.me_field.show()
            self.retry_button.show()
            self.me_field.setFocus()
        self.failed.emit(text)

    def _retry(self) -> None:
        if self.me_field.text().strip():
            self.start(self.path, self.me_field.text().strip())

    def _done(self, report: ImportReport) -> None:
        from unibox.services.import_summary import details, headline, skipped_rows

        self.busy = False
        self.report = report
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.bar.hide()
        self.title.setText(headline(report))
        self.step.setText("")
        self.facts.setText("\n".join(details(report)))
        rows = skipped_rows(report)
        if rows:
            more = report.skipped_count - len(rows)
            self.skipped.setHeaderLabels(
                [
                    f"Skipped ({report.skipped_count:,})",
                    "Why" + (f" — {more:,} more" if more > 0 else ""),
                ]
            )
            for where, why in rows:
                self.skipped.addTopLevelItem(QTreeWidgetItem([where, why]))
            self.skipped.show()
        self.close_button.setEnabled(True)
        self.close_button.setFocus()
        if report.changes:
            self._bridge.post_changes(report.changes)
        self.imported.emit(report)


class HistoryImport(QObject):
    """The Mail menu's "Import history…" (a file or a folder) and the dialog it opens."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.last_dialog: ImportDialog | None = None
        commands = window.commands
        mail = commands.menus["mail"]
        settings = next((a for a in mail.actions() if a.text().startswith("Se&ttings")), None)
        added = [
            commands.add("mail", Command("Import &history…", IMPORT_KEYS, self.choose_file,
                                         "Import a chat, social or mail export")),
            commands.add("mail", Command("Import history &folder…", (), self.choose_folder)),
        ]  # fmt: skip
        if settings is not None:
            for action in added:
                mail.insertAction(settings, action)

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self.window, "Import history from an export", str(Path.home()), FILE_FILTER
        )
        if path:
            self.import_path(path)

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self.window, "Import history from an unpacked export or a Maildir", str(Path.home())
        )
        if path:
            self.import_path(path)

    def import_path(self, path: str | Path, me: str = "") -> ImportDialog:
        from unibox.ui.people.record_loader import phone_region

        dialog = ImportDialog(self.window.bridge, phone_region(self.window.settings), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(self._imported)
        self.last_dialog = dialog
        dialog.open()
        dialog.start(Path(path), me)
        return dialog

    def _imported(self, report: ImportReport) -> None:
        self.window.statusBar().showMessage(
            f"Imported {report.messages:,} new messages from {report.title}.", 8000
        )
