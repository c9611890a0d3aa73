"""GUI test fixtures: the offscreen platform, a demo store per test, the main window on it."""

from __future__ import annotations

import os
from pathlib import Path

# Before anything imports Qt: tests run headless unless told otherwise (xvfb-run sets xcb),
# on a desktop-sized screen (the plugin's own is 800x600, smaller than the window).
os.environ.setdefault(
    "QT_QPA_PLATFORM", f"offscreen:configfile={Path(__file__).resolve().parent / 'offscreen.json'}"
)

import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from unibox.config import store_path
from unibox.demo import build_demo_profile
from unibox.store.store import Store

HERE = Path(__file__).resolve().parent
# The offscreen plugin says these whenever a window with size constraints is shown
# or raised (the add-account dialog is raised above the window), and whenever a popup
# (address completion) opens.
OFFSCREEN_NOISE = (
    r"This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)"
)
# The demo's own "now": its newest mail stays where the data script put it.
DEMO_NOW = datetime(2025, 3, 14, 9, 30, tzinfo=timezone(timedelta(hours=1)))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.gui)
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's mail built once through the real mbox import; tests get copies."""
    folder = tmp_path_factory.mktemp("demo-template")
    store = Store(store_path(folder))
    build_demo_profile(store, now=DEMO_NOW, chats=False, calendar=False)
    store.close()
    return folder


@pytest.fixture(scope="session")
def chat_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole demo, its XMPP chats too, as `unibox --demo` shows it."""
    folder = tmp_path_factory.mktemp("chat-demo-template")
    store = Store(store_path(folder))
    build_demo_profile(store, now=DEMO_NOW)
    store.close()
    return folder


@pytest.fixture
def demo_store(demo_template: Path, tmp_path: Path) -> Iterator[Store]:
    for f in demo_template.iterdir():
        shutil.copy(f, tmp_path / f.name)
    store = Store(store_path(tmp_path))
    yield store
    store.close()


@pytest.fixture
def window(qtbot, demo_store: Store) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """The main window on the demo store, shown, with its first message open."""
    from PySide6.QtWidgets import QApplication

    from unibox.app import build_window
    from unibox.ui.theme import apply_theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=False)
    w = build_window(demo_store, demo=True)
    qtbot.addWidget(w)
    w.resize(1400, 860)
    w.show()
    w.activateWindow()  # with no window manager (Xvfb) nobody else does it
    qtbot.waitActive(w)
    qtbot.waitUntil(lambda: w.message_view.content is not None, timeout=10_000)
    yield w
    w.close()
    w.bridge.close()
