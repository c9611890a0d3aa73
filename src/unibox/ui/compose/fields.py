"""The header fields of the compose window: From, To, Cc, Bcc and Subject."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from unibox.store.accounts import AccountInfo
from unibox.ui.bridge import Bridge
from unibox.ui.compose.chips import RecipientField


class HeaderFields(QWidget):
    """From (account chooser), To with Cc/Bcc revealed on demand, and Subject.

    Signals:
        edited(): any field changed.
    """

    edited = Signal()

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ComposeHeader")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.account = QComboBox()
        self.account.setObjectName("ComposeFrom")
        self.to = RecipientField("To", bridge)
        self.cc = RecipientField("Cc", bridge)
        self.bcc = RecipientField("Bcc", bridge)
        self.subject = QLineEdit()
        self.subject.setObjectName("ComposeField")
        self.subject.setPlaceholderText("Subject")
        self.show_cc = QToolButton()
        self.show_cc.setText("Cc")
        self.show_cc.setToolTip("Add Cc recipients (Ctrl+Shift+C)")
        self.show_bcc = QToolButton()
        self.show_bcc.setText("Bcc")
        self.show_bcc.setToolTip("Add Bcc recipients (Ctrl+Shift+B)")
        for button in (self.show_cc, self.show_bcc):
            button.setObjectName("ComposeReveal")
            button.setAutoRaise(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
        grid = QGridLayout(self)
        grid.setContentsMargins(16, 14, 16, 12)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        self._labels: dict[QWidget, QLabel] = {}
        rows = (("From", self.account), ("To", self.to), ("Cc", self.cc), ("Bcc", self.bcc))
        for n, (text, widget) in enumerate((*rows, ("Subject", self.subject))):
            label = QLabel(text)
            label.setObjectName("ComposeLabel")
            label.setBuddy(widget)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self._labels[widget] = label
            grid.addWidget(label, n, 0)
            grid.addWidget(widget, n, 1, 1, 1 if widget is self.to else 3)
        grid.addWidget(self.show_cc, 1, 2)
        grid.addWidget(self.show_bcc, 1, 3)
        grid.setColumnStretch(1, 1)
        self.show_cc.clicked.connect(lambda: self.reveal(self.cc))
        self.show_bcc.clicked.connect(lambda: self.reveal(self.bcc))
        for field in (self.to, self.cc, self.bcc, self.subject):
            field.textChanged.connect(lambda _t: self.edited.emit())
        self.account.currentIndexChanged.connect(lambda _i: self.edited.emit())
        self._set_shown(self.cc, False)
        self._set_shown(self.bcc, False)

    def _set_shown(self, field: QWidget, shown: bool) -> None:
        field.setVisible(shown)
        self._labels[field].setVisible(shown)
        button = self.show_cc if field is self.cc else self.show_bcc
        button.setVisible(not shown)

    def reveal(self, field: RecipientField, focus: bool = True) -> None:
        self._set_shown(field, True)
        if focus:
            field.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_accounts(self, accounts: list[AccountInfo], chosen: int | None) -> None:
        self.account.blockSignals(True)
        self.account.clear()
        for a in accounts:
            shown = f"{a.display_name} <{a.email}>" if a.display_name else a.email
            self.account.addItem(shown, a.id)
        index = self.account.findData(chosen) if chosen is not None else 0
        self.account.setCurrentIndex(max(index, 0))
        self.account.setEnabled(len(accounts) > 1)
        self.account.blockSignals(False)

    def account_id(self) -> int | None:
        data = self.account.currentData()
        return int(data) if data is not None else None

    def recipient_fields(self) -> tuple[RecipientField, ...]:
        return (self.to, self.cc, self.bcc)
