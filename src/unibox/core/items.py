"""Normalized items: what channels produce and the store ingests.

Plain frozen dataclasses, no behaviour beyond trivial helpers, so they can
cross threads and process boundaries (they pickle) and be compared in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ParseState(StrEnum):
    """How much of a message unibox could make sense of."""

    COMPLETE = "complete"  # headers and body parsed
    HEADERS = "headers"  # only headers fetched so far; the body follows
    PARTIAL = "partial"  # could not be fully parsed; raw source kept


class FolderRole(StrEnum):
    """What a mail folder is for, from SPECIAL-USE or well-known names."""

    INBOX = "inbox"
    SENT = "sent"
    DRAFTS = "drafts"
    ARCHIVE = "archive"
    TRASH = "trash"
    JUNK = "junk"
    ALL = "all"
    FLAGGED = "flagged"
    NONE = ""


@dataclass(frozen=True, slots=True)
class Address:
    """One mailbox as written in a header: display name and address."""

    email: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """A part of a message meant to be saved or shown apart from the text."""

    filename: str  # already reduced to a safe base name
    content_type: str
    size: int
    content_id: str = ""
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Attendee:
    """Someone on a calendar event, as the invitation lists them."""

    address: Address
    role: str = ""  # iCalendar ROLE in lower case: chair, req-participant, opt-participant…
    partstat: str = ""  # needs-action, accepted, declined, tentative, delegated
    organizer: bool = False


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One VEVENT: a single meeting, a recurring series, or one changed occurrence of it.

    Times are UTC Unix seconds; an all-day event starts at midnight UTC of its
    first day and ends at midnight UTC after its last. `recurrence_id` names the
    occurrence this one replaces ("20261123T090000Z", or "20261123" for an
    all-day series), "" for a single event or a whole series.
    """

    uid: str
    recurrence_id: str = ""
    sequence: int = 0
    stamp: int = 0  # DTSTAMP: breaks ties between two versions with the same sequence
    summary: str = ""
    location: str = ""
    starts_at: int = 0
    ends_at: int = 0
    all_day: bool = False
    timezone: str = ""  # the IANA zone its times were written in (a series repeats there)
    rrule: str = ""  # the RRULE value, as written
    exdates: tuple[int, ...] = ()  # occurrences left out of the series
    rdates: tuple[int, ...] = ()  # occurrences added to it (RDATE)
    status: str = "confirmed"  # confirmed, tentative or cancelled
    organizer: Address | None = None
    attendees: tuple[Attendee, ...] = ()
    # Its reminders (VALARM DISPLAY/AUDIO) as core.reminders writes them: "S-900" (15 min
    # before the start), "E0" (at the end), "@1790000000" (at that UTC time).
    alarms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Invitation:
    """The calendar parts of a message (text/calendar): what they ask and their events.

    `method` is the iTIP method in lower case (request, cancel, reply, publish…)
    or "" when none is given; `problem` says why nothing could be read.
    """

    method: str
    events: tuple[CalendarEvent, ...] = ()
    problem: str = ""


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """What core.mime extracts from RFC 5322 source.

    `parse_error` is a sentence for a person ("The message is nested more than
    64 levels deep"), set whenever `state` is PARTIAL.
    """

    state: ParseState
    message_id: str = ""  # without angle brackets
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    subject: str = ""
    from_: tuple[Address, ...] = ()
    sender: tuple[Address, ...] = ()
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    bcc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    date: datetime | None = None  # timezone-aware
    text: str = ""  # readable text body (plain preferred, else from HTML)
    html: str = ""  # sanitized HTML for display, "" when the mail has none
    attachments: tuple[AttachmentInfo, ...] = ()
    parse_error: str = ""
    invitation: Invitation | None = None  # when the message carries a calendar part


@dataclass(frozen=True, slots=True)
class FetchedMail:
    """One message as a mail channel got it from a folder, before parsing."""

    uid: int
    flags: tuple[str, ...]
    size: int
    internal_date: datetime | None
    raw: bytes  # full source, or only the header block when headers_only
    headers_only: bool = False
    modseq: int | None = None


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A fetched mail together with its parsed form, ready for store.ingest."""

    uid: int
    flags: tuple[str, ...]
    size: int
    internal_date: datetime | None
    parsed: ParsedMessage
    raw: bytes | None  # full source; None when only headers are known
    modseq: int | None = None
    # Set when a worker already compressed `raw` for the store (keeps that off the writer).
    raw_codec: str = ""
    snippet: str | None = None  # the preview line, when the producer computed it
    # Equal for copies of one message (core.content_key); "" when unknown: never matched.
    content_key: str = ""


@dataclass(frozen=True, slots=True)
class RemoteFolder:
    """A folder as the server lists it."""

    name: str
    delimiter: str
    role: FolderRole
    flags: tuple[str, ...] = ()
    selectable: bool = True


@dataclass(frozen=True, slots=True)
class FolderStatus:
    """Sync state of a folder on the server, as SELECT reports it."""

    uidvalidity: int
    uidnext: int
    exists: int
    highestmodseq: int | None = None


@dataclass(frozen=True, slots=True)
class FlagUpdate:
    """Flags of one message changed on the server."""

    uid: int
    flags: tuple[str, ...]
    modseq: int | None = None


@dataclass(slots=True)
class ChangeSet:
    """What one store write changed, so each view refreshes only that."""

    messages_added: set[int] = field(default_factory=set)
    messages_changed: set[int] = field(default_factory=set)
    messages_removed: set[int] = field(default_factory=set)
    conversations: set[int] = field(default_factory=set)
    people: set[int] = field(default_factory=set)
    folders: set[int] = field(default_factory=set)

    def merge(self, other: ChangeSet) -> None:
        self.messages_added |= other.messages_added
        self.messages_changed |= other.messages_changed
        self.messages_removed |= other.messages_removed
        self.conversations |= other.conversations
        self.people |= other.people
        self.folders |= other.folders

    def __bool__(self) -> bool:
        return bool(
            self.messages_added
            or self.messages_changed
            or self.messages_removed
            or self.conversations
            or self.people
            or self.folders
        )


@dataclass(frozen=True, slots=True)
class ChatAddress:
    """Someone on a chat network as the channel names them, before the store normalizes.

    `kind` is the handle kind (xmpp, matrix, telegram, whatsapp, phone, …);
    `value` the address on that network (a bare JID, a Matrix user id, …).
    """

    kind: str
    value: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class ChatAttachment:
    """A file, image, video or sound sent in a chat: its description and where it is.

    The bytes stay on the server until the user opens it. `remote` is the
    channel's own reference (a Matrix mxc:// URI); `details` is what the
    channel needs to fetch and check it, as JSON (for an end-to-end encrypted
    Matrix file: its key, iv and hash; a thumbnail's URI and the size).
    """

    filename: str  # already reduced to a safe base name
    content_type: str
    size: int  # as the sender announced it; 0 when not given
    remote: str
    details: str = ""


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of a chat or social conversation, as a channel or importer produced it.

    `remote_id` is what the channel guarantees unique within the account (an
    XMPP MAM archive id, a Matrix event id, an export's own id or a content
    hash): the store keys the message by (account, remote_id), so the same
    item twice is stored once. `conversation` names the chat: the peer's
    address for a one-to-one chat, the room's for a group. `origin_id` is the
    id the sending client gave it (XEP-0359 origin-id, a Matrix transaction
    id): an outbox item and its echo from the server share it.
    """

    channel: str  # mail, xmpp, matrix, mastodon, whatsapp, telegram, slack, sms, …
    remote_id: str
    conversation: str
    sender: ChatAddress
    sent_at: datetime  # timezone-aware
    text: str
    direction: str = "in"  # "out": the user's own message, sent from any client
    conversation_name: str = ""
    is_group: bool = False
    participants: tuple[ChatAddress, ...] = ()  # the other members known to the channel
    origin_id: str = ""
    reply_to: str = ""  # remote_id (or origin_id) of the message this one answers
    archive: str = ""  # the history it came from: "" the account's own, else a room's
    via: str = ""  # the network behind a bridge (telegram, whatsapp, …), "" for none
    is_history: bool = False  # backfilled or imported: never a notification
    attachments: tuple[ChatAttachment, ...] = ()  # files and images, not yet downloaded


@dataclass(frozen=True, slots=True)
class HistoryCursor:
    """How far an archive has been read; the engine stores it (store.chat) with its items.

    A first sync pages back from the newest item (the newest show first);
    later syncs read forward from `newest`; an interrupted first sync resumes
    paging back from `oldest`.
    """

    newest: str = ""  # archive id of the newest item stored
    oldest: str = ""  # archive id of the oldest item reached paging back
    complete: bool = False  # paging back reached the start of the archive


@dataclass(frozen=True, slots=True)
class ChatUpdate:
    """A change to a chat message already sent, as a channel reports it.

    `action`: "edit" (the new `text`), "redact" (the message, or a reaction, is
    taken back), "reaction" (`text` is its key, an emoji), "read" (the user read
    the conversation up to `target` on another client). `target` is the remote id
    of the message changed; `remote_id` is the update's own id (a reaction's, so
    that taking it back finds it).
    """

    channel: str
    action: str
    target: str
    conversation: str = ""
    sender: ChatAddress | None = None
    text: str = ""
    remote_id: str = ""
    sent_at: datetime | None = None
