"""An X (Twitter) archive as an importer: the .zip as downloaded, or its folder, or one
``direct-messages*.js`` file. ``data/account.js`` names the owner; the mentions in
``data/tweets.js`` name the people where the archive knows them (else a user id)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from unibox.channels.importers import x_archive as xa
from unibox.channels.importers.base import Item, Owner, ReadOptions, Skip, Stage, Tally
from unibox.channels.importers.source import Source
from unibox.core.errors import UserError
from unibox.core.items import ChatAddress

_DMS = re.compile(r"(?:^|/)direct-messages(?:-group)?(?:-part\d+)?\.js$", re.IGNORECASE)


def _base(name: str) -> str:
    return name.rsplit("/", 1)[-1].lower()


def dm_files(source: Source) -> list[str]:
    return [n for n in source.names() if _DMS.search(n)]


class XImporter:
    name = "x"
    title = "X (Twitter) archive"
    channel = xa.CHANNEL

    def detect(self, source: Source) -> bool:
        return any(
            xa.is_ytd(source.head(n, 200).decode("utf-8", "replace")) for n in dm_files(source)
        )

    def read(self, source: Source, options: ReadOptions) -> Iterator[Item]:
        names = set(source.names())
        account = next((n for n in names if _base(n) == "account.js"), "")
        uid = username = display = ""
        if account:
            with source.text(account) as f:
                uid, username, display = xa.account(f)
        if options.me.strip().lstrip("@").isdigit():
            uid = options.me.strip().lstrip("@")
        if not uid:
            raise UserError(
                "This archive has no data/account.js to say whose it is: "
                "give your numeric X user id with --me ID."
            )
        label = f"{display} (@{username})" if display and username else display or username
        me = ChatAddress(xa.KIND, uid, label)
        yield Owner((me,))
        people: dict[str, str] = {}
        for tweets in sorted(n for n in names if re.search(r"(?:^|/)tweets(?:-part\d+)?\.js$", n)):
            yield Stage(source.where(tweets))
            with source.text(tweets) as f:
                for uid_, name in xa.mentioned_names(f).items():
                    people.setdefault(uid_, name)
        for name in dm_files(source):
            where = source.where(name)
            yield Stage(where)
            skipped: list[Skip] = []
            with source.text(name) as f:
                for item in xa.messages(f, where, me, people, skipped):
                    yield from skipped
                    skipped.clear()
                    if item.text.endswith("attachment]") or item.text.endswith("attachments]"):
                        yield Tally("with media")
                    yield item
            yield from skipped


IMPORTER = XImporter()
