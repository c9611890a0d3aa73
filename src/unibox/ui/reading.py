"""What the reading pane asks for: remote and inline images, attachments to open or save."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.store.message_content import MessageContent
from unibox.store.queries import raw_source
from unibox.ui.bridge import Bridge
from unibox.ui.preferences import PLAIN_TEXT, Preferences
from unibox.ui.widgets.message_view import MessageView
from unibox.ui.widgets.remote_notice import RemoteScope

if TYPE_CHECKING:  # the MIME stack and urllib load on first use, not at start-up
    from unibox.core.attachments import AttachmentData
    from unibox.secrets import SecretStore

log = logging.getLogger("unibox.ui")

# Opening these runs code; they are offered for saving instead.
RISKY_EXTENSIONS = frozenset((
    "exe", "com", "bat", "cmd", "scr", "pif", "msi", "msp", "cpl", "hta", "jar", "js", "jse",
    "vbs", "vbe", "wsf", "wsh", "ps1", "psm1", "reg", "lnk", "sh", "bash", "zsh", "csh", "ksh",
    "command", "run", "bin", "appimage", "desktop", "deb", "rpm", "apk", "app", "py", "pyw",
    "pl", "rb", "php", "dll", "so", "dylib", "iso", "img", "dmg",
))  # fmt: skip


def _default_secrets() -> SecretStore:
    from unibox.secrets import SecretStore

    return SecretStore()


def _images(found: dict[str, bytes]) -> dict[str, QImage]:
    """Decoded images by URL (QImage is safe to build off the GUI thread)."""
    images = {}
    for url, data in found.items():
        image = QImage()
        if image.loadFromData(data):
            images[url] = image
    return images


class ReadingActions(QObject):
    """Answers the reading pane's requests; every slow step runs off the GUI thread.

    Remote images are fetched only after the person allowed them, for one
    message or always for its sender (both kept in the settings).
    """

    def __init__(
        self,
        bridge: Bridge,
        view: MessageView,
        prefs: Preferences,
        window: QWidget,
        secrets: Callable[[], SecretStore] | None = None,
    ) -> None:
        super().__init__(window)
        self._bridge = bridge
        self._secrets = secrets or _default_secrets
        self._view = view
        self._prefs = prefs
        self._window = window
        self._open_dir: Path | None = None
        view.remote_requested.connect(self.remote_requested)
        view.images_wanted.connect(self.fetch_remote)
        view.inline_wanted.connect(self.load_inline)
        view.attachment_requested.connect(self.attachment)
        view.plain_text_changed.connect(lambda on: prefs.set(PLAIN_TEXT, on))
        view.set_plain_text(prefs.get(PLAIN_TEXT))

    def show(self, content: MessageContent) -> None:
        """Show a message with the remote-content decision already made for its sender."""
        if self._prefs.remote_allowed_for(content.sender.email):
            scope = RemoteScope.SENDER
        elif self._prefs.remote_allowed_for_message(content.id):
            scope = RemoteScope.MESSAGE
        else:
            scope = RemoteScope.BLOCKED
        self._view.show_message(content, scope)

    # -- images ----------------------------------------------------------------

    def remote_requested(self, what: str) -> None:
        content = self._view.content
        if content is None:
            return
        if what == "sender":
            self._prefs.allow_remote_for(content.sender.email, True)
            self._view.allow_remote(RemoteScope.SENDER)
        elif what == "stop":
            self._prefs.allow_remote_for(content.sender.email, False)
            self._prefs.allow_remote_for_message(content.id, False)
            self._view.allow_remote(RemoteScope.BLOCKED)
        else:  # this message, remembered (Settings › Privacy lists and forgets it)
            self._prefs.allow_remote_for_message(content.id, True)
            self._view.allow_remote(RemoteScope.MESSAGE)

    def fetch_remote(self, message_id: int, urls: list[str]) -> None:
        from unibox.ui.remote_content import fetch_images

        self._bridge.run(
            lambda: _images(fetch_images(urls)),
            lambda images: self._view.add_images(message_id, images),
            lambda exc: log.warning("remote images failed: %s", exc),
        )

    def load_inline(self, message_id: int) -> None:
        from unibox.core.attachments import inline_images

        def query(s: Session) -> dict[str, QImage]:
            raw = raw_source(s, message_id)
            if raw is None:
                return {}
            return _images({f"cid:{cid}": data for cid, data in inline_images(raw).items()})

        self._bridge.read(query, lambda images: self._view.add_images(message_id, images))

    # -- attachments -----------------------------------------------------------

    def attachment(self, message_id: int, position: int, action: str) -> None:
        content = self._view.content
        if content is None or content.id != message_id:
            return
        self.attachment_of(message_id, position, content.attachments[position][0], action)

    def attachment_of(self, message_id: int, position: int, name: str, action: str) -> None:
        """Open or save a message's attachment (mail, or a chat's: downloaded when not kept)."""
        if action == "open" and Path(name).suffix.lower().lstrip(".") in RISKY_EXTENSIONS:
            answer = QMessageBox.question(
                self._window,
                "Open attachment",
                f"“{name}” is a program or script. Opening it could harm your computer.\n\n"
                "Save it instead?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Save:
                return
            action = "save"

        from unibox.services.attachments import attachment_data

        store, secrets = self._bridge.store, self._secrets
        done = self._open if action == "open" else self._save
        self._bridge.run(
            lambda: attachment_data(store, secrets(), message_id, position), done, self._failed
        )

    def _say(self, text: str) -> None:
        window = self._window
        status = getattr(window, "statusBar", None)
        if status is not None:
            status().showMessage(text, 8000)

    def _open(self, attachment: AttachmentData) -> None:
        if self._open_dir is None:
            self._open_dir = Path(tempfile.mkdtemp(prefix="unibox-open-"))  # mode 0700
        folder = Path(tempfile.mkdtemp(dir=self._open_dir))  # one per open: names never clash
        path = folder / attachment.filename

        def write() -> Path:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(attachment.data)
            return path

        def opened(written: Path) -> None:
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(written))):
                self._say(f"No application could open “{attachment.filename}”; save it instead.")

        self._bridge.run(write, opened, self._failed)

    def _save(self, attachment: AttachmentData) -> None:
        downloads = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DownloadLocation
        )
        suggested = str(Path(downloads or Path.home()) / attachment.filename)
        target, _filter = QFileDialog.getSaveFileName(self._window, "Save attachment", suggested)
        if target:
            self.save_to(attachment, Path(target))

    def save_to(self, attachment: AttachmentData, target: Path) -> None:
        def write() -> Path:
            partial = target.with_name(target.name + ".part")
            partial.write_bytes(attachment.data)
            partial.replace(target)
            return target

        self._bridge.run(
            write, lambda p: self._say(f"Saved “{p.name}” to {p.parent}."), self._failed
        )

    def _failed(self, exc: Exception) -> None:
        text = (
            str(exc)
            if isinstance(exc, UserError)
            else f"The attachment could not be written: {getattr(exc, 'strerror', None) or exc}."
        )
        self._say(text)

    def cleanup(self) -> None:
        """Remove the copies written for opening (the applications have them open by now)."""
        if self._open_dir is not None:
            import shutil

            shutil.rmtree(self._open_dir, ignore_errors=True)
            self._open_dir = None
