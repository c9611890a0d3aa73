"""A damaged store: the window says so in a dialog, in the CLI's words, instead of a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from unibox.app import run_gui
from unibox.config import store_path
from unibox.store.store import Store


def test_a_damaged_store_is_a_dialog_with_the_way_back(
    qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = store_path(tmp_path)
    Store(path).close()
    # Half the pages: a cut on a page boundary reads as truncated, whatever the schema's size.
    os.truncate(path, path.stat().st_size // 2 // 4096 * 4096)
    shown: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            shown.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)
    assert run_gui(profile=str(tmp_path), demo=False) == 1
    [text] = shown
    assert text.startswith(f"The store {path} is damaged (the file is truncated")
    assert "unibox restore" in text
    assert "Traceback" not in capsys.readouterr().err
