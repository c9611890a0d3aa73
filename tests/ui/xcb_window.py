"""The demo window on a real X server (xcb), for test_screenshot.py to run in a child process.

`python -m tests.ui.xcb_window OUT_DIR STORE_DIR` opens the demo as `unibox --demo`
does, then at the full 1600x1000 screen, saves what the X server shows (the
screen, grabbed through xcb) to OUT_DIR, and prints as JSON which parts of the
window lie outside it. The test process cannot do this itself: its Qt runs on
the offscreen platform, chosen before Qt loads.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QWidget


def _wait(app: QApplication, condition: Callable[[], object], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("the window did not get ready")
        app.processEvents()
        time.sleep(0.02)


def _settle(app: QApplication, window: QWidget) -> None:
    """Let the layout, the first page of rows and the counts arrive and paint."""
    bridge = window.bridge  # type: ignore[attr-defined]
    for _ in range(5):
        bridge.wait_idle()
        end = time.monotonic() + 0.2
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)


def _outside(window: QWidget) -> list[str]:
    """Visible parts of the window (bars, panes, the person panel) that reach past its edges."""
    frame = window.rect()
    found = []
    for child in window.findChildren(QWidget):
        if not child.isVisible() or child.isWindow() or not child.objectName():
            continue
        rect = QRect(child.mapTo(window, QPoint(0, 0)), child.size())
        if child.width() > 0 and not frame.contains(rect):
            found.append(f"{child.objectName()} at {rect.getRect()} outside {frame.getRect()}")
    return found


def main(out: Path, folder: Path) -> int:
    from unibox.app import application, build_window
    from unibox.config import store_path
    from unibox.demo import build_demo_profile
    from unibox.store.store import Store

    app = application()
    assert app.platformName() == "xcb", app.platformName()
    store = Store(store_path(folder))
    build_demo_profile(store)
    window = build_window(store, demo=True)
    window.show()  # at its first size, as the window keeps it (ui/window_state.py)
    _wait(app, lambda: window.message_view.content is not None)
    report: dict[str, object] = {}
    screen = app.primaryScreen()
    for name, size in (("first", None), ("full", (1600, 1000))):
        if size is not None:
            window.move(0, 0)
            window.resize(*size)
            _wait(app, lambda size=size: (window.width(), window.height()) == size)
        _settle(app, window)
        shot = out / f"main_window_xcb_{window.width()}x{window.height()}.png"
        where = window.frameGeometry()  # what X shows of the window, not Qt's own painting
        screen.grabWindow(0, where.x(), where.y(), where.width(), where.height()).save(str(shot))
        report[name] = {
            "file": str(shot),
            "size": [window.width(), window.height()],
            "outside": _outside(window),
        }
    print(json.dumps(report))
    window.close()
    window.bridge.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
