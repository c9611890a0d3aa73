"""A damaged store: the window says so in a dialog, in the CLI's words, instead of a traceback."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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


def test_damage_inside_the_store_is_found_in_the_background_and_said(
    qtbot: QtBot, window: Any, demo_store: Store
) -> None:
    from unibox.app import check_store_in_background

    assert demo_store.quick_check() == []  # what the check reads: nothing to say
    path = demo_store.path
    pages = path.stat().st_size // 4096
    with path.open("r+b") as f:  # 8 KB of garbage in the middle, as a failing disk leaves it
        f.seek((pages // 2) * 4096)
        f.write(os.urandom(8192))
    demo_store.engine.dispose()  # no page cached from before: read as a new start would
    check_store_in_background(window)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "StoreDamagedBox") is not None)
    boxes = window.findChildren(QMessageBox, "StoreDamagedBox")
    assert len(boxes) == 1
    assert boxes[0].text().startswith(f"The store {path} is damaged (SQLite's check: ")
    assert "unibox restore" in boxes[0].text()
    boxes[0].close()
