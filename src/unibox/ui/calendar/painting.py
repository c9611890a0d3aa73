"""Drawing one event box (a grid's block or a bar), shared by the day, week and month views.

A week of a busy calendar draws hundreds of boxes: fonts, metrics and colours
are made once and kept, not per box.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen

from unibox.store.calendar_range import Occurrence
from unibox.ui.calendar.colors import event_fill, event_text, occurrence_color
from unibox.ui.calendar.layout import local

RADIUS = 4.0
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_WRAP = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
_fonts: dict[str, tuple[QFont, QFontMetrics, QFont]] = {}
_colours: dict[tuple[str, str, str, bool, bool], tuple[QColor, QColor, QColor, QColor]] = {}


def time_text(stamp: int) -> str:
    when = local(stamp)
    return f"{when.hour:02d}:{when.minute:02d}"


def span_text(o: Occurrence) -> str:
    return f"{time_text(o.starts_at)}–{time_text(o.ends_at)}"


def _fonts_for(base: QFont) -> tuple[QFont, QFontMetrics, QFont]:
    key = base.key()
    found = _fonts.get(key)
    if found is None:
        title = QFont(base)
        title.setWeight(QFont.Weight.DemiBold)
        small = QFont(base)
        small.setWeight(QFont.Weight.Normal)
        found = _fonts[key] = (title, QFontMetrics(title), small)
    return found


def _colours_for(
    o: Occurrence, palette: QPalette, selected: bool
) -> tuple[QColor, QColor, QColor, QColor]:
    """The edge, the fill, the text and the second line's colour."""
    base = palette.color(QPalette.ColorRole.Base).name()
    key = (o.calendar, o.color, base, selected, True)
    found = _colours.get(key)
    if found is None:
        text = event_text(palette, selected=selected)
        muted = QColor(text)
        muted.setAlpha(190)
        found = _colours[key] = (
            occurrence_color(o),
            event_fill(o, palette, selected=selected),
            text,
            muted,
        )
    return found


def draw_event(
    p: QPainter,
    rect: QRectF,
    o: Occurrence,
    palette: QPalette,
    *,
    selected: bool = False,
    detail: bool = True,
    ghost: bool = False,
) -> None:
    """A rounded box in the calendar's colour with an edge on the left; title, then time and place.

    `detail` False draws one line (a bar, a month cell's entry).
    """
    edge, fill, text, muted = _colours_for(o, palette, selected)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    if ghost:
        fill = QColor(fill)
        fill.setAlpha(150)
    p.setBrush(fill)
    p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), RADIUS, RADIUS)
    if not selected:
        p.setBrush(edge)
        p.drawRoundedRect(
            QRectF(rect.left() + 0.5, rect.top() + 0.5, 3.5, rect.height() - 1), 1.5, 1.5
        )
    if ghost:
        p.setPen(QPen(edge, 1.5, Qt.PenStyle.DashLine))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), RADIUS, RADIUS)
    base = p.font()
    title, metrics, small = _fonts_for(base)
    text_rect = rect.adjusted(8, 2, -4, -2)
    summary = o.summary or "(no title)"
    if o.status == "tentative":
        summary += " (tentative)"
    p.setPen(text)
    p.setFont(title)
    line = metrics.height()
    if not detail or text_rect.height() < 2 * line:
        elided = metrics.elidedText(summary, Qt.TextElideMode.ElideRight, int(text_rect.width()))
        p.drawText(text_rect, _LEFT, elided)
        p.setFont(base)
        return
    p.save()
    p.setClipRect(rect)
    used = metrics.boundingRect(text_rect.toRect(), _WRAP, summary).height()
    p.drawText(text_rect, _WRAP, summary)
    rest = text_rect.adjusted(0, used, 0, 0)
    if rest.height() >= line * 0.9:
        p.setFont(small)
        p.setPen(muted)
        lines = [span_text(o)] + ([o.location] if o.location else [])
        p.drawText(rest, _WRAP, "\n".join(lines))
    p.restore()
    p.setFont(base)
