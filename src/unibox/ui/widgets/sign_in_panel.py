"""The account dialog's OAuth2 part: "Sign in with Google", an issuer of one's own, the wait.

It only shows and asks; ui/widgets/account_oauth.py decides what it shows
and runs the sign-in.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

OFF = "off"  # a password account: only the way to an issuer of one's own is shown
PROVIDER = "provider"  # Google or Microsoft: their button
ISSUER = "issuer"  # any OpenID issuer, by URL
WAITING = "waiting"  # the browser is open; Cancel


class SignInPanel(QWidget):
    """Buttons and fields of an OAuth2 sign-in, in four looks (OFF, PROVIDER, ISSUER, WAITING).

    Signals:
        sign_in_clicked(): sign in with the provider (or issuer) shown.
        cancel_clicked(): stop waiting for the browser.
        password_clicked(): the person wants to type a password instead.
        issuer_clicked(): the person wants to sign in at an issuer of their own.
        provider_clicked(): back to the suggested provider after choosing a password.
    """

    sign_in_clicked = Signal()
    cancel_clicked = Signal()
    password_clicked = Signal()
    issuer_clicked = Signal()
    provider_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SignInPanel")
        self.mode = OFF
        self.provider_name = ""
        self._form: QFormLayout | None = None
        self.hint = QLabel(parent)
        self.hint.setObjectName("Muted")
        # Lines broken by hand: a wrapping label in a form makes Qt size the dialog wrongly.
        self.hint.setWordWrap(False)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.issuer = QLineEdit(parent)
        self.issuer.setPlaceholderText("https://login.example.org (its OpenID issuer)")
        self.client_id = QLineEdit(parent)
        self.client_id.setPlaceholderText("the id of the app registered with the provider")
        self.client_secret = QLineEdit(parent)
        self.client_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.client_secret.setPlaceholderText("only if the provider gave one with the id")
        self.url = QLineEdit(parent)  # the page to open by hand when no browser opened
        self.url.setReadOnly(True)

        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(6)
        row = QHBoxLayout()
        row.setSpacing(12)
        self.button = QPushButton(self)
        self.button.setObjectName("PrimaryButton")
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.sign_in_clicked.emit)
        self.busy = QProgressBar(self)
        self.busy.setObjectName("SyncProgress")
        self.busy.setRange(0, 0)  # no steps to count: the browser is out
        self.busy.setTextVisible(False)
        self.busy.setFixedSize(120, 6)
        self.cancel = QPushButton("Cancel sign-in", self)
        self.cancel.setAutoDefault(False)
        self.cancel.clicked.connect(self.cancel_clicked.emit)
        row.addWidget(self.button)
        row.addWidget(self.busy)
        row.addWidget(self.cancel)
        row.addStretch(1)
        col.addLayout(row)

        links = QHBoxLayout()
        links.setSpacing(18)
        self.password_link = self._link("Use a password instead", self.password_clicked)
        self.provider_link = self._link("", self.provider_clicked)
        self.issuer_link = self._link("Sign in at another provider (OAuth2)…", self.issuer_clicked)
        for link in (self.password_link, self.provider_link, self.issuer_link):
            links.addWidget(link)
        links.addStretch(1)
        col.addLayout(links)

    def place(self, form: QFormLayout) -> None:
        """Add the hint, the issuer and client fields and the buttons as rows of `form`."""
        self._form = form
        form.addRow("", self.hint)
        form.addRow("Issuer", self.issuer)
        form.addRow("Client id", self.client_id)
        form.addRow("Client secret", self.client_secret)
        form.addRow("Sign-in page", self.url)
        form.addRow("", self)
        self.show_mode(OFF)

    def _link(self, text: str, signal: SignalInstance) -> QToolButton:
        link = QToolButton(self)
        link.setObjectName("Disclosure")
        link.setText(text)
        link.setCursor(Qt.CursorShape.PointingHandCursor)
        link.clicked.connect(signal.emit)
        return link

    def show_mode(
        self, mode: str, *, provider_name: str = "", hint: str = "", ask_client_id: bool = False
    ) -> None:
        """Show one look; `provider_name` names the button ("Google"), `hint` says why."""
        self.mode = mode
        if mode in (OFF, PROVIDER):  # the wait keeps whose page is open
            self.provider_name = provider_name
        name = self.provider_name
        signing = mode in (PROVIDER, ISSUER)
        self._row(self.hint, bool(hint))
        self.hint.setText(hint)
        self.button.setText(f"Sign in with {name}" if mode == PROVIDER else "Sign in")
        self.button.setVisible(signing)
        self.busy.setVisible(mode == WAITING)
        self.cancel.setVisible(mode == WAITING)
        self._row(self.issuer, mode == ISSUER)
        asking = mode == ISSUER or (signing and ask_client_id)
        self._row(self.client_id, asking)
        self._row(self.client_secret, asking)
        self._row(self.url, False)
        self.password_link.setVisible(signing)
        self.provider_link.setText(f"Sign in with {name} instead")
        self.provider_link.setVisible(mode == OFF and bool(name))
        self.issuer_link.setVisible(mode in (OFF, PROVIDER))

    def _row(self, field: QWidget, shown: bool) -> None:
        if self._form is not None:
            self._form.setRowVisible(field, shown)

    def set_waiting_text(self, text: str, url: str = "") -> None:
        """What the wait is for; `url` when the person must open the page themselves."""
        if self.mode == WAITING:
            self.hint.setText(text)
            self._row(self.hint, bool(text))
            self.url.setText(url)
            self.url.setCursorPosition(0)
            self._row(self.url, bool(url))
