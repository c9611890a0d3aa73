"""Quoted lines ("> …") and the attribution above them shown muted in the compose body."""

from __future__ import annotations

from PySide6.QtGui import (
    QGuiApplication,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)


class QuoteHighlighter(QSyntaxHighlighter):
    """Greys what the person is answering, so what they write stands out."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._format = QTextCharFormat()
        self._format.setForeground(
            QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        )

    def highlightBlock(self, text: str) -> None:
        if text.startswith(">") or (text.endswith(" wrote:") and text.startswith("On ")):
            self.setFormat(0, len(text), self._format)
