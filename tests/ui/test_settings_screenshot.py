"""Renders the Settings dialog, light and dark, to artifacts/screenshots for people to look at."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from tests.ui.test_screenshot import SHOTS, todays_demo  # noqa: F401  (a fixture)
from unibox.ui.main_window import MainWindow
from unibox.ui.theme import DARK, LIGHT, apply_theme


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
