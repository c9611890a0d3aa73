"""SMS Backup & Restore as an importer: ``sms-*.xml`` and ``calls-*.xml`` files, one or a
folder or a .zip of them. Messages are chats of channel ``sms``; calls are logged calls
on the person's timeline. The user's own number is not in the backup: the owner is
"Me" (or the number `--me` gives)."""

from __future__ import annotations

from collections.abc import Iterator

from unibox.channels.importers import sms_backup as sb
from unibox.channels.importers.base import Item, Owner, ReadOptions, Stage, Tally
from unibox.channels.importers.source import Source
from unibox.core.identity import normalize_phone
from unibox.core.items import ChatAddress, ChatMessage


def backup_files(source: Source) -> list[str]:
    return [
        n
        for n in source.matching(".xml")
        if n.rsplit("/", 1)[-1].lower().startswith(("sms", "calls"))
        and sb.looks_like_backup(source.head(n))
    ]


_MEDIA = ("attachment]", "attachments]")


class SmsImporter:
    name = "sms"
    title = "SMS Backup & Restore"
    channel = sb.CHANNEL

    def detect(self, source: Source) -> bool:
        return bool(backup_files(source))

    def read(self, source: Source, options: ReadOptions) -> Iterator[Item]:
        number = normalize_phone(options.me, options.region) if options.me else ""
        me = ChatAddress("phone", number, "") if number else ChatAddress(sb.CHANNEL, "me", "Me")
        yield Owner((me,))
        for name in backup_files(source):
            where = source.where(name)
            yield Stage(where)
            with source.open(name) as f:
                for item in sb.read_backup(f, where, me, options.region):
                    if isinstance(item, ChatMessage) and item.text.endswith(_MEDIA):
                        yield Tally("with media")
                    yield item


IMPORTER = SmsImporter()
