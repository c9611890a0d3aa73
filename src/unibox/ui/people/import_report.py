"""The end of an import: who was added or updated (each opens), and every row skipped with why."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from unibox.channels.importers.vcf import Skipped
from unibox.services.contacts import ImportOutcome


def plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def skipped_row(skip: Skipped) -> tuple[str, str]:
    """("Line 7", "It has no name, e-mail address or phone number.") for the report."""
    reason = skip.reason.strip()
    reason = reason[:1].upper() + reason[1:]
    return skip.where[:1].upper() + skip.where[1:], reason if reason.endswith(".") else reason + "."


def report_headline(outcome: ImportOutcome) -> str:
    parts = []
    if outcome.added:
        parts.append(f"Added {plural(outcome.added, 'person', 'people')}")
    if outcome.updated:
        parts.append(f"{'updated' if parts else 'Updated'} {outcome.updated:,}")
    if outcome.unchanged:
        word = "already up to date" if parts else "were already up to date"
        parts.append(f"{outcome.unchanged:,} {word}")
    if not parts:
        return "Nobody was imported."
    return ", ".join(parts) + "."


class ImportReport(QWidget):
    """The report page of the import dialog.

    Signals:
        person_chosen(int): a name was activated (Enter or a double click).
    """

    person_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        self.skipped_title = QLabel("", self)
        self.skipped_title.setObjectName("SectionTitle")
        self.skipped = QTreeWidget(self)
        self.skipped.setObjectName("ImportSkipped")
        self.skipped.setRootIsDecorated(False)
        self.skipped.setHeaderLabels(["Where in the file", "Why it was not imported"])
        self.skipped.setColumnWidth(0, 170)
        self.skipped.setWordWrap(True)
        self.notes = QLabel("", self)
        self.notes.setObjectName("Muted")
        self.notes.setWordWrap(True)
        self.people_title = QLabel("", self)
        self.people_title.setObjectName("SectionTitle")
        self.people = QTreeWidget(self)
        self.people.setObjectName("ImportPeople")
        self.people.setRootIsDecorated(False)
        self.people.setHeaderLabels(["Name", ""])
        self.people.setColumnWidth(0, 320)
        self.people.setToolTip("Enter or a double click opens the person")
        self.people.itemActivated.connect(self._person_activated)
        col.addWidget(self.people_title)
        col.addWidget(self.people, 2)
        col.addWidget(self.skipped_title)
        col.addWidget(self.skipped, 1)
        col.addWidget(self.notes)

    def _person_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        pid = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(pid, int):
            self.person_chosen.emit(pid)

    def show_outcome(self, outcome: ImportOutcome, unit: tuple[str, str]) -> None:
        """Fill the page; `unit` names what the file holds ("row", "rows")."""
        n = len(outcome.skipped)
        self.skipped_title.setText(
            f"{plural(n, *unit)} {'was' if n == 1 else 'were'} not imported"
            if n
            else f"Every {unit[0]} in the file was imported."
        )
        self.skipped.setVisible(bool(n))
        self.skipped.clear()
        for skip in outcome.skipped:
            item = QTreeWidgetItem(list(skipped_row(skip)))
            item.setToolTip(1, item.text(1))
            self.skipped.addTopLevelItem(item)
        self._list_people(outcome)
        self.notes.setText("\n".join(outcome.notes))
        self.notes.setVisible(bool(outcome.notes))

    def _list_people(self, outcome: ImportOutcome) -> None:
        self.people.clear()
        for pid, name, added in outcome.changed:
            item = QTreeWidgetItem([name or "(no name)", "New" if added else "Updated"])
            item.setData(0, Qt.ItemDataRole.UserRole, pid)
            self.people.addTopLevelItem(item)
        shown = len(outcome.changed)
        more = outcome.added + outcome.updated - shown
        self.people_title.setText(
            "Added and updated"
            + (f" (the first {shown:,}; {more:,} more)" if more > 0 else "")
            + "  ·  double-click a name to open it"
        )
        for w in (self.people_title, self.people):
            w.setVisible(bool(shown))
        first = self.people.topLevelItem(0)
        if first is not None:  # current for the keyboard, not painted as selected
            self.people.setCurrentItem(first, 0, QItemSelectionModel.SelectionFlag.NoUpdate)

    def people_rows(self) -> list[tuple[str, str]]:
        items = (self.people.topLevelItem(n) for n in range(self.people.topLevelItemCount()))
        return [(i.text(0), i.text(1)) for i in items if i is not None]

    def skipped_rows(self) -> list[tuple[str, str]]:
        items = (self.skipped.topLevelItem(n) for n in range(self.skipped.topLevelItemCount()))
        return [(i.text(0), i.text(1)) for i in items if i is not None]
