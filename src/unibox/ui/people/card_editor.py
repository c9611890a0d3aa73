"""The contact card in the record, edited in place: Edit (or F2), Save (Ctrl+Enter), Esc."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from unibox.core.contacts import CardHandle
from unibox.core.errors import UserError
from unibox.core.identity import HANDLE_KINDS
from unibox.store.persons import HandleInfo, PersonHead
from unibox.ui.people.card_text import (
    KIND_WORDS,
    address_line,
    check_handle,
    custom_lines,
    edited_card,
)


class _HandleRow(QWidget):
    """One handle: its kind and value, and Split off (reading) or Remove (editing)."""

    def __init__(self, kind: str, value: str, handle_id: int | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.kind, self.value, self.handle_id = kind, value, handle_id
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        kind_label = QLabel(kind, self)
        kind_label.setObjectName("Muted")
        kind_label.setFixedWidth(64)
        text = QLabel(value, self)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.split = QToolButton(self)
        self.split.setObjectName("LinkButton")
        self.split.setText("Split off")
        self.split.setToolTip("This is someone else: move it to a new person")
        self.remove = QToolButton(self)
        self.remove.setObjectName("LinkButton")
        self.remove.setText("Remove")
        for w in (kind_label, text):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.split)
        row.addWidget(self.remove)


class CardEditor(QFrame):
    """Shows the card; Edit turns its fields editable, Save hands back the new card.

    Handles are checked as they are added (a bad phone number gets a sentence
    and stays in the field); removing a stored handle splits it off on save.

    Signals:
        save_requested(object, str, list): the edited ContactCard, the name,
            and the ids of handles taken off (split off on save).
        split_requested(int): a handle id to move to a new person.
        problem(str): a sentence about what the user typed.
    """

    save_requested = Signal(object, str, list)
    split_requested = Signal(int)
    problem = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CardEditor")
        self.region = ""
        self.record: PersonHead | None = None
        self.editing = False
        self._rows: list[_HandleRow] = []
        self._removed: list[int] = []
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(8)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(6)
        self.name = self._line("Name")
        self.company = self._line("Company")
        self.title = self._line("Title")
        self.birthday = self._line("Birthday: 1984-05-17")
        self.tags = self._line("Tags, separated by commas")
        self.addresses = self._text("One a line: Street 1, City, Postcode, Country")
        self.custom = self._text("One a line: Label: value")
        for label, w in (
            ("Name", self.name),
            ("Company", self.company),
            ("Title", self.title),
            ("Birthday", self.birthday),
            ("Tags", self.tags),
            ("Addresses", self.addresses),
            ("Other", self.custom),
        ):
            form.addRow(self._label(label), w)
        col.addLayout(form)
        col.addWidget(self._label("Handles"))
        self._handles = QVBoxLayout()
        self._handles.setSpacing(2)
        col.addLayout(self._handles)
        add = QHBoxLayout()
        self.new_kind = QComboBox(self)
        for kind in HANDLE_KINDS:
            self.new_kind.addItem(KIND_WORDS[kind], kind)
        self.new_value = QLineEdit(self)
        self.new_value.setPlaceholderText("Add a handle, then Enter")
        self.new_value.returnPressed.connect(self._add_handle)
        add.addWidget(self.new_kind)
        add.addWidget(self.new_value, 1)
        col.addLayout(add)
        self.adder: list[QWidget] = [self.new_kind, self.new_value]
        buttons = QHBoxLayout()
        self.edit_button = QPushButton("Edit card", self)
        self.save_button = QPushButton("Save", self)
        self.save_button.setObjectName("PrimaryButton")
        self.cancel_button = QPushButton("Cancel", self)
        for b in (self.edit_button, self.save_button, self.cancel_button):
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            buttons.addWidget(b)
        buttons.addStretch(1)
        col.addLayout(buttons)
        self.edit_button.clicked.connect(self.start_editing)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancel)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            ("F2", self.start_editing),
            ("Escape", self.cancel),
            ("Ctrl+Return", self.save),
            ("Ctrl+Enter", self.save),
        ):
            QShortcut(QKeySequence(keys), self, slot, context=context)
        self._set_editing(False)

    def _label(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName("FieldLabel")
        return label

    def _line(self, placeholder: str) -> QLineEdit:
        w = QLineEdit(self)
        w.setObjectName("CardField")
        w.setProperty("hint", placeholder)
        return w

    def _text(self, placeholder: str) -> QPlainTextEdit:
        w = QPlainTextEdit(self)
        w.setObjectName("CardField")
        w.setProperty("hint", placeholder)
        w.setTabChangesFocus(True)
        w.setFixedHeight(52)
        return w

    # -- showing -------------------------------------------------------------------

    def show_record(self, record: PersonHead) -> None:
        """Shows the stored card; an edit in progress of the same person is kept."""
        same = self.record is not None and self.record.id == record.id
        self.record = record
        if self.editing and same:
            return
        self._fill(record)
        self._set_editing(False)

    def _fill(self, record: PersonHead) -> None:
        card = record.card
        self.name.setText(record.display_name)
        self.company.setText(card.company)
        self.title.setText(card.title)
        self.birthday.setText(card.birthday)
        self.tags.setText(", ".join(card.tags))
        self.addresses.setPlainText("\n".join(address_line(a) for a in card.addresses))
        self.custom.setPlainText(custom_lines(card))
        self._removed = []
        for r in self._rows:
            r.deleteLater()
        self._rows = []
        for h in record.handles:
            self._add_row(h.kind, h.value, h)

    def _add_row(self, kind: str, value: str, info: HandleInfo | None) -> None:
        row = _HandleRow(kind, value, info.id if info else None, self)
        row.split.clicked.connect(lambda _c=False, r=row: self._split(r))
        row.remove.clicked.connect(lambda _c=False, r=row: self._remove(r))
        row.split.setVisible(not self.editing and info is not None and len(self._rows) > 0)
        row.remove.setVisible(self.editing)
        self._handles.addWidget(row)
        self._rows.append(row)
        if len(self._rows) == 2 and not self.editing:  # the first row can be split off too now
            self._rows[0].split.setVisible(self._rows[0].handle_id is not None)

    def _set_editing(self, editing: bool) -> None:
        self.editing = editing
        for w in (self.name, self.company, self.title, self.birthday, self.tags):
            w.setPlaceholderText(w.property("hint") if editing else "—")
            w.setReadOnly(not editing)
            w.setProperty("editing", editing)
            w.style().unpolish(w)
            w.style().polish(w)
        for t in (self.addresses, self.custom):
            t.setPlaceholderText(t.property("hint") if editing else "—")
            t.setReadOnly(not editing)
            t.setProperty("editing", editing)
            t.style().unpolish(t)
            t.style().polish(t)
        for part in self.adder:
            part.setVisible(editing)
        many = len(self._rows) > 1
        for r in self._rows:
            r.remove.setVisible(editing)
            r.split.setVisible(not editing and many and r.handle_id is not None)
        self.edit_button.setVisible(not editing)
        self.save_button.setVisible(editing)
        self.cancel_button.setVisible(editing)

    # -- editing -------------------------------------------------------------------

    def start_editing(self) -> None:
        if self.record is None or self.editing:
            return
        self._set_editing(True)
        self.company.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.company.selectAll()

    def cancel(self) -> None:
        if self.editing and self.record is not None:
            self._fill(self.record)
            self._set_editing(False)

    def _add_handle(self) -> None:
        kind = str(self.new_kind.currentData())
        try:
            handle = check_handle(kind, self.new_value.text(), self.region)
        except UserError as exc:
            self.problem.emit(str(exc))
            return
        if any((r.kind, r.value) == (handle.kind, handle.value) for r in self._rows):
            self.problem.emit(f"{handle.value} is on the card already.")
            return
        self._add_row(handle.kind, handle.value, None)
        self.new_value.clear()

    def _remove(self, row: _HandleRow) -> None:
        if row.handle_id is not None:
            self._removed.append(row.handle_id)
        self._rows.remove(row)
        row.deleteLater()

    def _split(self, row: _HandleRow) -> None:
        if row.handle_id is not None:
            self.split_requested.emit(row.handle_id)

    def save(self) -> None:
        if not self.editing or self.record is None:
            return
        if self.new_value.text().strip():  # typed but not yet added: add it, or say why not
            before = len(self._rows)
            self._add_handle()
            if len(self._rows) == before:
                return
        if not self.name.text().strip():
            self.problem.emit("A person's name cannot be empty.")
            return
        labels = {(h.kind, h.value): h.label for h in self.record.card.handles}
        try:
            card = edited_card(
                replace(self.record.card, full_name=self.name.text().strip()),
                company=self.company.text(),
                title=self.title.text(),
                birthday=self.birthday.text(),
                tags=self.tags.text(),
                addresses=self.addresses.toPlainText(),
                custom=self.custom.toPlainText(),
                handles=tuple(
                    CardHandle(r.kind, r.value, labels.get((r.kind, r.value), ""))
                    for r in self._rows
                ),
            )
        except UserError as exc:
            self.problem.emit(str(exc))
            return
        self._set_editing(False)
        self.save_requested.emit(card, self.name.text().strip(), list(self._removed))
