"""The colour of each calendar, and the fill, edge and text of an event drawn in it."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from unibox.store.calendar_range import Occurrence

# A calendar without its own colour gets one of these, by its name (stable across runs).
PALETTE = ("#3b7be0", "#2e9e6b", "#d9822b", "#9b59b6", "#d0454c", "#1f9bb3", "#8a6d3b")
NAMED = {"Invitations": "#2e9e6b", "Calendar": "#3b7be0"}


def calendar_color(name: str, color: str = "") -> QColor:
    if color and QColor(color).isValid():
        return QColor(color)
    if name in NAMED:
        return QColor(NAMED[name])
    return QColor(PALETTE[sum(map(ord, name)) % len(PALETTE)])


def occurrence_color(o: Occurrence) -> QColor:
    return calendar_color(o.calendar, o.color)


def _mix(a: QColor, b: QColor, share: float) -> QColor:
    """`share` of a, the rest of b."""
    return QColor(
        round(a.red() * share + b.red() * (1 - share)),
        round(a.green() * share + b.green() * (1 - share)),
        round(a.blue() * share + b.blue() * (1 - share)),
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def event_fill(o: Occurrence, palette: QPalette, *, selected: bool = False) -> QColor:
    """A soft tint of the calendar's colour on the page (stronger when selected)."""
    base = palette.color(QPalette.ColorRole.Base)
    colour = occurrence_color(o)
    if selected:
        return colour
    return _mix(colour, base, 0.38 if is_dark(palette) else 0.2)


def event_text(palette: QPalette, *, selected: bool = False) -> QColor:
    if selected:
        return QColor("#ffffff")
    return palette.color(QPalette.ColorRole.Text)
