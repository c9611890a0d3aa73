"""One message row: avatar with its channel badge, sender, time, subject, snippet, marks."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from unibox.store.channels import CHANNELS
from unibox.store.view_rows import MessageRow
from unibox.ui.format import list_time, snooze_time
from unibox.ui.icons import pixmap
from unibox.ui.models.message_list import Role
from unibox.ui.theme import FLAG_COLOUR
from unibox.ui.widgets.avatar import paint_avatar, paint_channel_badge

_Index = QModelIndex | QPersistentModelIndex
PAD_X, PAD_Y, AVATAR, GAP = 14, 11, 36, 3
CHANNEL_ICONS = {key: icon for key, _title, icon, _kinds in CHANNELS}


def _fonts(base: QFont, unread: bool) -> tuple[QFont, QFont, QFont, QFont]:
    sender = QFont(base)
    sender.setPointSizeF(base.pointSizeF() + 0.5)
    sender.setWeight(QFont.Weight.Bold if unread else QFont.Weight.Medium)
    subject = QFont(base)
    subject.setWeight(QFont.Weight.DemiBold if unread else QFont.Weight.Normal)
    small = QFont(base)
    small.setPointSizeF(base.pointSizeF() - 0.5)
    time = QFont(small)
    time.setWeight(QFont.Weight.DemiBold if unread else QFont.Weight.Normal)
    return sender, subject, small, time


def _background(option: QStyleOptionViewItem) -> QColor:
    """The row's colour: focused selection, selection, hover, or the list's base."""
    palette: QPalette = option.palette
    state = option.state
    view = option.widget
    if state & QStyle.StateFlag.State_Selected:
        focused = view is not None and view.hasFocus()
        role = QPalette.ColorRole.Highlight if focused else QPalette.ColorRole.Midlight
    elif state & QStyle.StateFlag.State_MouseOver:
        role = QPalette.ColorRole.AlternateBase
    else:
        role = QPalette.ColorRole.Base
    return palette.color(role)


class MessageDelegate(QStyledItemDelegate):
    """Paints a MessageRow; a row still loading is a quiet skeleton. No store access here."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        sender, subject, small, _time = _fonts(option.font, True)
        height = (
            QFontMetrics(sender).height()
            + QFontMetrics(subject).height()
            + QFontMetrics(small).height()
            + 2 * GAP
            + 2 * PAD_Y
        )
        return QSize(320, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        rect: QRect = option.rect
        palette: QPalette = option.palette
        state = option.state
        view = option.widget
        selected = bool(state & QStyle.StateFlag.State_Selected)
        focused = selected and view is not None and view.hasFocus()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected or state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, _background(option))
        row = index.data(Role.ROW)
        text_x = rect.left() + PAD_X + AVATAR + 12
        if not selected:
            painter.setPen(palette.color(QPalette.ColorRole.Mid))
            painter.drawLine(text_x, rect.bottom(), rect.right(), rect.bottom())
        if isinstance(row, MessageRow):
            self._paint_row(painter, option, row, focused, text_x)
        else:
            self._paint_skeleton(painter, rect, palette, text_x)
        painter.restore()

    @staticmethod
    def _paint_channel(
        painter: QPainter, option: QStyleOptionViewItem, row: MessageRow, avatar: QRect
    ) -> None:
        """The channel the message came by, as a badge on the avatar (mail, chat, social)."""
        palette: QPalette = option.palette
        ring = _background(option)  # the badge is ringed in the row's own colour
        fill = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.Text)
        icon = pixmap(CHANNEL_ICONS.get(row.channel, "mail"), text, 10)
        paint_channel_badge(painter, avatar, icon, ring, fill)

    def _paint_row(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        row: MessageRow,
        focused: bool,
        text_x: int,
    ) -> None:
        rect: QRect = option.rect
        palette: QPalette = option.palette
        unread = not row.is_seen
        sender_font, subject_font, small_font, time_font = _fonts(option.font, unread)
        text = palette.color(
            QPalette.ColorRole.HighlightedText if focused else QPalette.ColorRole.Text
        )
        muted = QColor(text) if focused else palette.color(QPalette.ColorRole.PlaceholderText)
        if focused:
            muted.setAlphaF(0.78)
        accent = text if focused else palette.color(QPalette.ColorRole.Highlight)
        right = rect.right() - PAD_X
        y = rect.top() + PAD_Y

        if row.outgoing and row.recipients:
            who = "To: " + ", ".join(c.name for c in row.recipients)
            face = row.recipients[0]
            avatar_name, avatar_email = face.name, face.email
        else:
            who = row.sender_name or row.sender_email or "(unknown sender)"
            avatar_name, avatar_email = row.sender_name, row.sender_email
        avatar = QRect(rect.left() + PAD_X, y + 1, AVATAR, AVATAR)
        paint_avatar(painter, avatar, avatar_name, avatar_email, option.font)
        self._paint_channel(painter, option, row, avatar)
        if unread:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(accent)
            painter.drawEllipse(rect.left() + 4, avatar.center().y() - 3, 7, 7)

        # Line 1: sender (and thread size) ... time (a snoozed message: when it wakes)
        fm = QFontMetrics(sender_font)
        now = datetime.now().astimezone()
        snoozed = row.snoozed_until is not None
        when = (
            snooze_time(row.snoozed_until, now) if row.snoozed_until else list_time(row.date, now)
        )
        tfm = QFontMetrics(time_font)
        time_w = tfm.horizontalAdvance(when)
        painter.setFont(time_font)
        painter.setPen(accent if unread or snoozed else muted)
        line1 = QRect(text_x, y, right - text_x, fm.height())
        painter.drawText(line1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, when)
        if snoozed:
            clock_x = right - time_w - 18
            painter.drawPixmap(clock_x, y + (fm.height() - 14) // 2, pixmap("snooze", accent, 14))
            time_w += 20
        badge = str(row.thread_size) if row.thread_size > 1 else ""
        sfm = QFontMetrics(small_font)
        badge_w = sfm.horizontalAdvance(badge) + 10 if badge else 0
        room = line1.width() - time_w - 12 - (badge_w + 6 if badge else 0)
        name = fm.elidedText(who, Qt.TextElideMode.ElideRight, max(0, room))
        painter.setFont(sender_font)
        painter.setPen(text)
        painter.drawText(line1, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        if badge:
            bx = text_x + fm.horizontalAdvance(name) + 6
            box = QRect(bx, y + (fm.height() - sfm.height()) // 2, badge_w, sfm.height())
            border = QColor(muted)
            border.setAlphaF(0.55)
            painter.setPen(border)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box.adjusted(0, 0, -1, -1), 6, 6)
            painter.setFont(small_font)
            painter.setPen(muted)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, badge)
        y += fm.height() + GAP

        # Line 2: subject ... marks (answered, attachment, flag)
        sub_fm = QFontMetrics(subject_font)
        marks = []
        if row.followup_due is not None:
            marks.append(("followup", accent))
        if row.is_answered:
            marks.append(("reply", muted))
        if row.has_attachments:
            marks.append(("paperclip", muted))
        if row.is_flagged:
            marks.append(("flag-filled", text if focused else QColor(FLAG_COLOUR)))
        icon = 14
        x = right - icon
        for name_, colour in reversed(marks):
            pm = pixmap(name_, colour, icon)
            painter.drawPixmap(x, y + (sub_fm.height() - icon) // 2, pm)
            x -= icon + 5
        line2 = QRect(text_x, y, x + icon - text_x - 6, sub_fm.height())
        painter.setFont(subject_font)
        painter.setPen(text)
        subject = row.subject or "(no subject)"
        painter.drawText(
            line2,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            sub_fm.elidedText(subject, Qt.TextElideMode.ElideRight, line2.width()),
        )
        y += sub_fm.height() + GAP

        # Line 3: snippet
        line3 = QRect(text_x, y, right - text_x, sfm.height())
        painter.setFont(small_font)
        painter.setPen(muted)
        snippet = row.snippet or " "
        painter.drawText(
            line3,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            sfm.elidedText(snippet, Qt.TextElideMode.ElideRight, line3.width()),
        )

    def _paint_skeleton(
        self, painter: QPainter, rect: QRect, palette: QPalette, text_x: int
    ) -> None:
        shade = palette.color(QPalette.ColorRole.Mid)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(shade)
        y = rect.top() + PAD_Y
        painter.drawEllipse(rect.left() + PAD_X, y + 1, AVATAR, AVATAR)
        width = rect.right() - PAD_X - text_x
        for n, fraction in enumerate((0.35, 0.7, 0.9)):
            painter.drawRoundedRect(text_x, y + 4 + n * 20, int(width * fraction), 9, 4, 4)
