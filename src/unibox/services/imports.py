"""`unibox import PATH` (and File → Import): detect the export's format, read it as a
stream of items (channels/importers/base.py) and store them in batches.

Messages go through the chat ingestor of a local account per channel (keyed by
remote id: a second import adds only what is new); contact cards join or make
people first, so the messages that follow find them. Imported messages are
history: no notification, seen, and Needs reply only for recent ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from unibox.channels.importers import registry
from unibox.channels.importers.base import (
    ArchivedMail,
    Importer,
    ImportProgress,
    Note,
    Notice,
    Owner,
    ReadOptions,
    Skip,
    Stage,
    Tally,
)
from unibox.channels.importers.source import Source
from unibox.core.calls import LoggedCall
from unibox.core.contacts import ContactCard
from unibox.core.errors import UserError
from unibox.core.identity import normalize_handle
from unibox.core.items import ChangeSet, ChatAddress, ChatMessage, IncomingMessage
from unibox.store.store import Store

if TYPE_CHECKING:
    from unibox.store.chat import ChatIngestor

BATCH = 2000
KEPT_SKIPS = 1000

Progress = Callable[[ImportProgress], None]


@dataclass(slots=True)
class ImportReport:
    format: str = ""  # the importer's name
    title: str = ""  # the importer's title
    conversations: int = 0
    messages: int = 0  # new
    already: int = 0  # imported before
    people_created: int = 0
    people_matched: int = 0
    me: str = ""
    skipped: list[Skip] = field(default_factory=list)  # the first KEPT_SKIPS
    skipped_count: int = 0
    notices: Counter[str] = field(default_factory=Counter)  # not messages, by what
    tallies: Counter[str] = field(default_factory=Counter)  # of the messages, by what
    notes: list[str] = field(default_factory=list)
    changes: ChangeSet = field(default_factory=ChangeSet)  # for the window to refresh


def find_importer(path: Path, name: str = "") -> Importer | None:
    """The importer of the export at `path` (or the one named), None when none fits."""
    if name:
        found = registry.by_name(name)
        if found is None:
            known = ", ".join(i.name for i in registry.importers())
            raise UserError(f"“{name}” is no export format unibox knows ({known}).")
        return found
    if not path.exists():
        return None
    with Source(path) as source:
        return registry.detect(source)


def known_formats() -> str:
    return ", ".join(i.title for i in registry.importers())


def import_path(
    store: Store,
    path: Path,
    region: str,
    me: str = "",
    progress: Progress | None = None,
    format: str = "",
) -> ImportReport:
    """Import the export at `path`; UserError when it is none unibox knows."""
    importer = find_importer(path, format)
    if importer is None:
        raise UserError(f"“{path}” is no export unibox knows ({known_formats()}).")
    run = _Run(store, importer, region, progress)
    with Source(path) as source:
        options = ReadOptions(me=me, region=region, mine=_my_addresses(store))
        run.consume(importer, source, options)
    return run.report


class _Run:
    def __init__(
        self, store: Store, importer: Importer, region: str, progress: Progress | None
    ) -> None:
        self.store = store
        self.region = region
        self.report = ImportReport(format=importer.name, title=importer.title)
        self.progress = progress
        self.ingestors: dict[str, ChatIngestor] = {}
        self.mine: list[ChatAddress] = []
        self.batch: list[ChatMessage] = []
        self.cards: list[ContactCard] = []
        self.calls: list[LoggedCall] = []
        self.mail: dict[tuple[str, str], list[IncomingMessage]] = {}  # (folder, role) -> batch
        self.pending = 0  # calls and mail waiting in the buffers
        self.threads: set[int] = set()  # mail conversations written to
        self.people: set[int] = set()
        self.conversations: set[tuple[str, str]] = set()
        self.stage = Stage("")
        self.done = 0

    def consume(self, importer: Importer, source: Source, options: ReadOptions) -> None:
        before = _people_count(self.store)
        report = self.report
        for item in importer.read(source, options):
            if isinstance(item, ChatMessage):
                if not item.is_history:
                    item = replace(item, is_history=True)
                self.batch.append(item)
                self.conversations.add((item.channel, item.conversation))
                if len(self.batch) >= BATCH:
                    self.flush()
            elif isinstance(item, ContactCard):
                self.cards.append(item)
            elif isinstance(item, LoggedCall):
                self.calls.append(item)
                self._more()
            elif isinstance(item, ArchivedMail):
                self.mail.setdefault((item.folder, item.role), []).append(item.message)
                self._more()
            elif isinstance(item, Skip):
                report.skipped_count += 1
                if len(report.skipped) < KEPT_SKIPS:
                    report.skipped.append(item)
            elif isinstance(item, Notice):
                report.notices[item.what] += 1
            elif isinstance(item, Tally):
                report.tallies[item.what] += 1
            elif isinstance(item, Note):
                report.notes.append(item.text)
            elif isinstance(item, Owner):
                self.flush()
                self.mine.extend(item.addresses)
                report.me = report.me or item.name
                for ingestor in self.ingestors.values():
                    _add_mine(ingestor, item.addresses)
            elif isinstance(item, Stage):
                self.flush()
                self.stage, self.done = item, 0
        self.flush()
        report.conversations = len(self.conversations) + len(self.threads)
        report.people_created = _people_count(self.store) - before
        report.people_matched = max(0, len(self.people) - report.people_created)

    def _ingestor(self, channel: str) -> ChatIngestor:
        if channel not in self.ingestors:
            from unibox.store.chat import ChatIngestor
            from unibox.store.import_accounts import import_account

            with self.store.write() as s:
                account_id = import_account(s, channel)
            ingestor = ChatIngestor(account_id, ())
            _add_mine(ingestor, self.mine)
            self.ingestors[channel] = ingestor
        return self.ingestors[channel]

    def _more(self) -> None:
        self.pending += 1
        if self.pending >= BATCH // 10:  # mail is heavier than a chat line
            self.flush()

    def flush(self) -> None:
        """Write the cards and messages read so far, then tell the progress."""
        if not self.batch and not self.cards and not self.pending:
            return
        if self.pending:
            from unibox.services.import_extras import write_calls_and_mail

            self.done += write_calls_and_mail(
                self.store, self.report, self.calls, self.mail, self.people, self.threads
            )
            self.pending = 0
        by_channel: dict[str, list[ChatMessage]] = {}
        for it in self.batch:
            by_channel.setdefault(it.channel, []).append(it)
        ingestors = {c: self._ingestor(c) for c in by_channel}
        with self.store.write() as s:
            if self.cards:
                from unibox.store.contacts_import import import_cards

                self.people |= import_cards(s, self.cards, self.region).people
            for channel, items in by_channel.items():
                changes = ingestors[channel].ingest(s, items)
                added = len(changes.messages_added)
                self.report.messages += added
                self.report.already += len(items) - added
                self.people |= changes.people
                self.report.changes.merge(changes)
        self.done += len(self.batch)
        self.batch.clear()
        self.cards.clear()
        if self.progress and self.stage.label:
            total = self.stage.total
            self.progress(ImportProgress(self.report.format, self.stage.label, self.done, total))


def _add_mine(ingestor: ChatIngestor, addresses: Iterable[ChatAddress]) -> None:
    addresses = list(addresses)
    ingestor.add_mine(a.value for a in addresses)
    ingestor.handles.add_mine((a.kind, normalize_handle(a.kind, a.value)) for a in addresses)


def _people_count(store: Store) -> int:
    from sqlalchemy import func, select

    from unibox.store.schema import Person

    with store.read() as s:
        return int(s.scalar(select(func.count(Person.id)).where(Person.is_me.is_(False))) or 0)


def _my_addresses(store: Store) -> frozenset[str]:
    from sqlalchemy import select

    from unibox.store.schema import Handle, Person

    with store.read() as s:
        rows = s.scalars(
            select(Handle.value).join(Person, Person.id == Handle.person_id).where(Person.is_me)
        )
        return frozenset(rows)
