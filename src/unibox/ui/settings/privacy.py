"""The Privacy page: who and which messages may load remote content, each removable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QWidget

from unibox.store.queries import MessageSummary, summaries_for
from unibox.ui.bridge import Bridge
from unibox.ui.preferences import REMOTE_CONTENT_MESSAGES, REMOTE_CONTENT_SENDERS, Preferences
from unibox.ui.settings.page import SettingsPage


class _Removable(QWidget):
    """A list with a Remove button beside it (Delete works on the list too)."""

    def __init__(self, empty_text: str, parent: QWidget) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.items = QListWidget(self)
        self.items.setObjectName("RemovableList")
        self.items.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.items.setMinimumHeight(110)
        self.items.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.remove = QPushButton("&Remove", self)
        self.remove.setEnabled(False)
        self.items.itemSelectionChanged.connect(
            lambda: self.remove.setEnabled(bool(self.items.selectedItems()))
        )
        self.empty_text = empty_text
        row.addWidget(self.items, 1)
        row.addWidget(self.remove, 0, Qt.AlignmentFlag.AlignTop)

    def fill(self, rows: list[tuple[str, object]]) -> None:
        self.items.clear()
        for text, data in rows:
            item = QListWidgetItem(text, self.items)
            item.setData(Qt.ItemDataRole.UserRole, data)
        if not rows:
            placeholder = QListWidgetItem(self.empty_text, self.items)
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
        self.remove.setEnabled(False)

    def chosen(self) -> list[object]:
        return [i.data(Qt.ItemDataRole.UserRole) for i in self.items.selectedItems()]


class PrivacyPage(SettingsPage):
    """Remote images load only for the senders and messages listed here."""

    title = "Privacy"

    def __init__(self, prefs: Preferences, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(prefs, parent)
        self.bridge = bridge
        self.column.insertWidget(  # under the title, above the lists
            1,
            self.hint(
                "Remote images can tell a sender when and where you read their mail, so "
                "unibox loads them only where you allowed it."
            ),
        )
        self.senders = _Removable("No sender: every message asks first.", self)
        self.messages = _Removable("No single message.", self)
        self.form.addRow("&Senders", self.senders)
        self.form.addRow("&Messages", self.messages)
        self.senders.remove.clicked.connect(self._remove_senders)
        self.messages.remove.clicked.connect(self._remove_messages)
        self.finish()
        self.refresh()

    def refresh(self) -> None:
        self.senders.fill([(s, s) for s in self.prefs.get(REMOTE_CONTENT_SENDERS)])
        ids = self.prefs.get(REMOTE_CONTENT_MESSAGES)
        self.messages.fill([("…", i) for i in ids])
        if ids:
            self.bridge.read(lambda s: summaries_for(s, ids), self._show_messages, lane="side")

    def _show_messages(self, found: list[MessageSummary]) -> None:
        titles = {
            m.id: f"{m.subject or '(no subject)'} — {m.from_name or m.from_email}" for m in found
        }
        ids = self.prefs.get(REMOTE_CONTENT_MESSAGES)
        # A message deleted since is listed by number, still removable.
        self.messages.fill([(titles.get(i, f"Message {i} (no longer here)"), i) for i in ids])

    def _remove_senders(self) -> None:
        gone = set(self.senders.chosen())
        kept = [s for s in self.prefs.get(REMOTE_CONTENT_SENDERS) if s not in gone]
        if self.save(REMOTE_CONTENT_SENDERS, kept):
            self.refresh()

    def _remove_messages(self) -> None:
        gone = set(self.messages.chosen())
        kept = [i for i in self.prefs.get(REMOTE_CONTENT_MESSAGES) if i not in gone]
        if self.save(REMOTE_CONTENT_MESSAGES, kept):
            self.refresh()
