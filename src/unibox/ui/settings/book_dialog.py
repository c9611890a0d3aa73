"""Adding a CardDAV address book (name, server, user, password, CA file; Test, Add), or
changing a book's user name, password and CA file (Test, Save).

Passwords go to the keyring only (through book_service and secrets.py); the
server and the CA file are checked off the GUI thread, and a problem is said
in a sentence in the form, which keeps what was typed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from unibox.core.errors import UserError
from unibox.secrets import SecretStore
from unibox.store.address_books import BookInfo
from unibox.ui.bridge import Bridge


def sentence_for(exc: Exception) -> str:
    return str(exc) if isinstance(exc, UserError) else f"That did not work: {exc}"


class BookDialog(QDialog):
    """Name, server, user, password and (for a server with its own certificate) the CA file
    of a new address book; Test connection, Add. The CA file is checked with the server,
    off the GUI thread: a missing, unreadable or non-PEM file is said in a sentence.
    Given a `book`, it edits that one: its name and address stay, an empty password
    keeps the keyring's.

    Signals:
        added(object): the BookInfo stored (the password is in the keyring).
        saved(object): the edited BookInfo stored; sync it again.
    """

    added = Signal(object)
    saved = Signal(object)

    def __init__(
        self,
        bridge: Bridge,
        secrets: SecretStore,
        parent: QWidget | None = None,
        book: BookInfo | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add address book")
        self.setObjectName("BookDialog")
        self.bridge, self.secrets, self.book = bridge, secrets, book
        self.name = QLineEdit("Contacts", self)
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("https://dav.example.com/  (the server or the book)")
        self.username = QLineEdit(self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.ca_file = QLineEdit(self)
        self.ca_file.setPlaceholderText("optional: your server's CA (PEM)")
        self.choose_ca = QPushButton("C&hoose…", self)
        self.choose_ca.clicked.connect(self._choose_ca)
        ca_row = QHBoxLayout()
        ca_row.setContentsMargins(0, 0, 0, 0)
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(self.choose_ca)
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Server", self.url)
        form.addRow("&User name", self.username)
        form.addRow("&Password", self.password)
        ca_label = QLabel("&CA file", self)
        ca_label.setBuddy(self.ca_file)
        form.addRow(ca_label, ca_row)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setObjectName("Muted")
        buttons = QDialogButtonBox(self)
        self.test_button = buttons.addButton(
            "&Test connection", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.add_button = buttons.addButton("&Add", QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setObjectName("PrimaryButton")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        for button in buttons.buttons():  # Enter adds, whichever button was clicked last
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        self.add_button.setDefault(True)
        self.test_button.clicked.connect(self.test)
        buttons.accepted.connect(self.add)
        buttons.rejected.connect(self.reject)
        hint = QLabel(
            "The address of your CardDAV server (Nextcloud, Fastmail, iCloud, Radicale…) or of "
            "the address book itself; unibox finds the book. The password goes to the system "
            "keyring.",
            self,
        )
        hint.setObjectName("Muted")
        hint.setWordWrap(True)
        col = QVBoxLayout(self)
        col.setSpacing(10)
        col.addWidget(hint)
        col.addLayout(form)
        col.addWidget(self.message)
        col.addWidget(buttons)
        self.setMinimumWidth(460)
        if book is not None:
            self._edit_mode(book, hint)

    def _edit_mode(self, book: BookInfo, hint: QLabel) -> None:
        self.setWindowTitle(f"Address book “{book.name}”")
        self.name.setText(book.name)
        self.url.setText(book.url)
        for fixed in (self.name, self.url):
            fixed.setEnabled(False)  # shown muted: it stays
            fixed.setToolTip("Stays as it is; to use another book, add it and remove this one.")
        self.username.setFocus()
        self.username.setText(book.username)
        self.ca_file.setText(book.ca_file)
        self.password.setPlaceholderText("unchanged")
        self.add_button.setText("&Save")
        hint.setText(
            "A new user name, password or CA file is checked with the server before it is "
            "kept. Leave the password empty to keep the one in the system keyring."
        )

    def _choose_ca(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "CA certificate", "", "Certificates (*.pem *.crt *.cer);;All files (*)"
        )
        if path:
            self.ca_file.setText(path)

    def _fields(self) -> tuple[str, str, str, str, str]:
        return (
            self.name.text().strip(),
            self.url.text().strip(),
            self.username.text().strip(),
            self.password.text(),
            self.ca_file.text().strip(),
        )

    def _missing(self, need_name: bool) -> str:
        """What the form still lacks, in a sentence ("" when it can be sent)."""
        name, url, _user, password, _ca = self._fields()
        if need_name and not name:
            return "Give the address book a name (“Home”, “Work”)."
        if not url:
            return "Enter the address of the CardDAV server or of the address book."
        if not password and self.book is None:
            return "Enter the password for the address book."
        return ""

    def _busy(self, sentence: str) -> None:
        self.message.setProperty("problem", False)
        self.message.setText(sentence)
        for b in (self.test_button, self.add_button, self.choose_ca):
            b.setEnabled(not sentence)

    def _said(self, sentence: str, problem: bool) -> None:
        self._busy("")
        self.message.setText(sentence)
        self.message.setObjectName("SettingsProblem" if problem else "Muted")
        # Re-polishing alone keeps the old padding of a shown label; a style sheet change
        # makes Qt compute its margins again (the problem box is padded).
        self.message.setStyleSheet("/* restyle */")
        self.message.setStyleSheet("")

    def test(self) -> None:
        from unibox.services.books import find_book

        _name, url, user, password, ca_file = self._fields()
        if missing := self._missing(need_name=False):
            self._said(missing, True)
            return
        self._busy("Asking the server…")
        if self.book is not None:
            self._update(user, password, ca_file, check_only=True)
            return
        self.bridge.run(
            lambda: find_book(url, user, password, ca_file),
            lambda found: self._said(f"It works: found “{found[0]}” at {found[1]}.", False),
            lambda exc: self._said(sentence_for(exc), True),
        )

    def add(self) -> None:
        from unibox.services.books import add_address_book

        name, url, user, password, ca_file = self._fields()
        store, secrets = self.bridge.store, self.secrets
        if missing := self._missing(need_name=True):
            self._said(missing, True)
            return
        self._busy("Asking the server…")
        if self.book is not None:
            self._update(user, password, ca_file, check_only=False)
            return

        def done(result: tuple[BookInfo, str]) -> None:
            self._said("", False)
            self.password.clear()
            self.added.emit(result[0])
            self.accept()

        self.bridge.run(
            lambda: add_address_book(
                store,
                secrets,
                name=name,
                url=url,
                username=user,
                password=password,
                ca_file=ca_file,
            ),
            done,
            lambda exc: self._said(sentence_for(exc), True),
        )

    def _update(self, user: str, password: str, ca_file: str, *, check_only: bool) -> None:
        from unibox.services.books import update_address_book

        store, secrets, book = self.bridge.store, self.secrets, self.book
        assert book is not None

        def done(result: tuple[BookInfo, str]) -> None:
            if check_only:
                self._said(f"It works: found “{result[1]}”. Nothing was saved yet.", False)
                return
            self._said("", False)
            self.password.clear()
            self.book = result[0]
            self.saved.emit(result[0])
            self.accept()

        self.bridge.run(
            lambda: update_address_book(
                store,
                secrets,
                book,
                username=user,
                password=password,
                ca_file=ca_file,
                check_only=check_only,
            ),
            done,
            lambda exc: self._said(sentence_for(exc), True),
        )
