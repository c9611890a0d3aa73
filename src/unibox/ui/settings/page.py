"""What every settings page shares: a title, a form, and a line for what went wrong."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QMessageBox, QVBoxLayout, QWidget

from unibox.config import Setting, SettingError
from unibox.ui.preferences import Preferences

T = TypeVar("T")


def ask_to_remove(parent: QWidget, title: str, question: str) -> bool:
    """Yes or Cancel (the default) before something is removed."""
    answer = QMessageBox.question(
        parent,
        title,
        question,
        QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Yes,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


class SettingsPage(QWidget):
    """A page of the Settings dialog.

    Signals:
        changed(str): a setting (by key) took a new value; the window applies it.
    """

    changed = Signal(str)
    title = ""

    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(24, 20, 24, 20)
        self.column.setSpacing(12)
        heading = QLabel(self.title, self)
        heading.setObjectName("SettingsTitle")
        self.column.addWidget(heading)
        self.form = QFormLayout()
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(10)
        self.column.addLayout(self.form)
        self.problem = QLabel(self)
        self.problem.setObjectName("SettingsProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()

    def finish(self) -> None:
        """Call once the page's own rows are in: the problem line goes last."""
        self.column.addWidget(self.problem)
        self.column.addStretch(1)

    def hint(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName("Muted")
        label.setWordWrap(True)
        return label

    def save(self, setting: Setting[T], value: T) -> bool:
        """Keep a value; say why not (in a sentence, nothing else lost) when it cannot be."""
        try:
            self.prefs.set(setting, value)
        except SettingError as exc:
            self.say(str(exc))
            return False
        self.say("")
        self.changed.emit(setting.key)
        return True

    def say(self, sentence: str) -> None:
        self.problem.setText(sentence)
        self.problem.setVisible(bool(sentence))
