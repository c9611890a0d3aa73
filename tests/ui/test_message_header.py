"""The reading pane's header shows the sender's whole address at the usual window sizes."""

from __future__ import annotations

import dataclasses
import html
import re
from typing import Any

from PySide6.QtGui import QFont, QFontMetrics

from unibox.store.view_rows import Contact
from unibox.ui.main_window import MainWindow
from unibox.ui.widgets.message_view import MessageView


def _address_as_shown(view: MessageView) -> tuple[str, int, int]:
    """(the line holding the address as a person reads it, its width in pixels, its room)."""
    line = view.header.sender_label
    if line.address_line.isVisible():
        shown = line.address_line.text()
        return (
            shown,
            line.address_line.fontMetrics().horizontalAdvance(shown),
            line.address_line.width(),
        )
    shown = html.unescape(re.sub(r"<[^>]+>", "", line.text()))
    bold = QFont(line.font())
    bold.setBold(True)  # the name is bold: measuring it so errs on the safe side
    return shown, QFontMetrics(bold).horizontalAdvance(shown), line.width()


def test_the_whole_sender_address_is_readable_at_common_window_sizes(
    qtbot: Any, window: MainWindow
) -> None:
    view = window.message_view
    assert view.content is not None
    email = view.content.sender.email
    for width, height in ((1400, 860), (1100, 760)):
        window.resize(width, height)
        qtbot.waitUntil(lambda w=width: window.width() == w)
        qtbot.wait(50)  # let the layout settle
        shown, needed, room = _address_as_shown(view)
        assert email in shown, (width, shown)
        assert needed <= room, (width, needed, room)


def test_an_address_too_long_for_any_pane_is_elided_not_cut(qtbot: Any, window: MainWindow) -> None:
    view = window.message_view
    assert view.content is not None
    long_one = "someone.with.a.very.long.name." * 4 + "@departments.example.org"
    content = dataclasses.replace(view.content, sender=Contact("Long Address", long_one))
    view.show_message(content)
    window.resize(1100, 760)
    qtbot.waitUntil(lambda: view.header.sender_label.address_line.isVisible())
    line = view.header.sender_label.address_line
    assert "…" in line.text()
    assert line.text().endswith("example.org")  # the domain stays readable
    assert line.fontMetrics().horizontalAdvance(line.text()) <= line.width()
    assert long_one in line.toolTip()
