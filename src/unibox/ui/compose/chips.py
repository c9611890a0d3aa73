"""A recipients field of chips: one per address, the one being typed in a line at the end."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from unibox.core.address_list import parse_address_list, take_entries
from unibox.core.header_safety import UnsafeHeaderError
from unibox.ui.bridge import Bridge
from unibox.ui.compose.completion import AddressCompleter, SuggestionModel
from unibox.ui.compose.sending import address_problem
from unibox.ui.widgets.flow_layout import FlowLayout


def _shown_name(entry: str) -> str:
    """What a chip says: the name of "Ann Lee <ann@x.org>", else the address."""
    try:
        address = parse_address_list(entry)[0]
    except (UnsafeHeaderError, IndexError):
        return entry
    return address.name or address.email


class RecipientChip(QFrame):
    """One recipient: the name (the whole address in its tooltip) and a remove button.

    Signals:
        remove_requested(): the × was clicked.
        edit_requested(): double-clicked, to be typed again.
    """

    remove_requested = Signal()
    edit_requested = Signal()

    def __init__(self, entry: str, problem: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.problem = problem
        self.setObjectName("RecipientChip")
        self.setProperty("invalid", problem is not None)
        self.setProperty("selected", False)
        self.setToolTip(problem or entry)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 1, 2, 1)
        row.setSpacing(2)
        self.name = QLabel(_shown_name(entry))
        self.name.setObjectName("RecipientChipName")
        self.remove = QToolButton()
        self.remove.setObjectName("RecipientChipRemove")
        self.remove.setText("×")
        self.remove.setToolTip(f"Remove {entry}")
        self.remove.setAutoRaise(True)
        self.remove.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.remove.setCursor(Qt.CursorShape.PointingHandCursor)
        self.remove.clicked.connect(self.remove_requested.emit)
        row.addWidget(self.name)
        row.addWidget(self.remove)

    def set_selected(self, selected: bool) -> None:
        self.setProperty("selected", selected)
        self.style().unpolish(self)
        self.style().polish(self)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.edit_requested.emit()


class RecipientField(QFrame):
    """Addresses as chips with completion; the text API of a line edit ("a, b").

    Typing a comma or semicolon, Enter, Tab or leaving the field turns what was
    typed into chips; a pasted list becomes one chip per address. Backspace in
    the empty line selects the last chip, a second Backspace removes it; a
    double-click puts a chip back into the line to be corrected. A chip that
    cannot be read with certainty is marked, its sentence in the tooltip.

    Signals:
        textChanged(str): the recipients changed (the text as `text()` gives it).
    """

    textChanged = Signal(str)

    def __init__(self, label: str, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.problem: str | None = None
        self.setObjectName("RecipientField")
        self.setProperty("invalid", False)
        self.setCursor(Qt.CursorShape.IBeamCursor)
        self.chips: list[RecipientChip] = []
        self._selected: RecipientChip | None = None
        self._absorbing = False
        self.editor = QLineEdit()
        self.editor.setObjectName("RecipientEditor")
        self.editor.setFrame(False)
        self.editor.setMinimumWidth(140)
        self._placeholder = "Name or address"
        self.editor.setPlaceholderText(self._placeholder)
        self.setFocusProxy(self.editor)
        self._flow = FlowLayout(self, spacing=4, stretch_last=True)
        self._flow.setContentsMargins(4, 3, 4, 3)
        self._flow.addWidget(self.editor)
        self.completer_ = AddressCompleter(self.editor, SuggestionModel(bridge, self))
        self.completer_.also_present = lambda: [c.entry for c in self.chips]
        self.editor.textChanged.connect(self._absorb)
        self.editor.installEventFilter(self)

    # -- the text API ----------------------------------------------------------

    def text(self) -> str:
        entries = [c.entry for c in self.chips]
        typed = self.editor.text().strip().strip(",;").strip()
        return ", ".join([*entries, typed] if typed else entries)

    def setText(self, text: str) -> None:
        for chip in self.chips:
            self._flow.removeWidget(chip)
            chip.hide()
            chip.deleteLater()
        self.chips = []
        self._selected = None
        self._absorbing = True
        self.editor.clear()
        self._absorbing = False
        entries, rest = take_entries(text + ",")
        for entry in entries:
            self._add_chip(entry)
        if rest.strip():  # an unclosed quote: left for the person to finish
            self.editor.setText(text.strip())
        self._changed()

    def setPlaceholderText(self, text: str) -> None:
        self._placeholder = text
        self.editor.setPlaceholderText("" if self.chips else text)

    # -- checking --------------------------------------------------------------

    def check(self) -> str | None:
        """Turn what was typed into chips; a sentence for the first unreadable entry."""
        self.commit()
        problems = [c.problem for c in self.chips]
        typed = self.editor.text().strip()
        if typed:
            problems.append(address_problem(typed, self.label))
        self.set_invalid(next((p for p in problems if p), None))
        return self.problem

    def set_invalid(self, problem: str | None) -> None:
        self.problem = problem
        self.setProperty("invalid", problem is not None)
        self.setToolTip(problem or "")
        self.style().unpolish(self)
        self.style().polish(self)

    # -- chips -----------------------------------------------------------------

    def commit(self) -> None:
        """What is typed in the line becomes chips."""
        typed = self.editor.text()
        if typed.strip():
            self._absorb(typed + ",")

    def _absorb(self, typed: str) -> None:
        if self._absorbing:
            return
        entries, rest = take_entries(typed)
        if entries:
            for entry in entries:
                self._add_chip(entry)
            self._absorbing = True
            self.editor.setText(rest.lstrip())
            self._absorbing = False
        self._select(None)
        if self.problem is not None:
            self.set_invalid(None)  # said again on the next check
        self._changed()

    def _add_chip(self, entry: str) -> None:
        chip = RecipientChip(entry, address_problem(entry, self.label), self)
        chip.remove_requested.connect(lambda: self._remove(chip))
        chip.edit_requested.connect(lambda: self._edit(chip))
        self.chips.append(chip)
        self._flow.insertWidget(len(self.chips) - 1, chip)

    def _remove(self, chip: RecipientChip) -> None:
        if chip in self.chips:
            self.chips.remove(chip)
            self._flow.removeWidget(chip)
            chip.deleteLater()
        if self._selected is chip:
            self._selected = None
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        self._changed()

    def _edit(self, chip: RecipientChip) -> None:
        self.commit()
        self._remove(chip)
        self._absorbing = True
        self.editor.setText(chip.entry)
        self._absorbing = False
        self._changed()

    def _select(self, chip: RecipientChip | None) -> None:
        if self._selected is not None and self._selected is not chip:
            self._selected.set_selected(False)
        self._selected = chip
        if chip is not None:
            chip.set_selected(True)

    def _changed(self) -> None:
        self.editor.setPlaceholderText("" if self.chips else self._placeholder)
        self.updateGeometry()
        self.textChanged.emit(self.text())

    # -- keys and clicks -------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.editor
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and self._key(event)
        ):
            return True
        if watched is self.editor and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            focused = event.type() == QEvent.Type.FocusIn
            self.setProperty("focused", focused)
            self.style().unpolish(self)
            self.style().polish(self)
            popup = self.completer_.popup()
            # Another window or the suggestions took the keyboard: still typing here.
            elsewhere = isinstance(event, QFocusEvent) and event.reason() in (
                Qt.FocusReason.ActiveWindowFocusReason,
                Qt.FocusReason.PopupFocusReason,
            )
            if not focused and not elsewhere and (popup is None or not popup.isVisible()):
                self.check()
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        """Whether the key was handled here."""
        key = event.key()
        empty = not self.editor.text()
        if key == Qt.Key.Key_Backspace and empty and self.chips:
            if self._selected is not None:
                self._remove(self._selected)
            else:
                self._select(self.chips[-1])
            return True
        if key == Qt.Key.Key_Delete and self._selected is not None:
            self._remove(self._selected)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab) and not empty:
            self.commit()
            return key != Qt.Key.Key_Tab  # Tab then moves on to the next field
        if key != Qt.Key.Key_Shift:
            self._select(None)
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys sent to the field itself (its label's buddy, a test) are the line's.
        QCoreApplication.sendEvent(self.editor, event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.editor.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)
