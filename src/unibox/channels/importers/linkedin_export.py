"""LinkedIn's data export as an importer: ``messages.csv`` (the .zip as downloaded, its
folder, or the file alone) and, beside it, ``Connections.csv`` as contact cards.

Connections are read as today's CSV contact import reads them (contacts_csv,
which makes a LinkedIn profile URL a ``linkedin`` handle): a connection's card
and their messages are one person, and one with an e-mail address joins
whoever has it.
"""

from __future__ import annotations

from collections.abc import Iterator

from unibox.channels.importers import linkedin as li
from unibox.channels.importers.base import Item, Owner, ReadOptions, Skip, Stage, Tally
from unibox.channels.importers.source import Source
from unibox.core.contacts import ContactCard
from unibox.core.errors import UserError
from unibox.core.items import ChatAddress


def _named(source: Source, base: str) -> list[str]:
    return [n for n in source.names() if n.rsplit("/", 1)[-1].lower() == base]


def connection_cards(source: Source, name: str) -> Iterator[ContactCard | Skip]:
    """Connections.csv as today's CSV import reads it: the profile URL a `linkedin` handle."""
    from unibox.channels.importers.contacts_csv import csv_cards, preview_csv

    with source.open(name) as f:  # a list of connections: small, read whole
        read = csv_cards(preview_csv(f.read()))
    for skip in read.skipped:
        yield Skip(source.where(name), skip.where, skip.reason)
    for _line, card in read.cards:
        yield card


class LinkedInImporter:
    name = "linkedin"
    title = "LinkedIn data export"
    channel = li.CHANNEL

    def detect(self, source: Source) -> bool:
        return any(
            li.is_messages_csv(source.head(n).decode("utf-8", "replace"))
            for n in _named(source, "messages.csv")
        )

    def read(self, source: Source, options: ReadOptions) -> Iterator[Item]:
        files = [
            n
            for n in _named(source, "messages.csv")
            if li.is_messages_csv(source.head(n).decode("utf-8", "replace"))
        ]
        for name in _named(source, "connections.csv"):
            yield Stage(source.where(name))
            yield from connection_cards(source, name)
        for name in files:
            with source.text(name) as f:
                found = li.scan(f)
            me = _owner(found, options.me)
            yield Owner((me,))
            yield Stage(source.where(name), found.rows)
            skipped: list[Skip] = []
            with source.text(name) as f:
                for row in li.rows(f, source.where(name), skipped):
                    yield from skipped
                    skipped.clear()
                    if "[attachment: " in row.text:
                        yield Tally("with attachments")
                    yield li.message(row, me)
            yield from skipped


def _owner(found: li.Scan, me: str) -> ChatAddress:
    """The owner: the profile in every row, or the one `--me` names (a URL or a name)."""
    if me:
        url = li.profile_url(me)
        if url:
            return ChatAddress(li.KIND, url, found.names.get(url, ""))
        for url, name in found.names.items():
            if name.casefold() == me.strip().casefold():
                return ChatAddress(li.KIND, url, name)
        raise UserError(f"Nobody called “{me}” is in this export's messages.")
    owner = found.owner()
    if owner is None:
        raise UserError("This messages.csv has no profile URLs: say who you are with --me URL.")
    return owner


IMPORTER = LinkedInImporter()
