"""The column mapping of a CSV import: each column, a sample, and where it goes (editable).

`MappingModel` holds the columns of the file and the target chosen for each;
the third column is edited with a combo box of the fields a column can fill
(as `unibox import --map` knows them), preset with what the file's format
suggests. `target_text` says a target in words.
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from unibox.channels.importers.contacts_csv import CsvPreview
from unibox.channels.importers.csv_mapping import Target

_WORDS = {
    "full_name": "Full name",
    "given_name": "First name",
    "middle_name": "Middle name",
    "family_name": "Last name",
    "nickname": "Nickname",
    "company": "Company",
    "title": "Job title",
    "birthday": "Birthday",
    "note": "Note",
    "email": "E-mail address",
    "phone": "Phone",
    "url": "Web address",
    "tags": "Tags",
    "street": "Street",
    "city": "City",
    "region": "State or region",
    "postcode": "Postcode",
    "country": "Country",
    "po_box": "PO box",
    "label": "Label",
    "custom": "Custom field",
    "ignore": "Don’t import",
}
# What the combo offers besides the column's own guess, in this order.
_CHOICES = (
    Target("full_name"),
    Target("given_name"),
    Target("middle_name"),
    Target("family_name"),
    Target("nickname"),
    Target("company"),
    Target("title"),
    Target("email"),
    Target("email", label="work"),
    Target("email", label="home"),
    Target("phone"),
    Target("phone", label="cell"),
    Target("phone", label="work"),
    Target("phone", label="home"),
    Target("url"),
    Target("birthday"),
    Target("note"),
    Target("tags"),
    Target("street"),
    Target("city"),
    Target("region"),
    Target("postcode"),
    Target("country"),
    Target("po_box"),
)
IGNORE = Target("ignore")
_LABEL_WORDS = {"cell": "mobile"}


def target_text(target: Target) -> str:
    """A target in words: "Phone (mobile)", "Custom field “Connected On”", "Street (address 1)"."""
    words = _WORDS.get(target.field, target.field)
    if target.field == "custom":
        return f"Custom field “{target.label}”" if target.label else words
    if target.field == "label":
        return f"Label of {target.group}" if target.group else words
    extra = [_LABEL_WORDS.get(target.label, target.label)] if target.label else []
    if target.group:
        extra.append(target.group)
    return f"{words} ({', '.join(extra)})" if extra else words


def choices_for(column: str, guessed: Target) -> list[Target]:
    """The targets offered for a column: its guess first, then the usual fields, then
    a custom field named after the column, then "don't import"."""
    custom = Target("custom", label=column.strip() or "Imported")
    out = [guessed]
    for t in (*_CHOICES, custom, IGNORE):
        if t not in out:
            out.append(t)
    return out


def _sample(preview: CsvPreview, column: int, width: int = 80) -> str:
    """The column's first non-empty value in the first rows, on one line."""
    for _line, row in preview.rows[:200]:
        if column < len(row) and row[column].strip() and not row[0].startswith("\0"):
            text = " ".join(row[column].split())
            return text if len(text) <= width else text[: width - 1] + "…"
    return ""


class Col(IntEnum):
    COLUMN = 0
    SAMPLE = 1
    TARGET = 2


TARGET_ROLE = Qt.ItemDataRole.UserRole + 1  # the Target of a row
_HEADERS = ("Column in the file", "Example", "Import as")


class MappingModel(QAbstractTableModel):
    """One row per column of the CSV file; the target is editable.

    Signals:
        mapping_changed(): a column now goes somewhere else.
    """

    mapping_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns: list[str] = []
        self._samples: list[str] = []
        self._targets: list[Target] = []
        self._guessed: list[Target] = []  # what the format suggested: always offered

    def set_preview(self, preview: CsvPreview) -> None:
        self.beginResetModel()
        self._columns = [c or f"(column {i + 1} has no name)" for i, c in
                         enumerate(preview.columns)]  # fmt: skip
        self._samples = [_sample(preview, i) for i in range(len(preview.columns))]
        self._targets = [preview.mapping[i] for i in range(len(preview.columns))]
        self._guessed = list(self._targets)
        self.endResetModel()

    def mapping(self) -> dict[int, Target]:
        return dict(enumerate(self._targets))

    def set_target(self, row: int, target: Target) -> None:
        self.setData(self.index(row, Col.TARGET), target, Qt.ItemDataRole.EditRole)

    def choices(self, row: int) -> list[Target]:
        return choices_for(self._columns[row], self._guessed[row])

    def row_of(self, column: str) -> int:
        return self._columns.index(column)

    # -- QAbstractItemModel ------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Col)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[section] if 0 <= section < len(_HEADERS) else None
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == Col.TARGET else base

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._columns):
            return None
        row, col = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == Col.COLUMN:
                return self._columns[row]
            if col == Col.SAMPLE:
                return self._samples[row] or ("" if role == Qt.ItemDataRole.ToolTipRole else "—")
            return target_text(self._targets[row])
        if role == Qt.ItemDataRole.EditRole and col == Col.TARGET:
            return target_text(self._targets[row])
        if role == TARGET_ROLE:
            return self._targets[row]
        return None

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: object,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if (
            not index.isValid()
            or index.column() != Col.TARGET
            or role not in (Qt.ItemDataRole.EditRole, TARGET_ROLE)
            or not isinstance(value, Target)
        ):
            return False
        if self._targets[index.row()] == value:
            return True
        self._targets[index.row()] = value
        self.dataChanged.emit(index, index)
        self.mapping_changed.emit()
        return True


class TargetDelegate(QStyledItemDelegate):
    """A combo box of the targets offered for the row's column."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName("TargetCombo")
        combo.setMaxVisibleItems(16)
        # Committed at once: the preview follows each choice.
        combo.activated.connect(lambda _i: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        model = index.model()
        if not isinstance(editor, QComboBox) or not isinstance(model, MappingModel):
            return
        current = model.data(index, TARGET_ROLE)
        editor.blockSignals(True)
        editor.clear()
        for target in model.choices(index.row()):
            editor.addItem(target_text(target), target)
        found = [n for n in range(editor.count()) if editor.itemData(n) == current]
        editor.setCurrentIndex(found[0] if found else 0)
        editor.blockSignals(False)

    def setModelData(
        self,
        editor: QWidget,
        model: object,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if isinstance(editor, QComboBox) and isinstance(model, MappingModel):
            target = editor.currentData()
            if isinstance(target, Target):
                model.setData(index, target, Qt.ItemDataRole.EditRole)
