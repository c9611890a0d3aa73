"""The status-bar notice of the compose machinery: "Sending to Ann in 9 s — Undo", drafts kept."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

LINGER_MS = 6000
AFTER_LINGER_MS = 60_000


class ComposeNotice(QWidget):
    """One sentence and one button (Undo, Open…) in the main window's status bar.

    `countdown` counts down to a moment and then says what happened; the
    button works until then. `offer` shows a sentence and a button until
    clicked or replaced.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ComposeNotice")
        self.label = QLabel()
        self.label.setObjectName("ComposeNoticeText")
        self.label.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.button = QPushButton()
        self.button.setObjectName("ComposeNoticeButton")
        self.button.setFlat(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 0, 8, 0)
        row.setSpacing(6)
        row.addWidget(self.label)
        row.addWidget(self.button)
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._tick)
        self._linger = QTimer(self)
        self._linger.setSingleShot(True)
        self._linger.timeout.connect(self._hide_if_quiet)
        self._deadline = 0.0
        self._text: Callable[[int], str] = lambda _n: ""
        self._after = ""
        self._action: Callable[[], object] | None = None
        self.button.clicked.connect(self._clicked)
        self.setVisible(False)

    def countdown(
        self,
        text: Callable[[int], str],
        seconds: float,
        button: str,
        action: Callable[[], object],
        after: str,
    ) -> None:
        """text(n) each second until `seconds` pass, with `button` doing `action`; then `after`."""
        self._text, self._after, self._action = text, after, action
        self._deadline = time.monotonic() + seconds
        self.button.setText(button)
        self.button.setVisible(True)
        self.setVisible(True)
        self._tick()
        self._timer.start()

    def offer(self, text: str, button: str, action: Callable[[], object]) -> None:
        self._timer.stop()
        self._action = action
        self._set_text(text)
        self.button.setText(button)
        self.button.setVisible(True)
        self.setVisible(True)

    def say(self, text: str, linger_ms: int = LINGER_MS) -> None:
        """A sentence without a button, hidden after a while."""
        self._timer.stop()
        self._action = None
        self._set_text(text)
        self.button.setVisible(False)
        self.setVisible(True)
        self._linger.start(linger_ms)

    def dismiss(self) -> None:
        self._timer.stop()
        self._action = None
        self.setVisible(False)

    @property
    def seconds_left(self) -> int:
        return max(0, round(self._deadline - time.monotonic() + 0.49))

    def _set_text(self, text: str) -> None:
        self.label.setText(text)
        self.label.setMinimumWidth(self.label.sizeHint().width())
        self.updateGeometry()

    def _tick(self) -> None:
        left = self.seconds_left
        if left <= 0:
            self.say(self._after, AFTER_LINGER_MS)  # until the launcher says how it went
            return
        self._set_text(self._text(left))

    def _clicked(self) -> None:
        action, self._action = self._action, None
        self.dismiss()
        if action is not None:
            action()

    def _hide_if_quiet(self) -> None:
        if self._action is None and not self._timer.isActive():
            self.setVisible(False)
