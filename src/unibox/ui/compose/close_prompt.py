"""Closing a compose window with unsent work: keep it as a draft, discard it, or go on."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget


def ask_keep_or_discard(parent: QWidget, answered: Callable[[str], None]) -> QMessageBox:
    """Open the question (not blocking); `answered` gets "keep", "discard" or "" (keep writing)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Close this message?")
    box.setText("This message has not been sent.")
    box.setInformativeText("Keep it as a draft to finish later, or discard it?")
    keep = box.addButton("Keep draft", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Keep writing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)

    def done() -> None:
        clicked = box.clickedButton()
        answered("keep" if clicked is keep else "discard" if clicked is discard else "")

    box.finished.connect(lambda _r: done())
    box.open()
    return box
