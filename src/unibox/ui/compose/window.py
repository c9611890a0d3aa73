"""The compose window: one message being written; several may be open at once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QVBoxLayout, QWidget

from unibox.store.accounts import AccountInfo
from unibox.ui.bridge import Bridge
from unibox.ui.compose.attachments import AttachmentList
from unibox.ui.compose.body_edit import BodyEdit, local_files
from unibox.ui.compose.close_prompt import ask_keep_or_discard
from unibox.ui.compose.fields import HeaderFields
from unibox.ui.compose.footer import ComposeFooter
from unibox.ui.compose.later import pick_send_time
from unibox.ui.compose.quotes import QuoteHighlighter
from unibox.ui.compose.state import ComposeState, DraftStore
from unibox.ui.icons import app_icon

AUTOSAVE_MS = 1500


class ComposeWindow(QWidget):
    """From, To/Cc/Bcc with completion, Subject, body and attachments; Send or Send later.

    The window only collects; the launcher queues what it asks for and
    closes it (mark_sent) or shows why not (show_problem).

    Signals:
        send_requested(ComposeState, datetime | None): None sends after the undo delay.
    """

    send_requested = Signal(object, object)

    def __init__(
        self,
        bridge: Bridge,
        accounts: list[AccountInfo],
        state: ComposeState,
        drafts: DraftStore | None = None,
        *,
        pristine: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("ComposeWindow")
        self.setWindowIcon(app_icon())
        self.resize(760, 640)
        self.bridge = bridge
        self.drafts = drafts
        self.draft_id = state.draft_id
        if drafts is not None:
            drafts.revive(state.draft_id)
        self._state = state
        self._finished = False
        self.close_prompt: QMessageBox | None = None
        # What "unchanged" means: as prepared; None for content that is already
        # unsent work (a restored draft, a message reopened by Undo).
        self._saved_snapshot: tuple[object, ...] | None = None
        self._building = True
        self._subjectless_ok = False
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_draft)
        self.fields = HeaderFields(bridge)
        self.body = BodyEdit()
        self.body.setObjectName("ComposeBody")
        self.body.setPlaceholderText("Write your message")
        self.body.setTabChangesFocus(True)
        self.body.document().setDocumentMargin(14)
        self.quotes = QuoteHighlighter(self.body.document())
        self.attachments = AttachmentList()
        self.problem = QLabel()
        self.problem.setObjectName("ComposeProblem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.footer = ComposeFooter()
        self._layout()
        self._connect()
        self.fields.set_accounts(accounts, state.account_id)
        self.load(state)
        self._saved_snapshot = self._snapshot() if pristine else None
        self._building = False
        self.setAcceptDrops(True)

    def _layout(self) -> None:
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self.fields)
        col.addWidget(self.problem)
        col.addWidget(self.body, 1)
        col.addWidget(self.attachments)
        col.addWidget(self.footer)

    def _connect(self) -> None:
        self.footer.send.connect(self.send)
        self.footer.send_at.connect(self._send_at)
        self.footer.pick_time.connect(self._pick_time)
        self.footer.attach.connect(self.choose_files)
        self.body.files_dropped.connect(self.add_files)
        self.attachments.problem.connect(self.show_problem)
        self.attachments.changed.connect(self._edited)
        self.fields.edited.connect(self._edited)
        self.body.textChanged.connect(self._edited)
        keys = (
            ("Ctrl+Return", self.send),
            ("Ctrl+Enter", self.send),
            ("Ctrl+Shift+Return", self.show_send_later),
            ("Ctrl+Shift+Enter", self.show_send_later),
            ("Ctrl+Shift+A", self.choose_files),
            ("Ctrl+Shift+C", lambda: self.fields.reveal(self.fields.cc)),
            ("Ctrl+Shift+B", lambda: self.fields.reveal(self.fields.bcc)),
            ("Escape", self.close),
        )
        for seq, slot in keys:
            shortcut = QShortcut(QKeySequence(seq), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

    # -- content ---------------------------------------------------------------

    def load(self, state: ComposeState) -> None:
        f = self.fields
        f.to.setText(state.to)
        f.cc.setText(state.cc)
        f.bcc.setText(state.bcc)
        f.reveal(f.cc, focus=False) if state.cc else None
        f.reveal(f.bcc, focus=False) if state.bcc else None
        f.subject.setText(state.subject)
        self.body.setPlainText(state.body)
        cursor = self.body.textCursor()
        cursor.setPosition(min(state.cursor, len(state.body)))
        self.body.setTextCursor(cursor)
        self.attachments.set_refs(state.attachments)
        self._update_title()
        # Where the person starts: the body when recipients are known, else To.
        start = self.body if state.to or state.cc else f.to
        QTimer.singleShot(0, lambda: start.setFocus(Qt.FocusReason.OtherFocusReason))

    def state(self) -> ComposeState:
        """What the window holds now."""
        f = self.fields
        return ComposeState(
            account_id=f.account_id(),
            to=f.to.text(),
            cc=f.cc.text(),
            bcc=f.bcc.text(),
            subject=f.subject.text(),
            body=self.body.toPlainText(),
            cursor=self.body.textCursor().position(),
            attachments=self.attachments.refs,
            reply_to_message_id=self._state.reply_to_message_id,
            in_reply_to=self._state.in_reply_to,
            references=self._state.references,
            draft_id=self.draft_id,
        )

    def _snapshot(self) -> tuple[object, ...]:
        s = self.state()
        return (s.account_id, s.to, s.cc, s.bcc, s.subject, s.body, [a.name for a in s.attachments])

    @property
    def edited(self) -> bool:
        return self._snapshot() != self._saved_snapshot

    def _edited(self) -> None:
        if self._building:
            return
        self._update_title()
        if self.drafts is not None and not self._finished and self.edited:
            self._autosave.start()

    def _update_title(self) -> None:
        subject = self.fields.subject.text().strip()
        self.setWindowTitle(f"{subject or 'New message'} — unibox")

    def save_draft(self, *, wait: bool = False) -> None:
        """Autosave off the GUI thread (forwarded attachments can be large); `wait` saves here."""
        drafts = self.drafts
        if drafts is None or self._finished:
            return
        state = self.state()
        if wait:
            drafts.save(state)
        else:
            self.bridge.run(lambda: drafts.save(state), lambda _r: None)

    def add_files(self, paths: list[Path]) -> None:
        self.hide_problem()
        self.attachments.add_paths(paths)

    def choose_files(self) -> None:
        dialog = QFileDialog(self, "Attach files")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(lambda names: self.add_files([Path(n) for n in names]))
        dialog.open()

    # -- sending ---------------------------------------------------------------

    def check(self) -> str | None:
        """A sentence when the message cannot be sent as it is (the field is flagged)."""
        problems = [p for f in self.fields.recipient_fields() if (p := f.check())]
        if problems:
            return problems[0]
        if not any(f.text().strip(" ,;") for f in self.fields.recipient_fields()):
            return "Add at least one recipient in To, Cc or Bcc."
        if self.fields.account_id() is None:
            return "There is no account to send from; add one with Mail ▸ Add account…"
        return None

    def send(self) -> None:
        self._send_at(None)

    def _send_at(self, when: datetime | None) -> None:
        problem = self.check()
        if problem:
            self.show_problem(problem)
            first = next((f for f in self.fields.recipient_fields() if f.problem), None)
            (first or self.fields.to).setFocus(Qt.FocusReason.OtherFocusReason)
            return
        subject = self.fields.subject.text().strip()
        if not subject and not self._subjectless_ok:
            # Asked once: sending again means "yes, without a subject".
            self._subjectless_ok = True
            self.show_problem("This message has no subject. Send again to send it without one.")
            self.fields.subject.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.hide_problem()
        self.set_busy(True)
        self.send_requested.emit(self.state(), when)

    def show_send_later(self) -> None:
        self.footer.show_later_menu()

    def _pick_time(self) -> None:
        pick_send_time(self, self._send_at)

    def set_busy(self, busy: bool) -> None:
        self.footer.set_busy(busy)
        for w in (self.fields, self.body):
            w.setEnabled(not busy)

    def show_problem(self, text: str) -> None:
        self.set_busy(False)
        self.problem.setText(text)
        self.problem.setVisible(True)

    def hide_problem(self) -> None:
        self.problem.setVisible(False)

    def finish(self) -> None:
        """Queued: close without asking, the draft goes."""
        self._finished = True
        self._autosave.stop()
        if self.drafts is not None:
            self.drafts.remove(self.draft_id)
        self.close()

    def close_keeping_draft(self) -> None:
        """The app quits: keep what was written for next time, close without asking."""
        if self.edited:
            self.save_draft(wait=True)  # the app may be quitting: no worker will be left
        self._finished = True
        self.close()

    # -- closing ---------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._finished or not self.edited:
            self._finished = True
            if self.drafts is not None and not self.edited:
                self.drafts.remove(self.draft_id)
            super().closeEvent(event)
            return
        event.ignore()
        self._ask_close()

    def _ask_close(self) -> None:
        if self.close_prompt is None:
            self.close_prompt = ask_keep_or_discard(self, self._close_answered)

    def _close_answered(self, answer: str) -> None:
        self.close_prompt = None
        if answer == "keep":
            self.close_keeping_draft()
        elif answer == "discard":
            self.finish()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = local_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.add_files(files)
