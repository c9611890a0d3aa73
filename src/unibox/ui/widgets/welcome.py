"""The first-run page of a profile without accounts: one clear way to begin."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from unibox.ui.icons import app_icon


class WelcomePage(QWidget):
    """Shown instead of the three panes until the profile has an account.

    Signals:
        add_account(): the person wants to add a mail account.
    """

    add_account = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("WelcomePage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        col = QVBoxLayout(self)
        col.setSpacing(12)
        col.addStretch(2)
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(64, 64))
        logo.setFixedSize(64, 64)
        title = QLabel("Welcome to unibox", self)
        title.setObjectName("WelcomeTitle")
        text = QLabel(
            "All your mail in one fast window that works offline. Your messages are kept "
            "on this computer, and your password in the system keyring.",
            self,
        )
        text.setObjectName("WelcomeText")
        text.setWordWrap(True)
        text.setFixedWidth(440)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = QPushButton("Add a mail account…", self)
        self.button.setObjectName("PrimaryButton")
        self.button.setDefault(True)
        self.button.setAutoDefault(True)
        self.button.clicked.connect(self.add_account.emit)
        hint = QLabel("Just looking? Run “unibox --demo” for a sample mailbox.", self)
        hint.setObjectName("Muted")
        for n, w in enumerate((logo, title, text, self.button, hint)):
            if n == 3:
                col.addSpacing(10)
            # Centred by stretches, not by alignment: an aligned item loses height-for-width.
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(w)
            row.addStretch(1)
            col.addLayout(row)
        col.addStretch(3)
        self.setFocusProxy(self.button)
