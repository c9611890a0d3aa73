"""The status-bar line that says what an action did, with an Undo link."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

SHOWN_MS = 10_000


class ActionNotice(QLabel):
    """ "Archived 3 messages · Undo (z)" for a few seconds; the link asks for the undo.

    Signals:
        undo_requested(): the user clicked Undo.
    """

    undo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ActionNotice")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.linkActivated.connect(lambda _link: self.undo_requested.emit())
        self.sentence = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SHOWN_MS)
        self._timer.timeout.connect(self.clear_notice)
        self.hide()

    def say(self, sentence: str, undo: bool = False) -> None:
        self.sentence = sentence
        accent = self.palette().color(self.palette().ColorRole.Highlight).name()
        link = (
            f' &nbsp;·&nbsp; <a href="undo" style="color:{accent}; text-decoration:none">'
            "<b>Undo</b></a> <span>(z)</span>"
            if undo
            else ""
        )
        self.setText(f"{escape(sentence)}{link}")
        self.show()
        self._timer.start()

    def clear_notice(self) -> None:
        self.sentence = ""
        self.setText("")
        self.hide()
