"""Renders the Settings dialog, light and dark, to artifacts/screenshots for people to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from tests.ui.test_screenshot import SHOTS, todays_demo  # noqa: F401  (a fixture)
from unibox.secrets import SecretStore
from unibox.store import accounts
from unibox.ui.main_window import MainWindow
from unibox.ui.theme import DARK, LIGHT, apply_theme
from unibox.ui.widgets.account_edit import EditAccountDialog


def test_screenshot_settings_light_and_dark(qtbot: Any, todays_demo: MainWindow) -> None:  # noqa: F811
    window = todays_demo
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for dark, scheme in ((False, LIGHT), (True, DARK)):
        apply_theme(app, dark=dark)
        for page in ("General", "Accounts"):
            dialog = window.open_settings(page)
            if page == "Accounts":
                qtbot.waitUntil(lambda d=dialog: d.accounts.current is not None)
            qtbot.wait(100)
            image = dialog.grab().toImage()
            name = f"settings_{page.lower()}{'_dark' if dark else ''}.png"
            assert image.save(str(SHOTS / name))
            # The page's own background follows the palette (no light box in dark mode).
            inside = QColor(image.pixel(image.width() - 30, image.height() // 2)).name()
            assert inside == scheme.base, (name, inside)
    dialog.close()


def test_screenshot_edit_account_light_and_dark(
    qtbot: Any,
    todays_demo: MainWindow,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    window = todays_demo
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    with window.bridge.store.read() as s:
        account = accounts.list_accounts(s)[0]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for dark, scheme in ((False, LIGHT), (True, DARK)):
        apply_theme(app, dark=dark)
        dialog = EditAccountDialog(window.bridge, SecretStore(), account, parent=window)
        dialog.show()
        dialog.imap.host.setText("mail.example.net")  # the note on matching folders again
        dialog.say("localhost:1143 refused the connection; is the server running?", problem=True)
        qtbot.wait(100)
        image = dialog.grab().toImage()
        name = f"edit_account{'_dark' if dark else ''}.png"
        assert image.save(str(SHOTS / name))
        corner = QColor(image.pixel(6, image.height() // 2)).name()
        assert corner == scheme.base, (name, corner)
        assert dialog.rematch.isVisible()
        dialog.close()
