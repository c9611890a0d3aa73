"""The sidebar: smart views and folders with icons and unread counts."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from unibox.store.views import View
from unibox.ui.icons import pixmap
from unibox.ui.models.sidebar import Role

_Index = QModelIndex | QPersistentModelIndex
ROW_HEIGHT, HEADING_HEIGHT = 32, 40


class SidebarDelegate(QStyledItemDelegate):
    """Icon, name and a count; account headings in small capitals."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(180, HEADING_HEIGHT if index.data(Role.HEADING) else ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        rect: QRect = option.rect
        palette: QPalette = option.palette
        state = option.state
        base_font: QFont = option.font
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        if index.data(Role.HEADING):
            font = QFont(base_font)
            font.setPointSizeF(base_font.pointSizeF() - 1)
            font.setWeight(QFont.Weight.DemiBold)
            font.setCapitalization(QFont.Capitalization.AllUppercase)
            font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
            painter.setFont(font)
            painter.setPen(muted)
            area = rect.adjusted(18, 14, -12, -4)
            painter.drawText(
                area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title
            )
            painter.restore()
            return
        selected = bool(state & QStyle.StateFlag.State_Selected)
        pill = rect.adjusted(8, 2, -8, -2)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Midlight))
            painter.drawRoundedRect(pill, 7, 7)
        elif state & QStyle.StateFlag.State_MouseOver:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Mid))
            painter.drawRoundedRect(pill, 7, 7)
        accent = palette.color(QPalette.ColorRole.Highlight)
        text = palette.color(QPalette.ColorRole.Text)
        icon_name = str(index.data(Role.ICON) or "folder")
        icon_colour = accent if selected else muted
        painter.drawPixmap(pill.left() + 10, pill.center().y() - 8, pixmap(icon_name, icon_colour))
        count = int(index.data(Role.COUNT) or 0)
        font = QFont(base_font)
        font.setWeight(QFont.Weight.DemiBold if selected else QFont.Weight.Normal)
        count_text = f"{count:,}" if count else ""
        count_font = QFont(base_font)
        count_font.setPointSizeF(base_font.pointSizeF() - 0.5)
        count_font.setWeight(QFont.Weight.DemiBold)
        count_w = QFontMetrics(count_font).horizontalAdvance(count_text) if count else 0
        text_rect = QRect(pill.left() + 36, pill.top(), pill.width() - 46 - count_w, pill.height())
        painter.setFont(font)
        painter.setPen(accent if selected else text)
        painter.drawText(
            text_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(font).elidedText(title, Qt.TextElideMode.ElideRight, text_rect.width()),
        )
        if count:
            painter.setFont(count_font)
            painter.setPen(accent if selected else muted)
            painter.drawText(
                pill.adjusted(0, 0, -10, 0),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                count_text,
            )
        painter.restore()


class SidebarView(QTreeView):
    """The smart views, then each account's folders; never takes keyboard focus.

    Signals:
        view_selected(View): the user picked a smart view or a folder.
    """

    view_selected = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Sidebar")
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(0)
        self.setItemDelegate(SidebarDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setItemsExpandable(False)
        self.setExpandsOnDoubleClick(False)
        self.setMouseTracking(True)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # j/k belong to the message list
        self.setFrameShape(QTreeView.Shape.NoFrame)

    def currentChanged(self, current: _Index, previous: _Index) -> None:
        super().currentChanged(current, previous)
        view = current.data(Role.VIEW) if current.isValid() else None
        if isinstance(view, View):
            self.view_selected.emit(view)

    def select_view(self, view: View) -> None:
        model = self.model()
        index = model.index_of(view) if hasattr(model, "index_of") else QModelIndex()
        if index.isValid():
            self.setCurrentIndex(index)
