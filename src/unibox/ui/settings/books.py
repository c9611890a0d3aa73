"""The Accounts page's "Address books" section: CardDAV books listed, added, tested, removed.

Passwords go to the keyring only (through book_service and secrets.py);
the server is asked off the GUI thread, and a problem is said in a sentence
in the form, which keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from unibox.secrets import SecretStore
from unibox.store import address_books as books
from unibox.store.address_books import BookInfo
from unibox.ui.bridge import Bridge
from unibox.ui.icons import icon
from unibox.ui.settings.book_dialog import BookDialog, sentence_for
from unibox.ui.settings.page import ask_to_remove

__all__ = ["AddressBooksSection", "BookDialog", "book_line"]


def book_line(book: BookInfo) -> str:
    """Two lines for the list: the name and where, then how its last sync went."""
    if book.last_error:
        state = book.last_error
    elif book.last_sync_at:
        state = f"Synced {datetime.fromtimestamp(book.last_sync_at):%d %b %Y %H:%M}"
    else:
        state = "Not synced yet"
    return f"{book.name}  ·  {book.username} at {book.url}\n{state}"


class AddressBooksSection(QWidget):
    """The books synced both ways, with Add address book…, a new password, and Remove.

    `stop_book(name)` runs on a task thread before a book is removed (the
    window stops its sync there). Signals:
        added(object): a BookInfo now stored; the window starts syncing it.
        removed(str): a book (by name) is forgotten here.
        password_changed(str): a book (by name) has a new password or settings (Edit…):
            sync it again.
    """

    added = Signal(object)
    removed = Signal(str)
    password_changed = Signal(str)

    def __init__(
        self,
        bridge: Bridge,
        secrets: SecretStore | None,
        say: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge, self.secrets, self.say = bridge, secrets, say
        self.stop_book: Callable[[str], object] = lambda _name: None
        self.confirm: Callable[[str], bool] = lambda question: ask_to_remove(
            self, "Remove address book", question
        )
        self.dialog: BookDialog | None = None
        self.found: list[BookInfo] = []
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 8, 0, 0)
        col.setSpacing(6)
        title = QLabel("Address books", self)
        title.setObjectName("SectionTitle")
        self.list = QListWidget(self)
        self.list.setObjectName("RemovableList")
        self.list.setFixedHeight(112)
        self.empty = QLabel(
            "No address book yet: add a CardDAV one (Nextcloud, Fastmail, iCloud, Radicale…) "
            "and its contacts sync both ways.",
            self,
        )
        self.empty.setObjectName("Muted")
        self.empty.setWordWrap(True)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add address &book…", self)
        self.add_button.clicked.connect(self.open_add)
        self.add_button.setEnabled(secrets is not None)
        self.remove_button = QPushButton("Remove address book…", self)
        self.remove_button.setObjectName("DangerButton")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self._remove)
        self.edit_button = QPushButton("&Edit address book…", self)
        self.edit_button.setEnabled(False)
        self.edit_button.clicked.connect(self.open_edit)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("New password for the selected address book")
        self.change_password = QPushButton("Change password", self)
        self.change_password.setEnabled(False)
        self.password.textChanged.connect(
            lambda t: self.change_password.setEnabled(
                bool(t) and self.list.currentItem() is not None
            )
        )
        self.change_password.clicked.connect(self._save_password)
        self.password.returnPressed.connect(self._save_password)
        self.list.currentItemChanged.connect(self._selected)
        self.password_row = QWidget(self)
        pw = QHBoxLayout(self.password_row)
        pw.setContentsMargins(0, 0, 0, 0)
        pw.addWidget(self.password, 1)
        pw.addWidget(self.change_password)
        self.password_row.setEnabled(secrets is not None)
        row.addWidget(self.add_button)
        row.addStretch(1)
        row.addWidget(self.edit_button)
        row.addWidget(self.remove_button)
        for w in (title, self.empty, self.list, self.password_row):
            col.addWidget(w)
        col.addLayout(row)
        self.reload()

    def reload(self) -> None:
        self.bridge.read(books.list_books, self._show, lane="side")

    def _show(self, found: list[BookInfo]) -> None:
        self.found = found
        self.list.clear()
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        for book in found:
            item = QListWidgetItem(book_line(book), self.list)
            item.setData(Qt.ItemDataRole.UserRole, book.name)
            item.setIcon(icon("warning", "#d9534f") if book.last_error else icon("people", muted))
            item.setToolTip(f"{book.url}\nCA file: {book.ca_file}" if book.ca_file else book.url)
        self.list.setVisible(bool(found))
        self.empty.setVisible(not found)
        self.remove_button.setVisible(bool(found))
        self.edit_button.setVisible(bool(found))
        self.password_row.setVisible(bool(found))
        if found:
            self.list.setCurrentRow(0)

    def _selected(self, item: QListWidgetItem | None) -> None:
        for button in (self.remove_button, self.edit_button):
            button.setEnabled(item is not None and self.secrets is not None)

    def _save_password(self) -> None:
        item, password, secrets = self.list.currentItem(), self.password.text(), self.secrets
        if item is None or not password or secrets is None:
            return
        name = str(item.data(Qt.ItemDataRole.UserRole))
        book = next((b for b in self.found if b.name == name), None)
        if book is None:
            return
        self.password.clear()  # the field does not keep it; the keyring does

        def saved(_r: object) -> None:
            self.say(f"The new password of “{name}” is in the keyring; syncing again.")
            self.password_changed.emit(name)

        self.bridge.run(
            lambda: secrets.set(book.secret_ref, password),
            saved,
            lambda exc: self.say(f"The password was not saved: {exc}"),
        )

    def open_add(self) -> BookDialog | None:
        if self.secrets is None:
            return None
        if self.dialog is None:
            self.dialog = BookDialog(self.bridge, self.secrets, self)
            self.dialog.added.connect(self._added)
            self.dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
            self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def open_edit(self) -> BookDialog | None:
        """User name, password and CA file of the selected book, tested before they are kept."""
        item = self.list.currentItem()
        name = str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""
        book = next((b for b in self.found if b.name == name), None)
        if book is None or self.secrets is None:
            return None
        dialog = BookDialog(self.bridge, self.secrets, self, book=book)
        dialog.saved.connect(self._edited)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _edited(self, book: BookInfo) -> None:
        self.say(f"“{book.name}” is saved; syncing it again.")
        self.password_changed.emit(book.name)
        self.reload()

    def _added(self, book: BookInfo) -> None:
        self.say(f"“{book.name}” was added; its contacts are on their way.")
        self.added.emit(book)
        self.reload()

    def _remove(self) -> None:
        item = self.list.currentItem()
        if item is None or self.secrets is None:
            return
        from unibox.services.books import remove_address_book

        name = str(item.data(Qt.ItemDataRole.UserRole))
        question = (
            f"Remove the address book “{name}” from unibox?\n\n"
            "Its password leaves the keyring and it stops syncing. Kept: the people it brought "
            "(with their cards) and every card on the server."
        )
        if not self.confirm(question):
            return
        store, secrets, stop = self.bridge.store, self.secrets, self.stop_book
        self.remove_button.setEnabled(False)

        def work() -> None:
            stop(name)  # no sync may write into a book being removed
            remove_address_book(store, secrets, name)

        def done(_r: object) -> None:
            self.say(f"“{name}” was removed; its cards are still on the server.")
            self.removed.emit(name)
            self.reload()

        def failed(exc: Exception) -> None:
            self.say(f"“{name}” was not removed: {sentence_for(exc)}")
            self.reload()

        self.bridge.run(work, done, failed)
