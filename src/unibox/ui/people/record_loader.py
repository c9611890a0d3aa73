"""Loads a person's record off the GUI thread and runs the user's edits of it as writes."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.orm import Session

from unibox.config import PHONE_REGION, Settings
from unibox.core.contacts import ContactCard
from unibox.core.errors import UserError
from unibox.core.identity import region_from_locale
from unibox.core.items import ChangeSet
from unibox.store import merge_suggestions, merges, person_card, person_edit
from unibox.store.events import Meeting
from unibox.store.intent import intent_write
from unibox.store.next_meetings import next_meeting
from unibox.store.persons import (
    PersonActivity,
    PersonHead,
    PersonRecord,
    person_activity,
    person_head,
)
from unibox.ui.bridge import Bridge
from unibox.ui.people.record_sections import SHOWN


def phone_region(settings: Settings | None) -> str:
    """The country of phone numbers written without one: the setting, else the locale's."""
    chosen = str(settings.get(PHONE_REGION)).strip().upper() if settings is not None else ""
    if chosen:
        return chosen
    for name in ("LC_ALL", "LC_TELEPHONE", "LC_CTYPE", "LANG"):
        found = region_from_locale(os.environ.get(name, ""))
        if found:
            return found
    return ""


class RecordLoader(QObject):
    """The record of one person, kept fresh; every edit is an intent write then a reload.

    A (re)load is two reads: the head (name, card, tasks, what was done; no
    message is read) on the "main" lane, which the timeline's pages share, so
    the page and its first timeline page show at once; once the head is in,
    the activity (numbers, who awaits a reply: every message with them is
    read) on "side", where it never holds up the head of the next person.

    Signals:
        head_loaded(object): the PersonHead of the person asked for; numbers follow.
        loaded(object): the PersonRecord shown now (head and activity).
        saved(str): an edit was stored; a short sentence for the status bar.
        failed(str): an edit or a load failed; the sentence says why.
        merged(int, str): a suggested merge was made: its record id, and a sentence.
        touch_logged(): a call, meeting or note was stored.
        next_meeting(object): the person's next Meeting, or None (after the head).
    """

    head_loaded = Signal(object)
    loaded = Signal(object)
    saved = Signal(str)
    failed = Signal(str)
    merged = Signal(int, str)
    touch_logged = Signal()
    next_meeting = Signal(object)

    def __init__(
        self, bridge: Bridge, settings: Settings | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.region = phone_region(settings)
        self.person_id: int | None = None
        self.head: PersonHead | None = None
        self.record: PersonRecord | None = None
        self._generation = 0
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(400)
        self._refresh.timeout.connect(self.reload)

    def load(self, person_id: int) -> None:
        self.person_id = person_id
        self.reload()

    def reload(self) -> None:
        if self.person_id is None:
            return
        self._generation += 1
        generation, pid = self._generation, self.person_id
        self._bridge.read(
            lambda s: person_head(s, pid, suggestion_limit=SHOWN),
            lambda head: self._head_done(generation, head),
            lane="main",
        )

    def _head_done(self, generation: int, head: PersonHead) -> None:
        if generation != self._generation:
            return
        self.head = head
        self.person_id = head.id
        self.head_loaded.emit(head)
        pid = head.id
        self._bridge.read(
            lambda s: next_meeting(s, pid, int(time.time())),
            lambda meeting: self._next_done(generation, meeting),
            lane="side",
        )
        self._bridge.read(  # only now: never competing with the head or the first page
            lambda s: person_activity(s, pid),
            lambda activity: self._activity_done(generation, head, activity),
            lane="side",
        )

    def _next_done(self, generation: int, meeting: Meeting | None) -> None:
        if generation == self._generation:
            self.next_meeting.emit(meeting)

    def _activity_done(self, generation: int, head: PersonHead, activity: PersonActivity) -> None:
        if generation != self._generation:
            return
        self.record = PersonRecord.of(head, activity)
        self.loaded.emit(self.record)

    def apply_changes(self, changes: ChangeSet) -> None:
        if self.record is not None and (self.record.id in changes.people or changes.messages_added):
            self._refresh.start()

    # -- edits ---------------------------------------------------------------------

    def _write(
        self,
        work: Callable[[Session], ChangeSet | None],
        sentence: str,
        then: Callable[[], None] | None = None,
    ) -> None:
        pid = self.person_id
        store = self._bridge.store

        def run() -> ChangeSet:
            with intent_write(store) as session:
                changes = work(session) or ChangeSet()
            if pid is not None:
                changes.people.add(pid)
            return changes

        def done(changes: ChangeSet) -> None:
            self._bridge.post_changes(changes)
            self.reload()
            self.saved.emit(sentence)
            if then is not None:
                then()

        def failed(exc: Exception) -> None:
            self.failed.emit(str(exc) if isinstance(exc, UserError) else f"Not saved: {exc}")

        self._bridge.run(run, done, failed)

    def save_card(self, card: ContactCard, name: str, split_off: list[int] | None = None) -> None:
        """Store the card (and the name); handles taken off it move to a new person."""
        pid, region = self.person_id, self.region

        def work(s: Session) -> ChangeSet:
            assert pid is not None
            wrote = person_card.write_card(s, pid, card, region)
            if wrote.elsewhere:
                values = ", ".join(v for vs in wrote.elsewhere.values() for v in vs)
                raise UserError(
                    f"{values} belongs to someone else: merge the two people instead. "
                    "Nothing was saved."
                )
            if name.strip():
                person_edit.rename(s, pid, name)
            changes = ChangeSet()
            if split_off:
                changes = merges.split_person(s, pid, split_off)[2]
            return changes

        self._write(work, "Contact card saved.")

    def log_touch(self, kind: str, text: str) -> None:
        pid = self.person_id
        self._write(
            lambda s: _none(person_edit.log_touch_point(s, pid or 0, kind, text)),
            f"{kind.capitalize()} logged.",
            self.touch_logged.emit,
        )

    def add_task(self, title: str, due: int | None, owner: str) -> None:
        pid = self.person_id
        self._write(
            lambda s: _none(person_edit.add_task(s, pid or 0, title, due=due, owner=owner)),
            "Task added.",
        )

    def set_task_done(self, task_id: int, done: bool) -> None:
        self._write(
            lambda s: person_edit.set_task_done(s, task_id, done),
            "Task done." if done else "Task open again.",
        )

    def accept_suggestion(self, suggestion_id: int, text: str = "Merged.") -> None:
        """Merge the pair; `merged` then names the merge record, so it can be undone."""
        record: list[int] = []

        def work(s: Session) -> ChangeSet:
            merge_id, changes = merge_suggestions.accept(s, suggestion_id)
            record.append(merge_id)
            return changes

        self._write(work, text, lambda: self.merged.emit(record[0], text))

    def dismiss_suggestion(self, suggestion_id: int) -> None:
        self._write(
            lambda s: merge_suggestions.dismiss(s, suggestion_id),
            "They stay two people; unibox will not suggest this again.",
        )

    def undo_merge(self, record_id: int) -> None:
        self._write(lambda s: merges.undo(s, record_id), "Undone.")

    def split_handle(self, handle_id: int) -> None:
        pid = self.person_id
        self._write(
            lambda s: merges.split_person(s, pid or 0, [handle_id])[2],
            "Split off into a new person.",
        )


def _none(_value: object) -> None:
    return None
