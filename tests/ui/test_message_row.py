"""What one row of the message list shows beyond the text: the channel the message came by."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QPalette

from unibox.store.view_rows import MessageRow
from unibox.ui.format import avatar_colour
from unibox.ui.main_window import MainWindow
from unibox.ui.models.message_list import Role
from unibox.ui.widgets.avatar import channel_badge_rect
from unibox.ui.widgets.message_delegate import AVATAR, PAD_X, PAD_Y


def test_each_row_carries_a_channel_badge_on_its_avatar(qtbot: Any, window: MainWindow) -> None:
    model = window.messages
    index = model.index(1, 0)  # row 0 is selected; row 1 paints on the plain background
    model.index(1, 0).data(Role.ROW)
    qtbot.waitUntil(lambda: isinstance(index.data(Role.ROW), MessageRow), timeout=10_000)
    row = index.data(Role.ROW)
    assert row.channel == "email"
    view = window.message_list
    rect = view.visualRect(index)
    avatar = QRect(rect.left() + PAD_X, rect.top() + PAD_Y + 1, AVATAR, AVATAR)
    badge = channel_badge_rect(avatar)
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    background = view.palette().color(QPalette.ColorRole.Base)
    # The badge's face (not the row's background, not the avatar's colour) fills its centre.
    inside = badge.center() - QPoint(2, 2)  # inside the badge and inside the avatar's disc
    centre = image.pixelColor(round(inside.x() * ratio), round(inside.y() * ratio))
    right = QPoint(badge.right() + 3, badge.center().y())
    outside = image.pixelColor(round(right.x() * ratio), round(right.y() * ratio))
    assert outside == background
    assert centre != background
    assert centre != QColor(avatar_colour(row.sender_email, row.sender_name))
