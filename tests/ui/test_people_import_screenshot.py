"""Renders the import dialog (mapping, then report) light and dark to artifacts/screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from tests.ui.test_people import people_window  # noqa: F401  (a fixture)
from tests.ui.test_people_import import GOOGLE, _import, _open, _write
from tests.ui.test_screenshot import SHOTS
from unibox.ui.main_window import MainWindow
from unibox.ui.theme import DARK, LIGHT, apply_theme


def test_screenshot_import_mapping_and_report(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = _write(tmp_path, "google.csv", GOOGLE)
    for dark, scheme in ((False, LIGHT), (True, DARK)):
        apply_theme(app, dark=dark)
        if dark:  # new people again, so the report has something to say
            path = _write(tmp_path, "google.csv", GOOGLE.replace(".example", ".test"))
        dialog = _open(qtbot, people_window, path)
        suffix = "_dark" if dark else ""
        qtbot.wait(50)
        image = dialog.grab().toImage()
        assert image.save(str(SHOTS / f"people_import_mapping{suffix}.png"))
        # The dialog follows the palette: no light box in dark mode.
        assert QColor(image.pixel(8, image.height() // 2)).name() == scheme.base
        _import(qtbot, dialog)
        qtbot.wait(50)
        assert dialog.grab().toImage().save(str(SHOTS / f"people_import_report{suffix}.png"))
        dialog.accept()
        qtbot.wait(50)
        page = people_window.people.page.grab()
        assert page.save(str(SHOTS / f"people_import_buttons{suffix}.png"))
        export = people_window.people.contacts.export()
        qtbot.wait(50)
        assert export.grab().save(str(SHOTS / f"people_export{suffix}.png"))
        export.reject()
    apply_theme(app, dark=False)
