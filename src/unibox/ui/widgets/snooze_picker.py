"""The snooze picker: a few preset times on a key each, or a date and time typed in."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import (
    QDateTime,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDateTimeEdit,
    QFrame,
    QGraphicsDropShadowEffect,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

_Index = QModelIndex | QPersistentModelIndex
_WHEN = Qt.ItemDataRole.UserRole + 1
_KEY = Qt.ItemDataRole.UserRole + 2
PICK = "p"
_STYLE = """
#SnoozePicker { background: palette(base); border: 1px solid palette(mid); border-radius: 10px; }
#PickerList { background: transparent; border: none; }
#PickerTitle { color: palette(placeholder-text); font-weight: 600; }
#PickerError { color: #d9534f; }
"""


def snooze_presets(now: datetime) -> list[tuple[str, str, datetime]]:
    """(key, label, local time) for each preset that lies ahead of `now`.

    Later today: three hours on, to the next whole hour (while it is still
    today); this evening at 19:00 (until 17:00); tomorrow at 08:00; next
    Monday at 08:00.
    """
    local = now.astimezone()
    found = []
    later = (local + timedelta(hours=3, minutes=59)).replace(minute=0, second=0, microsecond=0)
    if later.date() == local.date():
        found.append(("l", "Later today", later))
    if local.hour < 17:
        found.append(
            ("e", "This evening", local.replace(hour=19, minute=0, second=0, microsecond=0))
        )
    morning = (local + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
    found.append(("t", "Tomorrow morning", morning))
    monday = local + timedelta(days=7 - local.weekday())
    found.append(("w", "Next week", monday.replace(hour=8, minute=0, second=0, microsecond=0)))
    return found


def when_text(when: datetime, now: datetime) -> str:
    """ "Today 17:00", "Tomorrow 08:00", "Mon 24 Mar, 08:00"."""
    local, today = when.astimezone(), now.astimezone().date()
    days = (local.date() - today).days
    if days == 0:
        return f"Today {local:%H:%M}"
    if days == 1:
        return f"Tomorrow {local:%H:%M}"
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


class _PresetDelegate(QStyledItemDelegate):
    """A key cap, the preset's name, and its time on the right."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(300, 34)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        rect: QRect = option.rect
        palette: QPalette = option.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Midlight))
            painter.drawRoundedRect(rect.adjusted(4, 1, -4, -1), 6, 6)
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        key = str(index.data(_KEY) or "").upper()
        key_font = QFont(option.font)
        key_font.setPointSizeF(option.font.pointSizeF() - 1)
        key_font.setWeight(QFont.Weight.DemiBold)
        cap = QRect(rect.left() + 12, rect.center().y() - 10, 22, 20)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.Window))
        painter.drawRoundedRect(cap, 4, 4)
        painter.setFont(key_font)
        painter.setPen(text)
        painter.drawText(cap, Qt.AlignmentFlag.AlignCenter, key)
        label_font = QFont(option.font)
        if selected:
            label_font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(label_font)
        body = rect.adjusted(46, 0, -14, 0)
        painter.drawText(
            body,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            str(index.data(Qt.ItemDataRole.DisplayRole) or ""),
        )
        hint = str(index.data(Qt.ItemDataRole.ToolTipRole) or "")
        painter.setFont(option.font)
        painter.setPen(muted)
        width = QFontMetrics(option.font).horizontalAdvance(hint)
        painter.drawText(
            QRect(body.right() - width, body.top(), width, body.height()),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            hint,
        )
        painter.restore()


class SnoozePicker(QFrame):
    """Floats above the window; a letter or Enter picks, Esc closes.

    Signals:
        chosen(datetime): the time the messages wake (aware, local).
        cancelled(): closed with Esc, nothing chosen.
    """

    chosen = Signal(object)
    cancelled = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("SnoozePicker")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(_STYLE)
        self.now = datetime.now().astimezone()
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(28)
        shadow.setOffset(0, 6)
        shadow.setColor(QColor(0, 0, 0, 90))
        self.setGraphicsEffect(shadow)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 12, 8, 10)
        layout.setSpacing(6)
        self.title = QLabel("Snooze until…")
        self.title.setObjectName("PickerTitle")
        self.title.setContentsMargins(12, 0, 12, 2)
        layout.addWidget(self.title)
        self.presets = QListWidget()
        self.presets.setObjectName("PickerList")
        self.presets.setItemDelegate(_PresetDelegate(self.presets))
        self.presets.setFrameShape(QFrame.Shape.NoFrame)
        self.presets.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.presets.itemActivated.connect(self._activated)
        self.presets.installEventFilter(self)
        layout.addWidget(self.presets)
        self.edit = QDateTimeEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("ddd d MMM yyyy, HH:mm")
        self.edit.hide()
        self.edit.installEventFilter(self)
        layout.addWidget(self.edit)
        self.error = QLabel("")
        self.error.setObjectName("PickerError")
        self.error.setWordWrap(True)
        self.error.setContentsMargins(12, 0, 12, 0)
        self.error.hide()
        layout.addWidget(self.error)
        self.hide()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)

    def open(self, now: datetime, title: str = "Snooze until…") -> None:
        """Show the presets for `now`, over the middle of the window."""
        self.now = now.astimezone()
        self.title.setText(title)
        self.presets.clear()
        for key, label, when in snooze_presets(self.now):
            self._add(key, label, when, when_text(when, self.now))
        self._add(PICK, "Pick date and time…", None, "")
        self.presets.setFixedHeight(34 * self.presets.count() + 4)
        self.edit.hide()
        self.error.hide()
        self.presets.setCurrentRow(0)
        host = self.parentWidget()
        self.setFixedWidth(360)
        self.adjustSize()
        if host is not None:
            self.move((host.width() - self.width()) // 2, max(60, host.height() // 4))
        self.show()
        self.raise_()
        self.presets.setFocus(Qt.FocusReason.PopupFocusReason)

    def _add(self, key: str, label: str, when: datetime | None, hint: str) -> None:
        item = QListWidgetItem(label)
        item.setData(_WHEN, when)
        item.setData(_KEY, key)
        item.setToolTip(hint)
        self.presets.addItem(item)

    def pick(self, key: str) -> bool:
        """Choose the preset on this key; False when there is none."""
        for n in range(self.presets.count()):
            item = self.presets.item(n)
            if item.data(_KEY) == key:
                self.presets.setCurrentRow(n)
                self._activated(item)
                return True
        return False

    def _activated(self, item: QListWidgetItem) -> None:
        when = item.data(_WHEN)
        if isinstance(when, datetime):
            self._choose(when)
            return
        start = self.now + timedelta(days=1)
        start = start.replace(hour=9, minute=0, second=0, microsecond=0)
        self.edit.setMinimumDateTime(QDateTime.fromSecsSinceEpoch(int(self.now.timestamp())))
        self.edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(start.timestamp())))
        self.edit.show()
        self.adjustSize()
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _choose(self, when: datetime) -> None:
        if when <= self.now:
            self.error.setText("Choose a time in the future.")
            self.error.show()
            self.adjustSize()
            return
        self.hide()
        self.chosen.emit(when)

    def _typed(self) -> None:
        when = self.edit.dateTime().toPython()
        assert isinstance(when, datetime)
        self._choose(when.astimezone() if when.tzinfo is None else when)

    def close_picker(self) -> None:
        self.hide()
        self.cancelled.emit()

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        # A click elsewhere closes it, like a menu (the calendar popup is part of it).
        outside = new is not None and not self.isAncestorOf(new) and new.window() is self.window()
        if self.isVisible() and outside:
            self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.close_picker()
                return True
            if watched is self.edit and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._typed()
                return True
            if watched is self.presets and event.text() and self.pick(event.text().lower()):
                return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_picker()
            return
        super().keyPressEvent(event)
