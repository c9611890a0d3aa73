"""The window opens as it was left: size and pane widths survive a restart of the app."""

from __future__ import annotations

import json
from typing import Any

from unibox.app import build_window
from unibox.config import PANE_WIDTHS, Settings
from unibox.store.store import Store


def _open(qtbot: Any, store: Store) -> Any:
    window = build_window(store, demo=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.message_view.content is not None, timeout=10_000)
    return window


def test_size_and_pane_widths_come_back_after_a_restart(qtbot: Any, demo_store: Store) -> None:
    window = _open(qtbot, demo_store)
    window.resize(1500, 900)
    qtbot.waitUntil(lambda: window.panes.width() == 1500)
    window.panes.setSizes([250, 380, 600, 267])
    qtbot.wait(20)
    chosen = window.panes.sizes()
    assert chosen[0] == 250  # not what the window starts with (210)
    window.close()
    window.bridge.close()

    again = _open(qtbot, demo_store)
    assert (again.width(), again.height()) == (1500, 900)
    assert again.panes.sizes() == chosen
    again.close()
    again.bridge.close()


def test_a_hidden_person_panel_keeps_its_width_for_when_it_returns(
    qtbot: Any, demo_store: Store
) -> None:
    window = _open(qtbot, demo_store)
    window.resize(1500, 900)
    qtbot.waitUntil(lambda: window.panes.width() == 1500)
    window.panes.setSizes([210, 400, 577, 310])
    qtbot.wait(20)
    assert window.panes.sizes()[3] == 310
    window.person_action.trigger()  # hide the person panel, then quit
    assert not window.person_panel.isVisible()
    window.close()
    window.bridge.close()
    assert Settings(demo_store.path.parent).get(PANE_WIDTHS)[3] == 310

    again = _open(qtbot, demo_store)
    assert not again.person_panel.isVisible()
    again.person_action.trigger()
    qtbot.waitUntil(lambda: again.person_panel.width() > 0)
    assert again.panes.sizes()[3] == 310
    # Hidden and shown again in one session: the width it had.
    again.panes.setSizes([210, 400, 607, 280])
    qtbot.wait(20)
    again.person_action.trigger()
    again.person_action.trigger()
    qtbot.wait(20)
    assert again.panes.sizes()[3] == 280
    again.close()
    again.bridge.close()


def test_a_damaged_saved_layout_opens_the_window_as_built(qtbot: Any, demo_store: Store) -> None:
    # From another version or edited by hand: not Qt's encoding, two panes where there are four.
    saved = {"window.geometry": "%%% not base64", "window.pane_widths": [1, 2]}
    (demo_store.path.parent / "settings.json").write_text(json.dumps(saved), "utf-8")
    window = _open(qtbot, demo_store)
    assert (window.width(), window.height()) == (1400, 860)
    assert all(width >= 180 for width in window.panes.sizes())
    window.close()
    window.bridge.close()
