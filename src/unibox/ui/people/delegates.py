"""How a person's row and a timeline entry are painted: from cached rows only, never SQL."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from unibox.core.bridges import via_title
from unibox.store.people_list import PersonRow
from unibox.store.timeline import EVENT, MESSAGE, TimelineEntry
from unibox.store.view_rows import CHANNEL_TITLES
from unibox.ui.format import list_time
from unibox.ui.icons import pixmap
from unibox.ui.people.list_model import ROW_ROLE, Column
from unibox.ui.people.timeline_model import ENTRY_ROLE
from unibox.ui.widgets.avatar import paint_avatar

_Index = QModelIndex | QPersistentModelIndex
CHANNEL_ICONS = {
    "email": "mail",
    "phone": "phone",
    "xmpp": "chat",
    "matrix": "chat",
    "mastodon": "at",
    "mail": "mail",
    "chat": "chat",
    "call": "phone",
    "meeting": "calendar",
    "note": "note",
}


def _background(painter: QPainter, option: QStyleOptionViewItem) -> QColor:
    """Paints the row's background; returns the colour its text should have."""
    pal = option.palette
    rect = option.rect
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    focused = bool(option.state & QStyle.StateFlag.State_HasFocus) or (
        option.widget is not None and option.widget.hasFocus()
    )
    if selected:
        role = QPalette.ColorRole.Highlight if focused else QPalette.ColorRole.Midlight
        painter.fillRect(rect, pal.color(role))
        if focused:
            return pal.color(QPalette.ColorRole.HighlightedText)
    elif option.state & QStyle.StateFlag.State_MouseOver:
        painter.fillRect(rect, pal.color(QPalette.ColorRole.AlternateBase))
    return pal.color(QPalette.ColorRole.Text)


class PersonDelegate(QStyledItemDelegate):
    """Name with avatar initials, the channels as icons, the rest as muted text."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(120, max(40, QFontMetrics(option.font).height() * 2 + 8))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        row: PersonRow | None = index.data(ROW_ROLE)
        painter.save()
        text_colour = _background(painter, option)
        rect: QRect = option.rect.adjusted(10, 0, -10, 0)
        font: QFont = option.font
        muted = option.palette.color(QPalette.ColorRole.PlaceholderText)
        selected = text_colour == option.palette.color(QPalette.ColorRole.HighlightedText)
        if selected:
            muted = text_colour
        column = Column(index.column())
        if row is None:
            painter.restore()
            return
        if column is Column.NAME:
            side = 28
            avatar = QRect(rect.left(), rect.center().y() - side // 2 + 1, side, side)
            paint_avatar(painter, avatar, row.display_name, row.handle, font)
            area = rect.adjusted(side + 10, 0, 0, 0)
            bold = QFont(font)
            bold.setWeight(QFont.Weight.DemiBold)
            painter.setFont(bold)
            painter.setPen(text_colour)
            fm = QFontMetrics(bold)
            name = fm.elidedText(
                row.display_name or row.handle, Qt.TextElideMode.ElideRight, area.width()
            )
            top = QRect(area.left(), rect.top() + 3, area.width(), rect.height() // 2 - 2)
            painter.drawText(top, Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft, name)
            painter.setFont(font)
            painter.setPen(muted)
            handle = QFontMetrics(font).elidedText(
                row.handle, Qt.TextElideMode.ElideRight, area.width()
            )
            bottom = QRect(area.left(), rect.center().y() + 2, area.width(), rect.height() // 2)
            painter.drawText(bottom, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft, handle)
        elif column is Column.CHANNELS:
            x = rect.left()
            for kind in row.channels[:6]:
                pm = pixmap(CHANNEL_ICONS.get(kind, "person"), muted, 16)
                painter.drawPixmap(x, rect.center().y() - 8, pm)
                x += 22
        else:
            value = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            painter.setPen(text_colour if column is Column.COMPANY else muted)
            if column is Column.OPEN and row.open_items:
                strong = QFont(font)
                strong.setWeight(QFont.Weight.DemiBold)
                painter.setFont(strong)
                link = option.palette.color(QPalette.ColorRole.Link)
                painter.setPen(text_colour if selected else link)
            align = (
                Qt.AlignmentFlag.AlignRight
                if column in (Column.OPEN, Column.MESSAGES)
                else Qt.AlignmentFlag.AlignLeft
            )
            value = QFontMetrics(font).elidedText(value, Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(rect, align | Qt.AlignmentFlag.AlignVCenter, value)
        painter.restore()


class TimelineDelegate(QStyledItemDelegate):
    """One entry: a channel icon, the subject or note, who and when, and a preview line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(200, QFontMetrics(option.font).height() * 2 + 18)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        entry: TimelineEntry | None = index.data(ENTRY_ROLE)
        painter.save()
        text_colour = _background(painter, option)
        pal = option.palette
        selected = text_colour == pal.color(QPalette.ColorRole.HighlightedText)
        muted = text_colour if selected else pal.color(QPalette.ColorRole.PlaceholderText)
        rect: QRect = option.rect.adjusted(12, 6, -12, -6)
        font: QFont = option.font
        if entry is None:
            painter.restore()
            return
        note = entry.kind != MESSAGE
        accent = pal.color(QPalette.ColorRole.Link)
        icon_colour = text_colour if selected else (accent if note else muted)
        name = "calendar" if entry.kind == EVENT else CHANNEL_ICONS.get(entry.channel, "mail")
        if entry.kind == MESSAGE and entry.direction == "out":
            name = "sent"
        painter.drawPixmap(rect.left(), rect.top() + 2, pixmap(name, icon_colour, 16))
        text = rect.adjusted(28, 0, 0, 0)
        fm = QFontMetrics(font)
        when = list_time(entry.at, datetime.now().astimezone())
        when_w = fm.horizontalAdvance(when) + 8
        painter.setPen(muted)
        painter.drawText(text, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, when)
        bold = QFont(font)
        bold.setWeight(QFont.Weight.DemiBold)
        painter.setFont(bold)
        painter.setPen(text_colour)
        if entry.kind == EVENT:
            title = f"Meeting · {entry.title or '(no title)'}"
        elif note:
            title = f"{entry.channel.capitalize()} · by {entry.by or 'you'}"
        else:
            who = "You" if entry.direction == "out" else (entry.by or "Them")
            if entry.channel != "mail":  # a chat line has no subject: say where it was
                network = CHANNEL_TITLES.get(entry.channel, entry.channel)
                where = f"{network} chat"
                if entry.via:  # "Matrix chat · via Telegram"
                    where = f"{where} · via {via_title(entry.via)}"
                title = f"{who} · {entry.title or where}"
            else:
                title = f"{who} · {entry.title or '(no subject)'}"
        title = QFontMetrics(bold).elidedText(
            title, Qt.TextElideMode.ElideRight, text.width() - when_w
        )
        painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, title)
        painter.setFont(font)
        painter.setPen(text_colour if note else muted)
        snippet = " ".join(entry.snippet.split())
        line = fm.elidedText(snippet, Qt.TextElideMode.ElideRight, text.width())
        painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, line)
        painter.restore()
