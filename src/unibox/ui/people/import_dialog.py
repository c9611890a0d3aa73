"""Import contacts from a .vcf or .csv file: mapping and preview, import, then a report.

The file is read off the GUI thread; a CSV file shows each column with an
example and where it goes (preset by the detected format, changeable), and
the first people as they will be imported, following each change. Import
runs through Bridge.run in one transaction; the report says how many people
were added or updated and which rows were skipped and why. A file that
cannot be imported gets a sentence and changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from unibox.channels.importers.csv_mapping import Target
from unibox.core.contacts import ContactCard
from unibox.core.errors import UserError
from unibox.core.identity import EMAIL, PHONE
from unibox.core.items import ChangeSet
from unibox.services.contacts import (
    ContactsFile,
    ImportOutcome,
    Plan,
    import_contacts,
    planned_cards,
    read_contacts_file,
)
from unibox.ui.bridge import Bridge
from unibox.ui.people.import_mapping import Col, MappingModel, TargetDelegate
from unibox.ui.people.import_report import ImportReport, plural, report_headline

PREVIEW_ROWS = 60  # rows read for the preview, which follows every mapping change
PREVIEW_PEOPLE = 8


def _sentence(exc: Exception) -> str:
    return str(exc) if isinstance(exc, UserError) else f"Something went wrong: {exc}"


def card_cells(card: ContactCard) -> list[str]:
    """Name, how to reach them, company and title, for the preview."""
    reach = [h.value for h in card.handles if h.kind in (EMAIL, PHONE)]
    more = len(reach) - 2
    work = " · ".join(x for x in (card.title, card.company) if x)
    return [
        card.display_name() or "(no name)",
        ", ".join(reach[:2]) + (f" +{more}" if more > 0 else ""),
        work,
    ]


class ImportDialog(QDialog):
    """Read a contacts file, show what will be imported, import it, say what happened.

    Signals:
        ready(): the file was read (or refused); the page for it is shown.
        imported(object): the ImportOutcome, after the store was written.
        person_chosen(int): open this person (a name in the report was activated).
        step(str): what the import is doing now (emitted on its thread, shown queued).
    """

    ready = Signal()
    imported = Signal(object)
    step = Signal(str)
    person_chosen = Signal(int)

    def __init__(self, bridge: Bridge, region: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AccountDialog")  # the dialogs' shared look
        self.setWindowTitle("Import contacts")
        self.resize(860, 640)
        self._bridge = bridge
        self._region = region
        self.file: ContactsFile | None = None
        self.outcome: ImportOutcome | None = None
        self.busy = False  # importing: the dialog stays until the store says what happened
        self._closed = False  # answers that arrive after closing are dropped
        self._counting = 0  # the newest count asked for
        col = QVBoxLayout(self)
        col.setContentsMargins(22, 18, 22, 18)
        col.setSpacing(10)
        self.title = QLabel("Import contacts", self)
        self.title.setObjectName("DialogTitle")
        self.message = QLabel("", self)
        self.message.setObjectName("FormMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        col.addWidget(self.title)
        col.addWidget(self.message)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(QWidget(self.pages))  # reading, or a file refused
        self.pages.addWidget(self._plan_page())
        self.pages.addWidget(self._progress_page())
        self.report = ImportReport(self.pages)
        self.pages.addWidget(self.report)
        col.addWidget(self.pages, 1)
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton("Cancel", self)
        self.import_button = QPushButton("Import", self)
        self.import_button.setObjectName("PrimaryButton")
        self.import_button.setEnabled(False)
        self.close_button = QPushButton("Close", self)
        self.close_button.setObjectName("PrimaryButton")
        self.close_button.hide()
        buttons.addStretch(1)
        for b in (self.cancel_button, self.import_button, self.close_button):
            buttons.addWidget(b)
        col.addLayout(buttons)
        self.cancel_button.clicked.connect(self.reject)
        self.close_button.clicked.connect(self.accept)
        self.import_button.clicked.connect(self.start_import)
        self.report.person_chosen.connect(self._person_chosen)
        self.step.connect(self._show_step, Qt.ConnectionType.QueuedConnection)

    def reject(self) -> None:
        if not self.busy:
            super().reject()

    def done(self, result: int) -> None:
        self._closed = True
        super().done(result)

    # -- building -------------------------------------------------------------------

    def _plan_page(self) -> QWidget:
        page = QWidget(self)
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        self.columns_title = QLabel("Where each column goes", page)
        self.columns_title.setObjectName("SectionTitle")
        self.mapping = MappingModel(self)
        self.table = QTableView(page)
        self.table.setModel(self.mapping)
        self.table.setItemDelegateForColumn(Col.TARGET, TargetDelegate(self.table))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.setObjectName("ImportColumns")
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(Col.COLUMN, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Col.SAMPLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Col.TARGET, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(Col.COLUMN, 230)
        self.table.setColumnWidth(Col.TARGET, 250)
        self.preview_title = QLabel("The first people, as they will be imported", page)
        self.preview_title.setObjectName("SectionTitle")
        self.preview = QTreeWidget(page)
        self.preview.setObjectName("ImportPreview")
        self.preview.setRootIsDecorated(False)
        self.preview.setHeaderLabels(["Name", "E-mail or phone", "Work"])
        self.preview.setColumnWidth(0, 220)
        self.preview.setColumnWidth(1, 300)
        self.preview.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.counts = QLabel("", page)
        self.counts.setObjectName("Muted")
        for w in (self.columns_title, self.table, self.preview_title, self.preview, self.counts):
            col.addWidget(w)
        col.setStretch(1, 3)
        col.setStretch(3, 2)
        self.mapping.mapping_changed.connect(self._show_preview)
        return page

    def _progress_page(self) -> QWidget:
        page = QWidget(self)
        col = QVBoxLayout(page)
        col.addStretch(1)
        self.progress = QProgressBar(page)
        self.progress.setRange(0, 0)  # one transaction: busy until it is done
        self.progress.setTextVisible(False)
        self.step_text = QLabel("", page)
        self.step_text.setObjectName("Muted")
        self.step_text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        col.addWidget(self.progress)
        col.addWidget(self.step_text)
        col.addStretch(2)
        return page

    def _person_chosen(self, person_id: int) -> None:
        self.accept()
        self.person_chosen.emit(person_id)

    # -- reading ----------------------------------------------------------------------

    def load_path(self, path: str | Path) -> None:
        """Read this file (off the GUI thread) and show what importing it would do."""
        path = Path(path)
        self.title.setText(f"Import contacts from “{path.name}”")
        self._say(f"Reading {path.name}…")
        self.pages.setCurrentIndex(0)
        self.import_button.setEnabled(False)
        self._bridge.run(lambda: read_contacts_file(path), self._read, self._refused)

    def _say(self, text: str, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("problem", problem)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def _refused(self, exc: Exception) -> None:
        if self._closed:
            return
        self._say(f"{_sentence(exc)} Nothing was imported.", problem=True)
        self.pages.setCurrentIndex(0)
        self.ready.emit()

    def _read(self, file: ContactsFile) -> None:
        if self._closed:
            return
        self.file = file
        self._say(file.describe())
        is_csv = file.csv is not None
        for w in (self.columns_title, self.table):
            w.setVisible(is_csv)
        if file.csv is not None:
            self.mapping.set_preview(file.csv)
            for row in range(self.mapping.rowCount()):
                self.table.openPersistentEditor(self.mapping.index(row, Col.TARGET))
        self._show_preview()
        self.pages.setCurrentIndex(1)
        self.import_button.setEnabled(True)
        self.import_button.setFocus()
        self.ready.emit()

    def _show_preview(self) -> None:
        if self.file is None:
            return
        mapping = self.mapping.mapping() if self.file.csv is not None else None
        plan = planned_cards(self.file, mapping, limit=PREVIEW_ROWS)
        self.preview.clear()
        for card in plan.cards[:PREVIEW_PEOPLE]:
            self.preview.addTopLevelItem(QTreeWidgetItem(card_cells(card)))
        self._count(mapping)

    def _count(self, mapping: dict[int, Target] | None) -> None:
        """How many people the whole file gives and how many rows it skips (off the GUI
        thread: a big file takes a second); an answer for an older mapping is dropped."""
        file = self.file
        if file is None:
            return
        self._counting += 1
        generation = self._counting
        if file.csv is not None:
            self.counts.setText(f"{plural(len(file.csv.rows), 'row', 'rows')} in the file.")

        def done(plan: Plan) -> None:
            if generation == self._counting and not self._closed:
                self._show_counts(plan)

        self._bridge.run(lambda: planned_cards(file, mapping), done, lambda _e: None)

    def _show_counts(self, plan: Plan) -> None:
        csv = self.file is not None and self.file.csv is not None
        unit = ("row", "rows") if csv else ("card", "cards")
        people, skipped = len(plan.cards), len(plan.skipped)
        total = people + skipped
        text = f"{plural(total, *unit)} in the file: " if csv else ""
        text += f"{people:,} to import" if csv else f"{plural(people, *unit)} to import"
        if skipped:
            text += f", {plural(skipped, *unit)} to skip (the report says why)"
        text += "."
        if plan.notes:
            text += "  " + "  ".join(plan.notes)
        self.counts.setText(text)

    def preview_names(self) -> list[str]:
        items = (self.preview.topLevelItem(n) for n in range(self.preview.topLevelItemCount()))
        return [i.text(0) for i in items if i is not None]

    # -- importing -------------------------------------------------------------------

    def start_import(self) -> None:
        file = self.file
        if file is None or not self.import_button.isEnabled():
            return
        mapping = self.mapping.mapping() if file.csv is not None else None
        store, region = self._bridge.store, self._region
        self.import_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.pages.setCurrentIndex(2)
        total = (
            len(file.csv.rows) if file.csv is not None else len(file.vcf.cards if file.vcf else [])
        )
        self._say(f"Importing {plural(total, 'contact', 'contacts')} from {file.path.name}…")
        self.busy = True
        self.step_text.setText(f"Reading {file.path.name}…")

        step = self.step.emit

        def work() -> ImportOutcome:
            plan = planned_cards(file, mapping)
            if not plan.cards:
                outcome = ImportOutcome()
            else:
                outcome = import_contacts(store, plan.cards, region, step)
            outcome.skipped = plan.skipped
            outcome.notes = plan.notes + outcome.notes
            return outcome

        self._bridge.run(work, self._done, self._failed)

    def _show_step(self, text: str) -> None:
        if self.busy:
            self.step_text.setText(text)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self._say(f"Nothing was imported: {_sentence(exc)}", problem=True)
        self.pages.setCurrentIndex(1)
        self.import_button.setEnabled(True)
        self.cancel_button.setEnabled(True)

    def _done(self, outcome: ImportOutcome) -> None:
        self.busy = False
        self.outcome = outcome
        self.title.setText(report_headline(outcome))
        said = f"From {self.file.path.name}." if self.file is not None else ""
        if outcome.suggestions:
            dupes = plural(outcome.suggestions, "possible duplicate is", "possible duplicates are")
            said += f" {dupes} waiting under Suggested merges."
        self._say(said.strip())
        csv = self.file is not None and self.file.csv is not None
        self.report.show_outcome(outcome, ("row", "rows") if csv else ("card", "cards"))
        self.pages.setCurrentIndex(3)
        self.cancel_button.hide()
        self.import_button.hide()
        self.close_button.show()
        self.close_button.setFocus()
        if outcome.people:
            self._bridge.post_changes(ChangeSet(people=set(outcome.people)))
        self.imported.emit(outcome)
