"""The main window opens where it was left: its place, its size, the widths of its panes."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSize
from PySide6.QtWidgets import QMainWindow, QSplitter

from unibox.config import PANE_WIDTHS, WINDOW_GEOMETRY
from unibox.ui.preferences import Preferences

# The size a first window opens at, where the screen has room for it.
FIRST_SIZE = QSize(1400, 860)


def first_size(available: QRect) -> QSize:
    """FIRST_SIZE, or the screen's free area (less the frame a window manager adds)."""
    room = available.size() - QSize(16, 40)
    return FIRST_SIZE.boundedTo(room.expandedTo(QSize(1, 1)))


def restore_layout(window: QMainWindow, panes: QSplitter, prefs: Preferences) -> None:
    """Put the window and its panes back as `save_layout` kept them (nothing kept: as built)."""
    screen = window.screen()
    if screen is not None:
        window.resize(first_size(screen.availableGeometry()))
    geometry = prefs.get(WINDOW_GEOMETRY)
    if geometry:
        # Qt checks what it decodes and keeps the window on a screen that exists now.
        window.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
    widths = prefs.get(PANE_WIDTHS)
    if len(widths) == panes.count() and all(isinstance(w, int) and w >= 0 for w in widths):
        panes.setSizes(widths)


def save_layout(window: QMainWindow, panes: QSplitter, prefs: Preferences) -> None:
    """Keep the window's place and size and the panes' widths."""
    prefs.set(WINDOW_GEOMETRY, bytes(window.saveGeometry().toBase64().data()).decode("ascii"))
    remember_widths(panes, prefs)


def remember_widths(panes: QSplitter, prefs: Preferences) -> None:
    """Keep the panes' widths; a hidden pane keeps the width it had when last shown."""
    widths = panes.sizes()
    kept = prefs.get(PANE_WIDTHS)
    for n, width in enumerate(widths):
        pane = panes.widget(n)
        if width == 0 and len(kept) == len(widths) and pane is not None and pane.isHidden():
            widths[n] = kept[n]
    prefs.set(PANE_WIDTHS, widths)


def give_back_width(panes: QSplitter, index: int, prefs: Preferences) -> None:
    """A pane shown again takes its kept width back from the widest of the others."""
    kept = prefs.get(PANE_WIDTHS)
    widths = panes.sizes()
    if len(kept) != len(widths) or kept[index] <= 0:
        return
    others = [n for n in range(len(widths)) if n != index]
    widest = max(others, key=lambda n: widths[n])
    widths[widest] -= kept[index] - widths[index]
    widths[index] = kept[index]
    panes.setSizes(widths)
