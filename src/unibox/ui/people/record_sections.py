"""The record's boxes: Pending, Done, Numbers and merge history; each shows, none stores."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from unibox.store.persons import PersonHead, PersonNumbers, PersonRecord, TaskInfo, Waiting
from unibox.ui.format import full_time, list_time
from unibox.ui.people.list_model import ago

SHOWN = 5  # lines of a kind in a box: a record is read at a glance, the timeline has the rest


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _date(when: datetime | None) -> str:
    return "—" if when is None else f"{when.astimezone():%d %b %Y}"


class Box(QFrame):
    """A titled card of the record; `body` is where its rows go."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RecordBox")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        col = QVBoxLayout(self)
        col.setContentsMargins(16, 12, 16, 14)
        col.setSpacing(6)
        self.heading = QHBoxLayout()
        self.title = QLabel(title.upper(), self)
        self.title.setObjectName("BoxTitle")
        self.heading.addWidget(self.title)
        self.heading.addStretch(1)
        col.addLayout(self.heading)
        self.body = QVBoxLayout()
        self.body.setSpacing(4)
        col.addLayout(self.body)
        self._items: list[QWidget] = []

    def clear(self) -> None:
        for w in self._items:
            w.deleteLater()
        self._items = []

    def add(self, w: QWidget) -> QWidget:
        self.body.addWidget(w)
        self._items.append(w)
        return w

    def note(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName("Muted")
        label.setWordWrap(True)
        self.add(label)
        return label

    def link(self, text: str, target: str) -> QLabel:
        """A wrapped line that is a link; its linkActivated says `target`."""
        label = QLabel(
            f'<a style="text-decoration: none" href="{target}">{html.escape(text)}</a>', self
        )
        label.setObjectName("BoxLink")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setCursor(Qt.CursorShape.PointingHandCursor)
        self.add(label)
        return label


class PendingBox(Box):
    """Open tasks (tick to finish, add one), and conversations awaiting a reply.

    Signals:
        task_added(str, object, str): title, due (seconds or None), owner ("" is me).
        task_done(int): a task id ticked off.
        message_chosen(int): a message to open in Mail.
    """

    task_added = Signal(str, object, str)
    task_done = Signal(int)
    message_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Pending", parent)
        form = QHBoxLayout()
        form.setSpacing(6)
        self.task_title = QLineEdit(self)
        self.task_title.setPlaceholderText("Add a task, then Enter")
        self.task_due = QDateEdit(self)
        self.task_due.setCalendarPopup(True)
        self.task_due.setDisplayFormat("d MMM yyyy")
        self.task_due.setDate(QDate.currentDate().addDays(7))
        self.task_due.setToolTip("Due")
        self.task_due.setFixedWidth(112)
        self.task_owner = QComboBox(self)
        self.task_owner.setEditable(True)
        self.task_owner.addItems(["Me", "Them"])
        self.task_owner.setToolTip("Who does it")
        self.task_owner.setFixedWidth(84)
        self.task_title.setMinimumWidth(80)
        due = QLabel("due", self)
        due.setObjectName("Muted")
        by = QLabel("by", self)
        by.setObjectName("Muted")
        form.addWidget(due)
        form.addWidget(self.task_due)
        form.addWidget(by)
        form.addWidget(self.task_owner)
        form.addStretch(1)
        outer = self.layout()
        assert isinstance(outer, QVBoxLayout)
        outer.addSpacing(4)
        outer.addWidget(self.task_title)
        outer.addLayout(form)
        self.task_title.returnPressed.connect(self._add)
        self.checks: list[QCheckBox] = []
        self.waiting: list[QLabel] = []
        self.looking: QLabel | None = None  # shown until the activity is in
        self.person_name = ""

    def _add(self) -> None:
        title = self.task_title.text().strip()
        if not title:
            return
        d = self.task_due.date()
        due = int(datetime(d.year(), d.month(), d.day(), 17, tzinfo=UTC).timestamp())
        owner = self.task_owner.currentText().strip()
        if owner == self.task_owner.itemText(1) and self.person_name:
            owner = self.person_name
        self.task_added.emit(title, due, "" if owner in ("", "Me") else owner)
        self.task_title.clear()

    def show_record(self, record: PersonHead) -> None:
        """Tasks from the head; who awaits a reply once the whole record is in."""
        self.clear()
        self.checks = []
        self.waiting = []
        self.looking = None
        self.person_name = record.display_name
        self.task_owner.setItemText(
            1, record.display_name.split()[0] if record.display_name else "Them"
        )
        now = datetime.now(UTC)
        for task in record.open_tasks[: SHOWN * 4]:
            self._task(task, now)
        known = isinstance(record, PersonRecord)
        mine = record.awaiting_my_reply if isinstance(record, PersonRecord) else ()
        theirs = record.awaiting_their_reply if isinstance(record, PersonRecord) else ()
        for waiting, what in ((mine, "Awaiting your reply"), (theirs, "Awaiting their reply")):
            for w in waiting[:SHOWN]:
                self._waiting(w, what)
            if len(waiting) > SHOWN:
                self.note(f"… and {len(waiting) - SHOWN:,} more {what.lower()}.")
        if record.next_meeting is not None:
            m = record.next_meeting
            self.note(f"Next meeting: {full_time(m.at)}  {m.text}".strip())
        if not known:
            self.looking = self.note("Looking for conversations awaiting a reply…")
        elif not self.checks and not (mine or theirs):
            self.note("Nothing pending with them.")

    def _task(self, task: TaskInfo, now: datetime) -> None:
        owner = "you" if not task.owner else task.owner
        due = ""
        if task.due is not None:
            late = task.due < now - timedelta(days=1)
            due = f" · due {task.due.astimezone():%d %b}" + (" (overdue)" if late else "")
        box = QCheckBox(f"{task.title}  —  {owner}{due}", self)
        box.setObjectName("TaskCheck")
        box.toggled.connect(lambda on, tid=task.id: self._ticked(on, tid))
        self.add(box)
        self.checks.append(box)

    def _ticked(self, on: bool, task_id: int) -> None:
        if on:
            self.task_done.emit(task_id)

    def _waiting(self, w: Waiting, what: str) -> None:
        when = list_time(w.since, datetime.now().astimezone())
        b = self.link(f"{what}: {w.subject or '(no subject)'} · {when}", str(w.message_id))
        b.linkActivated.connect(lambda target: self.message_chosen.emit(int(target)))
        self.waiting.append(b)


class DoneBox(Box):
    """Logged calls, meetings and notes, and who did them; "Log a call / note" (Ctrl+L).

    Signals:
        log_requested(): open the quick log form.
    """

    log_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Done", parent)
        self.log_button = QPushButton("Log  Ctrl+L", self)
        self.log_button.setObjectName("LinkButton")
        self.log_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.log_button.clicked.connect(self.log_requested)
        self.heading.addWidget(self.log_button)
        self.lines: list[str] = []

    def show_record(self, record: PersonHead) -> None:
        self.clear()
        self.lines = []
        for t in record.done[:8]:
            by = t.done_by or "you"
            line = (
                f"{t.kind.capitalize()} · {list_time(t.at, datetime.now().astimezone())} · by {by}"
            )
            label = self.note(f"{line}\n{t.text}" if t.text else line)
            label.setObjectName("DoneLine")
            self.lines.append(label.text())
        if not record.done:
            self.note("No calls, meetings or notes logged yet.")


class NumbersBox(Box):
    """First and last contact, messages per channel, response times both ways."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Numbers", parent)
        self.values: dict[str, QLabel] = {}
        self.counting = False  # placeholders shown until the numbers are in
        grid_host = QWidget(self)
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(4)
        names = (
            "First contact",
            "Last touch",
            "Messages",
            "From them / to them",
            "You answer in",
            "They answer in",
        )
        for n, name in enumerate(names):
            key = QLabel(name, grid_host)
            key.setObjectName("Muted")
            value = QLabel("—", grid_host)
            value.setObjectName("NumberValue")
            grid.addWidget(key, n // 2 * 2, n % 2)
            grid.addWidget(value, n // 2 * 2 + 1, n % 2)
            self.values[name] = value
        self.body.addWidget(grid_host)

    def show_waiting(self) -> None:
        """Quiet placeholders while the numbers are counted."""
        self.counting = True
        for value in self.values.values():
            value.setText("…")

    def show_numbers(self, numbers: PersonNumbers) -> None:
        self.counting = False
        now = datetime.now().astimezone()
        per = ", ".join(f"{n:,} {kind}" for kind, n in sorted(numbers.messages_by_channel.items()))
        total = sum(numbers.messages_by_channel.values())
        touch = ago(numbers.last_touch, now)
        for name, text in (
            ("First contact", _date(numbers.first_contact)),
            ("Last touch", touch),
            (
                "Messages",
                f"{total:,}"
                + (f" ({per})" if per and len(numbers.messages_by_channel) > 1 else ""),
            ),
            (
                "From them / to them",
                f"{numbers.messages_from_them:,} / {numbers.messages_to_them:,}",
            ),
            ("You answer in", _duration(numbers.my_median_response_seconds)),
            ("They answer in", _duration(numbers.their_median_response_seconds)),
        ):
            self.values[name].setText(text)


class MergesBox(Box):
    """Merges and splits of this person, each with Undo; pending suggestions about them.

    Signals:
        undo_requested(int): a merge record id.
        accept_requested(int, str): a suggestion id, and what to say once merged.
        dismiss_requested(int): a suggestion id.
    """

    undo_requested = Signal(int)
    accept_requested = Signal(int, str)
    dismiss_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Merges", parent)
        self.undo_buttons: list[QPushButton] = []

    def show_record(self, record: PersonHead) -> None:
        self.clear()
        self.undo_buttons = []
        for s in record.suggestions[:SHOWN]:
            other = s.other_name if s.person_id == record.id else s.person_name
            self.note(f"Maybe the same as {other}: {s.detail}")
            row = QWidget(self)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            merge = QPushButton("Merge", row)
            merge.setObjectName("PrimaryButton")
            apart = QPushButton("Not the same person", row)
            merge.clicked.connect(
                lambda _c=False, sid=s.id, o=other: self.accept_requested.emit(
                    sid, f"Merged {o} into {record.display_name}."
                )
            )
            apart.clicked.connect(lambda _c=False, sid=s.id: self.dismiss_requested.emit(sid))
            line.addWidget(merge)
            line.addWidget(apart)
            line.addStretch(1)
            self.add(row)
        more = record.suggestion_count - min(len(record.suggestions), SHOWN)
        if more > 0:
            self.note(f"… and {more:,} more under Suggested merges.")
        for m in record.merges[:SHOWN]:
            verb = "Merged in" if m.kind == "merge" else "Split off"
            text = f"{verb} {m.other_name} · {_date(m.at)}" + (" · undone" if m.undone else "")
            row = QWidget(self)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            label = QLabel(text, row)
            line.addWidget(label, 1)
            if not m.undone:
                undo = QPushButton("Undo", row)
                undo.setObjectName("LinkButton")
                undo.clicked.connect(lambda _c=False, rid=m.id: self.undo_requested.emit(rid))
                line.addWidget(undo)
                self.undo_buttons.append(undo)
            self.add(row)
        self.setVisible(bool(record.suggestions or record.merges))
