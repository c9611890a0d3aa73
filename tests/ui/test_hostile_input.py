"""Hostile mail through the real parse and store.ingest path, shown in the real list and pane.

Each crafted message (tests/helpers/hostile_mail.py) must be stored with its raw
source byte for byte, listed with a readable row and opened in the reading pane
with nothing invisible or layout-changing in what is shown, its words findable
on screen and a reading problem said in words. Bounds are hang guards, not
timings: pytest-timeout per case, and tracemalloc's peak of Python memory while
the message is ingested and shown (benchmarks/bench_hostile.py prints the
measured time and resident memory of each).
"""

from __future__ import annotations

import re
import tracemalloc
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests.helpers.hostile_mail import CASES, HostileCase, hostile_messages
from tests.ui.hostile import ingest_raw
from unibox.core.mime import parse_message
from unibox.store.queries import raw_source
from unibox.store.view_rows import MessageRow
from unibox.ui.main_window import MainWindow
from unibox.ui.models.message_list import Role
from unibox.ui.widgets.attachment_strip import AttachmentChip
from unibox.ui.widgets.message_view import MessageView

MEMORY_BOUND = 200 * 1024 * 1024  # extra Python memory to take in and show one message
# What must never reach the screen from a message: C0/C1 controls (but tab and
# newline), and bidi overrides, embeddings and isolates (U+202E shows "gpj.exe"
# as "exe.jpg").
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown_sanely(text: str, where: str) -> None:
    found = _INVISIBLE.search(text)
    assert found is None, (
        f"{where} shows {unicodedata.name(found.group(), hex(ord(found.group())))}"
    )


def _open(qtbot: Any, window: MainWindow, raw: bytes, uid: int) -> int:
    changes = ingest_raw(window, raw, uid=uid)
    (mid,) = changes.messages_added
    qtbot.waitUntil(lambda: window.messages.row_of(mid) is not None, timeout=30_000)
    row = window.messages.row_of(mid)
    assert row is not None
    window.message_list.select_row(row)
    qtbot.waitUntil(
        lambda: window.message_view.content is not None and window.message_view.content.id == mid,
        timeout=30_000,
    )
    index = window.messages.index(row, 0)
    qtbot.waitUntil(lambda: isinstance(index.data(Role.ROW), MessageRow), timeout=30_000)
    window.grab()  # lay out and paint the list row and the pane, as a person would see them
    return mid


def _plain_tooltip(tip: str) -> None:
    """Qt draws a tooltip that looks like markup as HTML: the message's own "<h1>" must
    be escaped (or absent), and a tooltip is short."""
    assert len(tip) < 2000
    assert not QtGui.Qt.mightBeRichText(tip) or ("<h1" not in tip and "<b " not in tip), tip


def _check_pane(view: MessageView) -> None:
    header = view.header
    _plain_tooltip(header.sender_label.toolTip())
    _shown_sanely(header.subject.text(), "the subject")
    _shown_sanely(header.sender_label.text(), "the sender")
    _shown_sanely(header.sender_label.address_line.full_text, "the sender's address")
    _shown_sanely(header.recipients.text(), "the recipients")
    assert header.recipients.heightForWidth(header.recipients.width()) < view.height() / 3
    _shown_sanely(view.body.toPlainText(), "the body")
    for chip in header.attachments.findChildren(AttachmentChip):
        _shown_sanely(chip.name, "an attachment name")
        assert "/" not in chip.name and "\\" not in chip.name and not chip.name.startswith(".")
    # A subject, however long, is a few lines of the pane, not the whole screen, and
    # markup in it is drawn as the characters it is (no label guesses "rich text").
    width = header.subject.width()
    assert header.subject.heightForWidth(width) < view.height() / 3
    plain = QLabel(header.subject.text())
    plain.setFont(header.subject.font())
    plain.setWordWrap(True)
    plain.setTextFormat(Qt.TextFormat.PlainText)
    assert header.subject.heightForWidth(width) <= plain.heightForWidth(width)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_message_is_kept_and_shown_sanely(
    qtbot: Any, window: MainWindow, case: HostileCase
) -> None:
    raw = case.build(f"{case.name}@hostile.test")
    tracemalloc.start()
    try:
        mid = _open(qtbot, window, raw, uid=7000 + CASES.index(case))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND, f"{peak / 2**20:.0f} MB of Python memory for one message"

    with window.bridge._store.read() as s:
        assert raw_source(s, mid) == raw  # kept exactly: for export, re-parsing, saving parts

    row = window.messages.index(window.messages.row_of(mid) or 0, 0).data(Role.ROW)
    assert case.subject_word in row.subject
    for text, where in (
        (row.subject, "the row's subject"),
        (row.sender_name, "the row's sender"),
        (row.snippet, "the row's snippet"),
    ):
        _shown_sanely(text, where)
    assert len(row.snippet) < 1000
    index = window.messages.index(window.messages.row_of(mid) or 0, 0)
    _plain_tooltip(index.data(Qt.ItemDataRole.ToolTipRole))

    view = window.message_view
    _check_pane(view)
    shown = view.header.subject.text() + "\n" + view.body.toPlainText()
    assert case.visible in shown
    content = view.content
    assert content is not None
    if content.parse_state != "complete":  # a reading problem is said, in words
        assert view.header.problem_notice.isVisible()
        assert view.header.problem_notice.label.text().endswith(".")


def test_a_25_mb_attachment_is_listed_with_its_size(qtbot: Any, window: MainWindow) -> None:
    case = next(c for c in CASES if c.name == "25mb-attachment")
    _open(qtbot, window, case.build("big@hostile.test"), uid=7100)
    content = window.message_view.content
    assert content is not None
    assert [(name, size) for name, _, size in content.attachments] == [
        ("film.mov", 25 * 1024 * 1024)
    ]


def test_attachment_names_never_carry_a_path_or_a_reversed_extension(
    qtbot: Any, window: MainWindow
) -> None:
    case = next(c for c in CASES if c.name == "hostile-attachment-names")
    _open(qtbot, window, case.build("names@hostile.test"), uid=7101)
    content = window.message_view.content
    assert content is not None
    names = [name for name, _, _ in content.attachments]
    assert names[:4] == ["bashrc", "evil.dll", "passwd", "invoicegpj.exe"]
    assert all(name and "/" not in name and "\\" not in name for name in names)


# A shared window for the generated messages: a window per example would take minutes.
@pytest.mark.timeout(300)
def test_generated_hostile_messages_are_kept_and_shown_sanely(
    qtbot: Any, window: MainWindow
) -> None:
    uids = iter(range(8000, 9000))

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(hostile_messages())
    def check(raw: bytes) -> None:
        parsed = parse_message(raw)
        assert parsed.state.value in ("complete", "partial")
        mid = _open(qtbot, window, raw, uid=next(uids))
        with window.bridge._store.read() as s:
            assert raw_source(s, mid) == raw
        _check_pane(window.message_view)

    check()
