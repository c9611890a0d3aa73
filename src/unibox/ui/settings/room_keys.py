"""Settings › Accounts: "Import room keys…" for a Matrix account: Element's "Export E2E
room keys" file and its passphrase, imported off the GUI thread (services.matrix); the
result in words, and the messages it decrypts refreshed where they are shown."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QPushButton, QWidget

from unibox.core.errors import UserError
from unibox.secrets import SecretStore
from unibox.store.accounts import AccountInfo
from unibox.ui.bridge import Bridge

if TYPE_CHECKING:
    from unibox.sync.matrix_keys import KeyImport

TITLE = "Import room keys"


class RoomKeysButton(QPushButton):
    """Imports a room-key export into the Matrix account shown.

    Signals:
        said(str): a sentence for the page's message line.
    """

    said = Signal(str)

    def __init__(
        self, bridge: Bridge, secrets: SecretStore | None, parent: QWidget | None = None
    ) -> None:
        super().__init__("Import room &keys…", parent)
        self._bridge = bridge
        self._secrets = secrets
        self._name = ""
        self.setToolTip(
            "Read the messages of encrypted rooms from before this device: import the file "
            "of Element's Settings › Security › Export E2E room keys."
        )
        self.clicked.connect(self._clicked)
        self.hide()

    def show_for(self, account: AccountInfo | None) -> None:
        matrix = account is not None and account.kind == "matrix"
        self._name = account.name if account is not None and matrix else ""
        self.setVisible(matrix and self._secrets is not None)

    def ask_file(self) -> str:
        path, _filter = QFileDialog.getOpenFileName(
            self, TITLE, "", "Room keys (*.txt);;All files (*)"
        )
        return path

    def ask_passphrase(self, path: str) -> tuple[str, bool]:
        return QInputDialog.getText(
            self, TITLE, f"The passphrase that protects {Path(path).name}:",
            QLineEdit.EchoMode.Password,
        )  # fmt: skip

    def _clicked(self) -> None:
        if not self._name or self._secrets is None:
            return
        path = self.ask_file()
        if not path:
            return
        passphrase, ok = self.ask_passphrase(path)
        if not ok or not passphrase:
            self.said.emit("No room keys were imported.")
            return
        from unibox.services.matrix import import_room_keys

        store, secrets, name = self._bridge.store, self._secrets, self._name
        self.setEnabled(False)
        self.said.emit(f"Importing the room keys of {Path(path).name}…")
        self._bridge.run(
            lambda: import_room_keys(store, secrets, name, Path(path), passphrase),
            self._done,
            self._failed,
        )

    def _done(self, result: KeyImport) -> None:
        self.setEnabled(True)
        self.said.emit(f"{self._name}: {result.words()}")
        self._bridge.post_changes(result.changes)  # the decrypted messages, where shown

    def _failed(self, exc: Exception) -> None:
        self.setEnabled(True)
        words = str(exc) if isinstance(exc, UserError) else f"({type(exc).__name__})"
        self.said.emit(f"The room keys were not imported: {words}")
