"""The message list: three-line rows with avatar, sender, time, subject, snippet and marks."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from unibox.store.views import MessageRow
from unibox.ui.format import list_time, snooze_time
from unibox.ui.icons import pixmap
from unibox.ui.models.message_list import Role
from unibox.ui.theme import FLAG_COLOUR
from unibox.ui.widgets.avatar import paint_avatar

_Index = QModelIndex | QPersistentModelIndex
PAD_X, PAD_Y, AVATAR, GAP = 14, 11, 36, 3


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
        if focused:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        elif selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Midlight))
        elif state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
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


class MessageListView(QTreeView):
    """Shows a MessageListModel; j/k-style moves keep the row in view.

    Extended selection: Shift/Ctrl-click, and `extend` (Shift+J/K) from the anchor.

    Signals:
        current_message_changed(object): the id of the message now current, or None.
        menu_requested(QPoint): a right-click on a row (global position), now selected.
    """

    current_message_changed = Signal(object)
    menu_requested = Signal(QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageList")
        self.setItemDelegate(MessageDelegate(self))
        # A tree view of one column, not a QListView: with uniform row heights it
        # lays out in constant time, where QListView walks every row (through
        # the Python model) on each dataChanged, 150 ms at 70,000 rows.
        self.setUniformRowHeights(True)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(0)
        self.setItemsExpandable(False)
        self.setExpandsOnDoubleClick(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self._anchor: int | None = None
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.setFrameShape(QTreeView.Shape.NoFrame)
        self.empty_text = "No messages"

    def currentChanged(self, current: _Index, previous: _Index) -> None:
        super().currentChanged(current, previous)
        mid = current.data(Role.MESSAGE_ID) if current.isValid() else None
        self.current_message_changed.emit(mid)

    def keyboardSearch(self, search: str) -> None:
        """Letters are shortcuts here, not a type-ahead through every row of the model."""

    def select_row(self, row: int) -> None:
        """Make this row current and the only one selected."""
        model = self.model()
        if model is None or not 0 <= row < model.rowCount():
            return
        index = model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.selectionModel().setCurrentIndex(index, flags)
        self._anchor = row
        self.scrollTo(index)

    def extend(self, delta: int) -> None:
        """Move by one row and select everything from the anchor to it (Shift+J/K)."""
        model = self.model()
        current = self.currentIndex()
        if model is None or not current.isValid():
            self.step(delta)
            return
        anchor = self._anchor if self._anchor is not None else current.row()
        row = max(0, min(current.row() + delta, model.rowCount() - 1))
        top, bottom = sorted((anchor, row))
        selection = QItemSelection(model.index(top, 0), model.index(bottom, 0))
        selection_model = self.selectionModel()
        selection_model.select(
            selection,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        selection_model.setCurrentIndex(
            model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate
        )
        self._anchor = anchor
        self.scrollTo(model.index(row, 0))

    def selected_ids(self) -> list[int]:
        """The selected messages top to bottom; the current one when none is selected."""
        rows = sorted(i.row() for i in self.selectionModel().selectedRows())
        if not rows and self.currentIndex().isValid():
            rows = [self.currentIndex().row()]
        model = self.model()
        ids = [model.index(r, 0).data(Role.MESSAGE_ID) for r in rows] if model else []
        return [mid for mid in ids if isinstance(mid, int)]

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._anchor = index.row()

    def _menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if not index.isValid():
            return
        if not self.selectionModel().isSelected(index):
            self.select_row(index.row())
        self.menu_requested.emit(self.viewport().mapToGlobal(pos))

    def step(self, delta: int) -> None:
        """Next (+1) or previous (-1) message; the first one when nothing is current."""
        current = self.currentIndex()
        row = current.row() + delta if current.isValid() else 0
        model = self.model()
        if model is not None:
            self.select_row(max(0, min(row, model.rowCount() - 1)))

    def focusInEvent(self, event: object) -> None:  # repaint the selection colour
        super().focusInEvent(event)  # type: ignore[arg-type]
        self.viewport().update()

    def focusOutEvent(self, event: object) -> None:
        super().focusOutEvent(event)  # type: ignore[arg-type]
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.viewport().rect().adjusted(20, 0, -20, 0),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )
            painter.end()
