"""The window fits its screen, and nothing in it covers anything else, at the usual sizes."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QToolButton, QWidget

from unibox.store.view_rows import Contact
from unibox.ui.main_window import MainWindow
from unibox.ui.window_state import FIRST_SIZE, first_size

SIZES = ((1600, 1000), (1400, 860), (1100, 760))


def _rect_in(widget: QWidget, top: QWidget) -> QRect:
    return QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())


def _resize(qtbot: Any, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height)
    qtbot.wait(50)  # let the layout settle


@pytest.mark.parametrize("recipients", [1, 8])
def test_the_reply_buttons_never_cover_the_to_line_nor_each_other(
    qtbot: Any, window: MainWindow, recipients: int
) -> None:
    view = window.message_view
    header = view.header
    assert view.content is not None
    to = tuple(Contact(f"Colleague Number {n}", f"c{n}@example.org") for n in range(recipients))
    view.show_message(dataclasses.replace(view.content, to=to))
    for width, height in SIZES:
        _resize(qtbot, window, width, height)
        line = _rect_in(header.recipients, header)
        needed = header.recipients.heightForWidth(header.recipients.width())
        assert header.recipients.height() >= needed, (width, "the To line is cut off")
        buttons = [
            b
            for b in header.findChildren(QToolButton)
            if b.objectName() == "HeaderToggle" and b.isVisible()
        ]
        texts = {b.text() for b in buttons}
        assert {"Reply", "Reply to all", "Forward"} <= texts
        rects = [_rect_in(b, header) for b in buttons]
        for button, rect in zip(buttons, rects, strict=True):
            where = (width, recipients, button.text())
            assert not rect.intersects(line), where
            assert header.rect().contains(rect), where
            assert rect.width() >= button.sizeHint().width(), where  # not squeezed to "…"
        for n, rect in enumerate(rects):
            assert not any(rect.intersects(other) for other in rects[n + 1 :])


def test_every_part_of_the_window_lies_inside_it(qtbot: Any, window: MainWindow) -> None:
    for width, height in (*SIZES, (window.minimumWidth(), window.minimumHeight())):
        _resize(qtbot, window, width, height)
        parts = [window.menuBar(), window.statusBar(), window.centralWidget()]
        parts += [window.panes.widget(n) for n in range(window.panes.count())]
        for part in parts:
            if part.isVisible():
                rect = _rect_in(part, window)
                assert window.rect().contains(rect), (width, type(part).__name__, rect)


def test_a_first_window_fits_a_small_screen() -> None:
    laptop = QRect(0, 0, 1366, 738)  # a 1366x768 screen less its panel
    size = first_size(laptop)
    assert size.width() <= laptop.width() and size.height() <= laptop.height()
    assert first_size(QRect(0, 0, 1600, 1000)) == FIRST_SIZE


def test_a_fresh_window_opens_inside_its_screen(window: MainWindow) -> None:
    screen = window.screen()
    assert screen is not None
    assert screen.availableGeometry().contains(window.frameGeometry())


def test_the_person_panel_fits_a_long_address_in_its_width(qtbot: Any, window: MainWindow) -> None:
    from PySide6.QtWidgets import QScrollArea

    panel = window.person_panel
    model = window.messages
    for n in range(model.rowCount()):
        model.index(n).data()
    qtbot.waitUntil(lambda: all(model.cached_row(n) for n in range(model.rowCount())))
    row = next(
        n
        for n in range(model.rowCount())
        if (r := model.cached_row(n)) is not None and r.sender_name == "Zoë Müller"
    )
    window.message_list.select_row(row)
    qtbot.waitUntil(lambda: panel.card is not None and panel.card.name == "Zoë Müller")
    qtbot.wait(50)
    scroll = panel.findChild(QScrollArea)
    assert scroll is not None
    body = scroll.widget()
    assert body.width() <= scroll.viewport().width()  # nothing cut off at the right edge
    right = _rect_in(panel.handles, panel).right()
    assert right <= panel.rect().right()
    assert (
        "…" in panel.handles.text() and "zoe.mueller@brightwave.example" in panel.handles.toolTip()
    )
