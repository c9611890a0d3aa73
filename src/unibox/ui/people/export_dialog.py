"""Export people to a vCard file: everyone, the people shown, or the one selected.

The file is written off the GUI thread; the dialog ends with a sentence
("Exported 54 people to contacts.vcf.") and a problem is said in the dialog,
which keeps the choices made.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from unibox.core.errors import UserError
from unibox.services.contacts import export_people
from unibox.ui.bridge import Bridge

VERSIONS = (("vCard 4.0 (current address books)", "4.0"), ("vCard 3.0 (older apps)", "3.0"))


def default_path(folder: Path) -> Path:
    """contacts.vcf in the folder, or contacts-2.vcf, … when that exists."""
    path, n = folder / "contacts.vcf", 1
    while path.exists():
        n += 1
        path = folder / f"contacts-{n}.vcf"
    return path


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


class ExportDialog(QDialog):
    """Which people, which vCard version, which file; Export.

    `everyone` is how many people there are (None: not known yet), `shown` the
    ids the People list shows (a search or a filter; None when it shows
    everyone) and `selected` the selected person (id, name), if any.

    Signals:
        exported(str): the sentence said at the end.
    """

    exported = Signal(str)

    def __init__(
        self,
        bridge: Bridge,
        everyone: int | None,
        shown: list[int] | None,
        selected: tuple[int, str] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("AccountDialog")
        self.setWindowTitle("Export contacts")
        self.setMinimumWidth(560)
        self._bridge = bridge
        self._shown = shown
        self._selected = selected
        self.busy = False  # writing: the dialog stays until it is written
        self._replace: Path | None = None  # a file the user agreed to replace
        self._closed = False
        col = QVBoxLayout(self)
        col.setContentsMargins(22, 18, 22, 18)
        col.setSpacing(10)
        title = QLabel("Export contacts", self)
        title.setObjectName("DialogTitle")
        col.addWidget(title)
        form = QFormLayout()
        form.setSpacing(10)
        who = QVBoxLayout()
        self.scope = QButtonGroup(self)
        self.everyone = QRadioButton(
            f"Everyone ({_people(everyone)})" if everyone is not None else "Everyone", self
        )
        self.shown = QRadioButton(f"The {_people(len(shown or []))} shown in the list", self)
        self.selected = QRadioButton(f"Only {selected[1]}" if selected else "Only one", self)
        for n, button in enumerate((self.everyone, self.shown, self.selected)):
            self.scope.addButton(button, n)
            who.addWidget(button)
        self.shown.setVisible(shown is not None)
        self.selected.setVisible(selected is not None)
        self.everyone.setChecked(True)
        form.addRow("People", who)
        self.version = QComboBox(self)
        for text, value in VERSIONS:
            self.version.addItem(text, value)
        form.addRow("Format", self.version)
        where = QHBoxLayout()
        self.path = QLineEdit(str(default_path(Path.home())), self)
        self.path.textChanged.connect(self._path_changed)
        choose = QPushButton("Choose…", self)
        choose.clicked.connect(self._choose)
        where.addWidget(self.path, 1)
        where.addWidget(choose)
        form.addRow("File", where)
        col.addLayout(form)
        self.message = QLabel("", self)
        self.message.setObjectName("FormMessage")
        self.message.setWordWrap(True)
        col.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton("Cancel", self)
        self.export_button = QPushButton("Export", self)
        self.export_button.setObjectName("PrimaryButton")
        self.export_button.setDefault(True)
        self.close_button = QPushButton("Close", self)
        self.close_button.setObjectName("PrimaryButton")
        self.close_button.hide()
        for b in (self.cancel_button, self.export_button, self.close_button):
            buttons.addWidget(b)
        col.addLayout(buttons)
        self.cancel_button.clicked.connect(self.reject)
        self.close_button.clicked.connect(self.accept)
        self.export_button.clicked.connect(self.start_export)

    def _path_changed(self, _text: str) -> None:
        if self._replace is not None:
            self._replace = None
            self.export_button.setText("Export")
            self._say("")

    def reject(self) -> None:
        if not self.busy:
            super().reject()

    def set_everyone(self, count: int) -> None:
        """How many people there are, once counted."""
        if not self._closed:
            self.everyone.setText(f"Everyone ({_people(count)})")

    def done(self, result: int) -> None:
        self._closed = True
        super().done(result)

    def set_path(self, path: str | Path) -> None:
        self.path.setText(str(path))

    def set_version(self, version: str) -> None:
        self.version.setCurrentIndex(max(0, self.version.findData(version)))

    def _choose(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export contacts", self.path.text(), "vCard (*.vcf)"
        )
        if path:
            self.set_path(path if Path(path).suffix else path + ".vcf")

    def _say(self, text: str, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("problem", problem)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def chosen_ids(self) -> list[int] | None:
        """The ids to export; None for everyone."""
        if self.selected.isChecked() and self._selected is not None:
            return [self._selected[0]]
        if self.shown.isChecked() and self._shown is not None:
            return list(self._shown)
        return None

    def start_export(self) -> None:
        text = self.path.text().strip()
        if not text:
            self._say("Choose the file to write the contacts to.", problem=True)
            return
        path = Path(text).expanduser()
        if not path.parent.is_dir():
            self._say(f"The folder {path.parent} does not exist.", problem=True)
            return
        if path.exists() and path != self._replace:
            self._replace = path
            self.export_button.setText("Replace")
            self._say(
                f"{path.name} already exists. Replace it with the people chosen?", problem=True
            )
            return
        ids, version, store = self.chosen_ids(), str(self.version.currentData()), self._bridge.store
        self.export_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.busy = True
        self._say(f"Writing {path.name}…")
        self._bridge.run(lambda: export_people(store, ids, path, version),
                         lambda n: self._done(n, path), self._failed)  # fmt: skip

    def _failed(self, exc: Exception) -> None:
        text = str(exc) if isinstance(exc, UserError) else f"The file was not written: {exc}"
        self.busy = False
        self._say(text, problem=True)
        self.export_button.setEnabled(True)
        self.cancel_button.setEnabled(True)

    def _done(self, count: int, path: Path) -> None:
        self.busy = False
        sentence = f"Exported {_people(count)} to {path}."
        self._say(sentence)
        self.cancel_button.hide()
        self.export_button.hide()
        self.close_button.show()
        self.close_button.setFocus()
        self.exported.emit(sentence)
