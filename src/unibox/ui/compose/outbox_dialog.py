"""Mail ▸ Outbox…: every message waiting, scheduled or failed, with Cancel, Edit and Send now.

A message that may have been sent (the server did not confirm, and it is not
in Sent) offers "Send again" and "Discard" instead: the person decides.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from unibox.core.errors import UserError
from unibox.store import outbox
from unibox.store.intent import intent_write
from unibox.store.outbox import OutboxItem
from unibox.store.outbox_control import send_now
from unibox.ui.bridge import Bridge
from unibox.ui.compose.outbox_model import OutboxModel, actionable, shown, status_text

REFRESH_MS = 2000  # the sync threads move messages on; nothing announces it


class OutboxDialog(QDialog):
    """The outbox as a list; the engine's progress shows as it happens.

    `edit(outbox_id)` reopens a message in a compose window (the launcher);
    `deliver(account_name)` asks the engine to send now, or is None without one.
    """

    def __init__(
        self,
        bridge: Bridge,
        edit: Callable[[int], None],
        deliver: Callable[[], Callable[[str], object] | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("OutboxDialog")
        self.setWindowTitle("Outbox")
        self.resize(820, 380)
        self._bridge = bridge
        self._edit = edit
        self._deliver = deliver
        self.model = OutboxModel(self)
        self.view = QTreeView()
        self.view.setObjectName("OutboxList")
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.view.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.resizeSection(1, 190)
        header.resizeSection(2, 130)
        header.resizeSection(3, 220)
        self.empty = QLabel("Nothing is waiting to be sent.")
        self.empty.setObjectName("FormMessage")
        self.detail = QLabel()  # the selected message's state in full (errors are long)
        self.detail.setObjectName("OutboxDetail")
        self.detail.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("FormMessage")
        self.message.setProperty("problem", True)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.send_button = QPushButton("Send now")
        self.edit_button = QPushButton("Edit")
        self.cancel_button = QPushButton("Cancel message")
        close = QPushButton("Close")
        row = QHBoxLayout()
        for b in (self.send_button, self.edit_button, self.cancel_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(close)
        col = QVBoxLayout(self)
        col.addWidget(self.view, 1)
        col.addWidget(self.empty)
        col.addWidget(self.detail)
        col.addWidget(self.message)
        col.addLayout(row)
        self.send_button.clicked.connect(self.send_selected)
        self.edit_button.clicked.connect(self.edit_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        close.clicked.connect(self.close)
        self.model.modelReset.connect(self._selection_changed)
        self.model.dataChanged.connect(lambda *_a: self._selection_changed())
        selection = self.view.selectionModel()
        selection.selectionChanged.connect(lambda *_a: self._selection_changed())
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.reload)
        self._selection_changed()

    def showEvent(self, event: QShowEvent) -> None:
        self.reload()
        self._timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def reload(self) -> None:
        self._bridge.read(
            lambda s: shown(outbox.list_items(s, include_finished=True)), self._loaded, lane="side"
        )

    def _loaded(self, items: list[OutboxItem]) -> None:
        chosen = self.selected()
        self.model.set_items(items)
        self.empty.setVisible(not items)
        self.view.setVisible(bool(items))
        if chosen is not None:
            for row in range(self.model.rowCount()):
                found = self.model.item(row)
                if found is not None and found.id == chosen.id:
                    self.view.setCurrentIndex(self.model.index(row, 0))
        elif items and not self.view.currentIndex().isValid():
            self.view.setCurrentIndex(self.model.index(0, 0))

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(True)

    def selected(self) -> OutboxItem | None:
        index = self.view.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def _selection_changed(self) -> None:
        item = self.selected()
        can = item is not None and actionable(item)
        maybe_sent = item is not None and item.awaits_decision
        if item is not None:
            now = time.time()
            self.detail.setText(f"“{item.subject or '(no subject)'}”: {status_text(item, now)}")
        self.detail.setVisible(item is not None)
        for b in (self.send_button, self.edit_button, self.cancel_button):
            b.setEnabled(can)
        self.edit_button.setEnabled(can and not maybe_sent)
        self.send_button.setText("Send again" if maybe_sent else "Send now")
        self.cancel_button.setText("Discard" if maybe_sent else "Cancel message")

    def _act(self, work: Callable[[], object], done: Callable[[object], None]) -> None:
        def failed(exc: Exception) -> None:
            text = str(exc) if isinstance(exc, UserError) else "That did not work; try again."
            self.say(text)
            self.reload()

        self.message.setVisible(False)
        self._bridge.run(work, done, failed)

    def send_selected(self) -> None:
        item = self.selected()
        deliver = self._deliver()
        if item is None:
            return
        if deliver is None:
            self.say("Sending needs a mail account; the demo profile has none.")
            return
        store = self._bridge.store

        def work() -> OutboxItem:
            with intent_write(store) as s:
                return send_now(s, item.id, int(time.time()))

        def done(_result: object) -> None:
            deliver(item.account)
            self.reload()

        self._act(work, done)

    def cancel_selected(self) -> None:
        item = self.selected()
        if item is None:
            return
        store = self._bridge.store

        def work() -> OutboxItem:
            with intent_write(store) as s:
                return outbox.cancel(s, item.id)

        self._act(work, lambda _r: self.reload())

    def edit_selected(self) -> None:
        item = self.selected()
        if item is not None:
            self._edit(item.id)
            QTimer.singleShot(300, self.reload)
