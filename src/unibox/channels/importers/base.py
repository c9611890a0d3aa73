"""The contract of a chat, social or mail export importer (`unibox import PATH`).

Every format is one module in `channels/importers/` with a module-level
``IMPORTER`` object, and one line in `registry.NAMES`. The object has:

* ``name`` — the format's key, as `unibox import --format NAME` says it
  ("whatsapp", "telegram", "slack", "messenger", …);
* ``title`` — for people ("WhatsApp chat export");
* ``channel`` — the `message.channel` its messages mostly get (an importer may
  give items other channels: Messenger writes "facebook" or "instagram");
* ``detect(source) -> bool`` — cheaply, from names and the first bytes only:
  whether `source` is this format. The first importer of `registry.NAMES`
  that says yes imports (so a specific structure goes before a loose one);
* ``read(source, options) -> Iterator[Item]`` — streams the export, one item
  at a time, never the whole file in memory (a 1 GB export in bounded
  memory: `jsonstream.items` reads JSON a record at a time).

`source.Source` hides whether the user gave a file, a folder (an unpacked
download) or the .zip as downloaded: `names()` lists the files by their
path inside it ("messages/inbox/olga_1/message_1.json"), `open(name)` reads
one, `where(name)` is how a report names it ("export.zip:users.json").

The items `read` yields, in any order except that an `Owner` comes before
the owner's messages and a `ContactCard` before the messages it should name:

* `core.items.ChatMessage` — one message. ``channel`` and the sender's
  ``kind`` are the network's ("telegram", "slack", "facebook", …; "phone"
  for a number, normalized with `core.identity.normalize_phone` and
  ``options.region``); ``remote_id`` stable across exports (the export's own
  id, else a content hash: the same file twice, or a later export that
  overlaps, adds only what is new); ``sent_at`` timezone-aware;
  ``is_history`` True (the driver forces it: imported messages never notify,
  are seen, and keep out of Needs reply unless recent); ``reply_to`` the
  remote_id of the message answered; ``direction`` "out" for the owner's;
* `Owner` — the export's owner: these addresses are the user, never a
  contact (their person is the user's own);
* `core.contacts.ContactCard` — someone the export describes (a Slack user
  with an e-mail address, a LinkedIn connection): joins the person who has
  one of its handles already (an e-mail address), else makes one;
* `Skip` — a line or record not imported, with where and why: the import
  goes on (never abort on a bad record; a truncated file ends its reading
  with one Skip);
* `Notice` — something in the export that is not a message from a person
  (a service message: "joined the group", "pinned a message"); counted by
  ``what`` in the report;
* `Tally` — a property of imported messages worth a count ("with media",
  "edited (the last text is kept)");
* `Note` — one sentence for the report ("“Samuel” wrote nothing …");
* `Stage` — a new conversation or file begins: its label and the number of
  messages in it when known (0: unknown), for the progress bar;
* `core.calls.LoggedCall` — a call of a call log: a logged call on the
  timeline of the person with that number (made when nobody has it);
* `ArchivedMail` — a mail message of an archive (Maildir, .eml, mbox) and its
  folder: stored as mail (channel ``mail``) in a local "mail" account, its UID
  a hash of its bytes so a second import finds it there.

`options` is `ReadOptions`: ``me`` (`--me NAME`, "" when not given),
``region`` (the profile's, for phone numbers) and ``mine`` (the user's own
e-mail addresses and phone numbers, normalized: an export's user with one of
them is its owner). An importer that cannot tell
who the owner is raises `core.errors.UserError` with the sentence to show.

`services/imports.py` drives it: detects, reads, writes in batches through
the chat ingestor (one local account per channel, `store.import_accounts`),
and returns one `ImportReport` (conversations, messages new and already
there, people created and matched, skips with where and why, notices,
tallies, notes). Progress is a callback of `ImportProgress`, the same for
the terminal's bar (`cli/chat_import.py`) and the window.
New item kinds (a logged call, a mail message) are a dataclass here and a
branch in the driver.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from unibox.core.calls import LoggedCall
from unibox.core.contacts import ContactCard
from unibox.core.items import ChatAddress, ChatMessage, IncomingMessage

if TYPE_CHECKING:
    from unibox.channels.importers.source import Source


@dataclass(frozen=True, slots=True)
class ReadOptions:
    me: str = ""  # the owner's name as the export writes it, when the user said it
    region: str = ""  # ISO 3166 region for phone numbers without a country code
    mine: frozenset[str] = frozenset()  # the user's own addresses (e-mail, phone), normalized


@dataclass(frozen=True, slots=True)
class Owner:
    """The export's owner: these addresses are the user."""

    addresses: tuple[ChatAddress, ...]

    @property
    def name(self) -> str:
        first = self.addresses[0] if self.addresses else ChatAddress("", "")
        return first.name or first.value


@dataclass(frozen=True, slots=True)
class Skip:
    """A line or record not imported: the file, where in it, and why."""

    where: str  # the file, "archive.zip:member" inside a .zip
    at: str  # "line 12", or a JSON path "chats.list[2].messages[40]"
    reason: str


@dataclass(frozen=True, slots=True)
class Notice:
    """Something in the export that is not a message from a person."""

    what: str  # "joined the group", "pinned a message", …


@dataclass(frozen=True, slots=True)
class Tally:
    """A property of imported messages, counted in the report."""

    what: str  # "with media", "edited (the last text is kept)"


@dataclass(frozen=True, slots=True)
class Note:
    text: str


@dataclass(frozen=True, slots=True)
class Stage:
    """A conversation or file begins (for progress)."""

    label: str
    total: int = 0  # messages in it, 0 when not known


@dataclass(frozen=True, slots=True)
class ArchivedMail:
    """A mail message of an archive, in the folder it was filed in ("INBOX", "Sent", …)."""

    folder: str
    message: IncomingMessage
    role: str = ""  # core.items.FolderRole's value: "inbox", "sent", … ("" none)


Item = (
    ChatMessage
    | Owner
    | ContactCard
    | Skip
    | Notice
    | Tally
    | Note
    | Stage
    | LoggedCall
    | ArchivedMail
)


@dataclass(frozen=True, slots=True)
class ImportProgress:
    format: str  # the importer's name
    label: str  # the conversation or file being read
    done: int  # messages read in it
    total: int  # messages in it, 0 when not known


class Importer(Protocol):
    name: str
    title: str
    channel: str

    def detect(self, source: Source) -> bool: ...

    def read(self, source: Source, options: ReadOptions) -> Iterator[Item]: ...
