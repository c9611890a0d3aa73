"""Drawing one event box (a grid's block or a bar), shared by the day, week and month views."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QPen

from unibox.store.calendar_range import Occurrence
from unibox.ui.calendar.colors import event_fill, event_text, occurrence_color
from unibox.ui.calendar.layout import local

RADIUS = 4.0


def time_text(stamp: int) -> str:
    return local(stamp).strftime("%H:%M")


def span_text(o: Occurrence) -> str:
    return f"{time_text(o.starts_at)}–{time_text(o.ends_at)}"


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
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = occurrence_color(o)
    fill = event_fill(o, palette, selected=selected)
    if ghost:
        fill.setAlpha(150)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(fill)
    p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), RADIUS, RADIUS)
    if not selected:
        p.setBrush(colour)
        p.drawRoundedRect(
            QRectF(rect.left() + 0.5, rect.top() + 0.5, 3.5, rect.height() - 1), 1.5, 1.5
        )
    if ghost:
        p.setPen(QPen(colour, 1.5, Qt.PenStyle.DashLine))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), RADIUS, RADIUS)
    text_rect = rect.adjusted(8, 2, -4, -2)
    p.setClipRect(rect)
    title = QFont(p.font())
    title.setWeight(QFont.Weight.DemiBold)
    metrics = QFontMetrics(title)
    p.setPen(event_text(palette, selected=selected))
    p.setFont(title)
    summary = o.summary or "(no title)"
    if o.status == "tentative":
        summary += " (tentative)"
    one_line = not detail or text_rect.height() < 2 * metrics.height()
    if one_line:
        p.drawText(
            text_rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(summary, Qt.TextElideMode.ElideRight, int(text_rect.width())),
        )
        p.restore()
        return
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
    p.drawText(text_rect, flags, summary)
    used = metrics.boundingRect(text_rect.toRect(), flags, summary).height()
    rest = text_rect.adjusted(0, used, 0, 0)
    if rest.height() >= metrics.height() * 0.9:
        small = QFont(p.font())
        small.setWeight(QFont.Weight.Normal)
        p.setFont(small)
        muted = event_text(palette, selected=selected)
        muted.setAlpha(190)
        p.setPen(muted)
        lines = [span_text(o)] + ([o.location] if o.location else [])
        p.drawText(rest, flags, "\n".join(lines))
    p.restore()
