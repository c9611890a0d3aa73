"""The reading pane's header: subject, sender, recipients, date; notices and attachments."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from unibox.store.message_content import MessageContent
from unibox.store.view_rows import Contact
from unibox.ui.format import full_time
from unibox.ui.icons import pixmap
from unibox.ui.theme import FLAG_COLOUR
from unibox.ui.widgets.attachment_strip import AttachmentStrip
from unibox.ui.widgets.avatar import Avatar
from unibox.ui.widgets.flow_layout import FlowLayout
from unibox.ui.widgets.invitation_card import InvitationCard
from unibox.ui.widgets.notice_bar import NoticeBar
from unibox.ui.widgets.remote_notice import RemoteNotice
from unibox.ui.widgets.sender_line import SenderLine

# Real subjects are under 200 characters; anything this long is junk or an attack.
MAX_SUBJECT_SHOWN = 1000


# A broadcast's thousands of recipients would fill the pane and take a second to lay out.
MAX_RECIPIENTS_SHOWN = 50


def _people(contacts: tuple[Contact, ...]) -> str:
    shown = ", ".join(html.escape(c.name or c.email) for c in contacts[:MAX_RECIPIENTS_SHOWN])
    rest = len(contacts) - MAX_RECIPIENTS_SHOWN
    return shown + (f" and {rest:,} more" if rest > 0 else "")


class MessageHeader(QWidget):
    """What a message is and who wrote it, above its body; MessageView wires its controls.

    The action buttons (Reply…, Plain text) have a row of their own under the
    recipients, wrapping when the pane is narrow, so the two never share a line
    and neither covers the other, whatever the width or the number of recipients.

    Attributes:
        text_toggle: the Plain text switch.
        action_strip: the row of action buttons, the toggle last (`add_action_button`).
        remote_notice: what remote content was blocked, with the choice to load it.
        attachments: the message's attachment chips.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageHeader")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        hcol = QVBoxLayout(self)
        hcol.setContentsMargins(24, 20, 24, 16)
        hcol.setSpacing(12)
        self.subject = QLabel(self)
        self.subject.setObjectName("Subject")
        self.subject.setTextFormat(Qt.TextFormat.PlainText)  # "<h1>…" in a subject is text
        self.subject.setWordWrap(True)
        self.subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hcol.addWidget(self.subject)
        # Avatar | name (and address when it fits) | flag and date
        #        | the address alone, under both, when it does not fit
        #        | recipients, the whole width
        #        | actions (Reply…, Plain text), wrapping when the pane is narrow
        who = QGridLayout()
        who.setHorizontalSpacing(12)
        who.setVerticalSpacing(2)
        self.avatar = Avatar(40, self)
        who.addWidget(self.avatar, 0, 0, 4, 1, Qt.AlignmentFlag.AlignTop)
        self.sender_label = SenderLine(self)
        who.addWidget(self.sender_label, 0, 1)
        who.addWidget(self.sender_label.address_line, 1, 1, 1, 2)
        self.recipients = QLabel(self)
        self.recipients.setObjectName("Muted")
        self.recipients.setWordWrap(True)
        self.recipients.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Long recipients give way (wrapped) before the date does.
        self.recipients.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.recipients.setMinimumWidth(80)
        side = QHBoxLayout()
        side.setSpacing(6)
        self.flag = QLabel(self)
        self.flag.setPixmap(pixmap("flag-filled", FLAG_COLOUR, 16))
        self.flag.setToolTip("Flagged")
        self.date = QLabel(self)
        self.date.setObjectName("DateLabel")
        self.date.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        side.addStretch(1)
        side.addWidget(self.flag)
        side.addWidget(self.date)
        who.addLayout(side, 0, 2)
        self.action_strip = QWidget(self)
        self._action_row = FlowLayout(self.action_strip, spacing=6)
        self._action_row.setContentsMargins(0, 6, 0, 0)
        self.text_toggle = QToolButton(self.action_strip)
        self.text_toggle.setObjectName("HeaderToggle")
        self.text_toggle.setText("Plain text")
        self.text_toggle.setCheckable(True)
        self.text_toggle.setToolTip("Show the plain-text version of this message (Ctrl+Shift+H)")
        self._action_row.addWidget(self.text_toggle)
        who.addWidget(self.recipients, 2, 1, 1, 2, Qt.AlignmentFlag.AlignTop)
        who.addWidget(self.action_strip, 3, 1, 1, 2)
        who.setColumnStretch(1, 1)
        hcol.addLayout(who)
        self.remote_notice = RemoteNotice(self)
        self.problem_notice = NoticeBar("warning", self)
        # An impostor's name or a link that lies about where it goes (set by MessageView,
        # which knows the rendered links); plain text: it quotes the message's words.
        self.spoof_notice = NoticeBar("warning", self)
        self.spoof_notice.setObjectName("SpoofNotice")
        self.spoof_notice.label.setTextFormat(Qt.TextFormat.PlainText)
        self.spoof_notice.hide()
        hcol.addWidget(self.spoof_notice)
        hcol.addWidget(self.remote_notice)
        hcol.addWidget(self.problem_notice)
        self.invitation = InvitationCard(self)
        hcol.addWidget(self.invitation)
        self.attachments = AttachmentStrip(self)
        hcol.addWidget(self.attachments)

    def show_message(self, content: MessageContent) -> None:
        """Subject, sender, recipients, date, flag, a reading problem and the attachments."""
        subject = content.subject or "(no subject)"
        if len(subject) > MAX_SUBJECT_SHOWN:  # a 200 KB subject costs the label a second
            subject = subject[:MAX_SUBJECT_SHOWN] + "…"
        self.subject.setText(subject)
        s = content.sender
        self.sender_label.set_sender(s.name, s.email)
        self.avatar.set_person(s.name, s.email)
        lines = []
        if content.to:
            lines.append(f"To {_people(content.to)}")
        if content.cc:
            lines.append(f"Cc {_people(content.cc)}")
        self.recipients.setText(" · ".join(lines))
        self.date.setText(full_time(content.date))
        self.flag.setVisible(content.is_flagged)
        problem = ""
        if content.parse_state == "partial":
            problem = "This message could not be read completely. " + content.parse_error
        elif content.parse_state == "headers":
            problem = "Only the headers of this message have been downloaded so far."
        self.problem_notice.say(problem)
        self.invitation.show_invitation(content.invitation)
        self.attachments.show_attachments(content.id, content.attachments)

    def add_action_button(self, button: QToolButton) -> None:
        """A button in the action strip, before Plain text."""
        button.setParent(self.action_strip)
        self._action_row.insertWidget(self._action_row.count() - 1, button)

    def recolour(self) -> None:
        """The palette changed (light or dark)."""
        self.remote_notice.recolour()
        self.problem_notice.recolour()
        self.spoof_notice.recolour()
        self.invitation.recolour()
