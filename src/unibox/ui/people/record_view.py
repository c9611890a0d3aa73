"""A person's record: header, card, pending, done, numbers and the timeline of everything."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from unibox.services.meeting_format import meeting_line
from unibox.store.events import Meeting
from unibox.store.people_list import PersonRow
from unibox.store.persons import PersonHead, PersonRecord
from unibox.store.timeline import CALENDAR, EVENT, MESSAGE
from unibox.store.view_rows import CHANNEL_TITLES
from unibox.ui.bridge import Bridge
from unibox.ui.format import handle_text
from unibox.ui.people.card_editor import CardEditor
from unibox.ui.people.delegates import TimelineDelegate
from unibox.ui.people.record_loader import RecordLoader
from unibox.ui.people.record_sections import DoneBox, MergesBox, NumbersBox, PendingBox
from unibox.ui.people.timeline_model import TimelineModel
from unibox.ui.widgets.avatar import Avatar

NOTE_KINDS = frozenset({"call", "meeting", "note"})


class LogForm(QFrame):
    """Log a call, meeting or note in one line: kind, what happened, Enter.

    Signals:
        logged(str, str): kind and text.
    """

    logged = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LogForm")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        self.kind = QComboBox(self)
        for kind in ("call", "meeting", "note"):
            self.kind.addItem(kind.capitalize(), kind)
        self.text = QLineEdit(self)
        self.text.setPlaceholderText("What was said or agreed, then Enter  (Esc closes)")
        self.button = QPushButton("Log", self)
        self.button.setObjectName("PrimaryButton")
        row.addWidget(self.kind)
        row.addWidget(self.text, 1)
        row.addWidget(self.button)
        self.text.returnPressed.connect(self._log)
        self.button.clicked.connect(self._log)
        QShortcut(
            QKeySequence("Escape"),
            self,
            self.hide,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.hide()

    def open(self) -> None:
        self.show()
        self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _log(self) -> None:
        text = self.text.text().strip()
        kind = str(self.kind.currentData())
        if not text and kind == "note":
            return
        self.logged.emit(kind, text)
        self.text.clear()
        self.hide()


class PersonRecordView(QWidget):
    """Everything about one person; edits go to the RecordLoader, which stores them.

    Signals:
        back(): return to the People list.
        message_chosen(int): open this message in the Mail page.
        meeting_chosen(object): show this time (a UTC datetime) in the calendar.
        status(str): a sentence for the status bar.
    """

    back = Signal()
    message_chosen = Signal(int)
    meeting_chosen = Signal(object)
    status = Signal(str)

    def __init__(self, bridge: Bridge, loader: RecordLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PersonRecord")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.loader = loader
        self.timeline = TimelineModel(bridge, self)
        self.head: PersonHead | None = None  # shown first: name, card, tasks, done
        self.record: PersonRecord | None = None  # and then the numbers and who awaits whom
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._header())
        self.log_form = LogForm(self)
        outer.addWidget(self.log_form)
        columns = QHBoxLayout()
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(0)
        outer.addLayout(columns, 1)
        scroll = QScrollArea(self)
        scroll.setObjectName("RecordScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(420)
        scroll.setMaximumWidth(560)
        left = QWidget(scroll)
        self.sections = left  # hidden until the record of the person asked for is in
        left.setObjectName("RecordColumn")
        scroll.setWidget(left)
        col = QVBoxLayout(left)
        col.setContentsMargins(18, 14, 12, 18)
        col.setSpacing(12)
        self.card = CardEditor(left)
        self.card_box = QFrame(left)
        self.card_box.setObjectName("RecordBox")
        box_col = QVBoxLayout(self.card_box)
        box_col.setContentsMargins(16, 12, 16, 14)
        title = QLabel("CONTACT CARD", self.card_box)
        title.setObjectName("BoxTitle")
        box_col.addWidget(title)
        box_col.addWidget(self.card)
        self.pending = PendingBox(left)
        self.done = DoneBox(left)
        self.numbers = NumbersBox(left)
        self.merges = MergesBox(left)
        for w in (self.pending, self.done, self.numbers, self.card_box, self.merges):
            col.addWidget(w)
        col.addStretch(1)
        columns.addWidget(scroll)
        columns.addWidget(self._timeline_pane(), 1)
        self._connect()

    def _header(self) -> QWidget:
        head = QWidget(self)
        head.setObjectName("RecordHeader")
        head.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        row = QHBoxLayout(head)
        row.setContentsMargins(18, 14, 18, 14)
        row.setSpacing(14)
        self.back_button = QToolButton(head)
        self.back_button.setObjectName("BackButton")
        self.back_button.setText("‹ People")
        self.back_button.setToolTip("Back to everyone (Backspace)")
        self.back_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.avatar = Avatar(60, head)
        self.photo = QLabel(head)
        self.photo.setFixedSize(60, 60)
        self.photo.hide()
        text = QVBoxLayout()
        text.setSpacing(2)
        self.name = QLabel(head)
        self.name.setObjectName("RecordName")
        self.role = QLabel(head)
        self.role.setObjectName("RecordRole")
        self.handles = QLabel(head)
        self.handles.setObjectName("Muted")
        self.handles.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.next_meeting = QPushButton(head)
        self.next_meeting.setObjectName("NextMeeting")
        self.next_meeting.setCursor(Qt.CursorShape.PointingHandCursor)
        self.next_meeting.setFlat(True)
        self.next_meeting.setToolTip("Show it in the calendar")
        self.next_meeting.hide()
        self._next_start: object = None
        for w in (self.name, self.role, self.handles):
            text.addWidget(w)
        text.addWidget(self.next_meeting, 0, Qt.AlignmentFlag.AlignLeft)
        self.log_button = QPushButton("Log a call / note", head)
        self.log_button.setObjectName("PrimaryButton")
        self.log_button.setToolTip("Ctrl+L")
        row.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.avatar)
        row.addWidget(self.photo)
        row.addLayout(text, 1)
        row.addWidget(self.log_button, 0, Qt.AlignmentFlag.AlignVCenter)
        return head

    def _timeline_pane(self) -> QWidget:
        pane = QWidget(self)
        pane.setObjectName("TimelinePane")
        pane.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        col = QVBoxLayout(pane)
        col.setContentsMargins(0, 14, 0, 0)
        col.setSpacing(8)
        top = QHBoxLayout()
        top.setContentsMargins(16, 0, 16, 0)
        title = QLabel("Timeline", pane)
        title.setObjectName("ListTitle")
        top.addWidget(title)
        top.addSpacing(12)
        self.chip_row = QHBoxLayout()
        self.chip_row.setSpacing(6)
        top.addLayout(self.chip_row)
        top.addStretch(1)
        col.addLayout(top)
        self.chips = QButtonGroup(self)
        self.chips.setExclusive(True)
        self.timeline_view = QListView(pane)
        self.timeline_view.setObjectName("Timeline")
        self.timeline_view.setModel(self.timeline)
        self.timeline_view.setItemDelegate(TimelineDelegate(self.timeline_view))
        self.timeline_view.setUniformItemSizes(True)
        self.timeline_view.setMouseTracking(True)
        self.timeline_view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.timeline_empty = QLabel("Nothing with them yet: no messages, calls or notes.", pane)
        self.timeline_empty.setObjectName("Muted")
        self.timeline_empty.setContentsMargins(18, 6, 18, 0)
        self.timeline_empty.hide()
        col.addWidget(self.timeline_empty)
        col.addWidget(self.timeline_view, 1)
        self.timeline.loaded.connect(lambda n: self.timeline_empty.setVisible(n == 0))
        self.timeline.rowsInserted.connect(lambda *_a: self.timeline_empty.hide())
        return pane

    def _connect(self) -> None:
        ld = self.loader
        ld.head_loaded.connect(self._show_head)
        ld.loaded.connect(self._show)
        ld.saved.connect(self.status)
        ld.touch_logged.connect(self.timeline.reload)  # a logged call shows at once
        ld.failed.connect(self._failed)
        ld.next_meeting.connect(self._show_next_meeting)
        self.next_meeting.clicked.connect(lambda: self.meeting_chosen.emit(self._next_start))
        self.back_button.clicked.connect(self.back)
        self.log_button.clicked.connect(self.log_form.open)
        self.done.log_requested.connect(self.log_form.open)
        self.log_form.logged.connect(ld.log_touch)
        self.card.save_requested.connect(ld.save_card)
        self.card.split_requested.connect(ld.split_handle)
        self.card.problem.connect(self.status)
        self.pending.task_added.connect(ld.add_task)
        self.pending.task_done.connect(lambda tid: ld.set_task_done(tid, True))
        self.pending.message_chosen.connect(self.message_chosen)
        self.merges.undo_requested.connect(ld.undo_merge)
        self.merges.accept_requested.connect(ld.accept_suggestion)
        self.merges.dismiss_requested.connect(ld.dismiss_suggestion)
        self.timeline_view.activated.connect(self._open_entry)
        self.timeline_view.clicked.connect(self._open_entry)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("Ctrl+L"), self, self.log_form.open, context=context)
        for keys in ("Backspace", "Alt+Left"):  # text fields keep their own Backspace
            QShortcut(QKeySequence(keys), self, self.back.emit, context=context)
        self.card.region = ld.region

    def show_person(self, person_id: int, hint: PersonRow | None = None) -> None:
        """Open a person; `hint` (their list row) fills the header until the record is in."""
        if self.head is None or self.head.id != person_id:
            self.sections.setVisible(False)  # never another person's card under this name
            name = hint.display_name if hint is not None else ""
            handle = hint.handle if hint is not None else ""
            self.name.setText(name)
            self.avatar.set_person(name, handle)
            self.avatar.show()
            self.photo.hide()
            self.role.setText(hint.company if hint is not None else "")
            self.role.setVisible(bool(self.role.text()))
            self.handles.setText(handle)
        if self.head is None or self.head.id != person_id:
            self.next_meeting.hide()
        self.head = None
        self.record = None
        self.log_form.hide()
        self.loader.load(person_id)
        self.timeline.show_person(person_id)

    def _show_next_meeting(self, meeting: Meeting | None) -> None:
        self.next_meeting.setVisible(meeting is not None)
        if meeting is not None:
            self._next_start = meeting.starts
            self.next_meeting.setText(f"Next meeting: {meeting_line(meeting)}")

    def _failed(self, text: str) -> None:
        self.status.emit(text)

    def _show_head(self, head: PersonHead) -> None:
        """Who they are, the card, tasks and what was done; numbers follow in `_show`."""
        again = self.head is not None and self.head.id == head.id
        if again and self.timeline_view.verticalScrollBar().value() == 0:
            self.timeline.reload()  # new mail or an edit: the newest page, unless one reads on
        self.head = head
        # Reloaded after an edit: the numbers shown stay until the new ones are in.
        prior = self.record if self.record is not None and self.record.id == head.id else None
        email = next((h.value for h in head.handles if h.kind == "email"), "")
        self.avatar.set_person(head.display_name, email)
        photo = QPixmap()
        has_photo = bool(head.card.photo) and photo.loadFromData(head.card.photo)
        if has_photo:
            self.photo.setPixmap(
                photo.scaled(
                    60,
                    60,
                    Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        self.photo.setVisible(has_photo)
        self.avatar.setVisible(not has_photo)
        self.name.setText(head.display_name)
        card = head.card
        role = " · ".join(p for p in (card.title, card.company) if p)
        self.role.setText(role)
        self.role.setVisible(bool(role))
        handles = [handle_text(h.kind, h.value) for h in head.handles]
        shown = "   ".join(handles[:4]) + (
            f"   +{len(handles) - 4} more" if len(handles) > 4 else ""
        )
        self.handles.setText(shown)
        self.sections.setVisible(True)
        self.card.show_record(head)
        self.pending.show_record(PersonRecord.of(head, prior.activity) if prior else head)
        self.done.show_record(head)
        if prior is None:
            self.numbers.show_waiting()
            self._chips(None)
        self.merges.show_record(head)
        if self.timeline.person_id != head.id:  # opened by an id merged into this one
            self.timeline.show_person(head.id, self.timeline.channels)

    def _show(self, record: PersonRecord) -> None:
        """The whole record is in: who awaits whose reply, the numbers, channel chips."""
        self.record = record
        self.pending.show_record(record)
        self.numbers.show_numbers(record.numbers)
        self._chips(record)

    def _chips(self, record: PersonRecord | None) -> None:
        """A chip per channel they were reached on; none until the numbers say which."""
        wanted: list[tuple[str, frozenset[str] | None]] = []
        if record is not None:
            wanted.append(("All", None))
            names = {"mail": "Mail", "chat": "Chat"}
            for kind in sorted(record.numbers.messages_by_channel):
                name = names.get(kind) or CHANNEL_TITLES.get(kind) or kind.capitalize()
                wanted.append((name, frozenset({kind})))
            wanted.append(("Calls && notes", NOTE_KINDS))
            wanted.append(("Meetings", frozenset({CALENDAR})))
        current = self.timeline.channels
        if [b.text() for b in self.chips.buttons()] == [w[0] for w in wanted]:
            for b, (_t, channels) in zip(self.chips.buttons(), wanted, strict=True):
                b.setChecked(channels == current)
            return
        for b in self.chips.buttons():
            self.chips.removeButton(b)
            b.deleteLater()
        for text, channels in wanted:
            chip = QToolButton(self)
            chip.setObjectName("FilterChip")
            chip.setText(text)
            chip.setCheckable(True)
            chip.setChecked(channels == current)
            chip.setCursor(Qt.CursorShape.PointingHandCursor)
            chip.clicked.connect(lambda _c=False, ch=channels: self.timeline.set_channels(ch))
            self.chips.addButton(chip)
            self.chip_row.addWidget(chip)

    def _open_entry(self, index: QModelIndex) -> None:
        entry = self.timeline.entry(index.row())
        if entry is not None and entry.kind == MESSAGE:
            self.message_chosen.emit(entry.id)
        elif entry is not None and entry.kind == EVENT:
            self.meeting_chosen.emit(entry.at)
