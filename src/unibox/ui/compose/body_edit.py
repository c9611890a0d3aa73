"""The compose window's body: plain text, where dropped files become attachments."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtWidgets import QPlainTextEdit


def local_files(mime: QMimeData) -> list[Path]:
    """The local files a drag or paste carries (none for text or remote URLs)."""
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []


class BodyEdit(QPlainTextEdit):
    """The plain-text body; files dropped on it become attachments, not their path as text.

    Signals:
        files_dropped(list[Path])
    """

    files_dropped = Signal(list)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return bool(local_files(source)) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        files = local_files(source)
        if files:
            self.files_dropped.emit(files)
            return
        super().insertFromMimeData(source)
