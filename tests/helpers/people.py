"""Building people and their mail for store tests, without a server."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from tests.helpers.items import BASE, add_account, add_folders, item, parsed
from unibox.core.items import Address
from unibox.store.ingest import Ingestor
from unibox.store.schema import Handle
from unibox.store.store import Store

ME = Address("me@example.com", "Me")


class Mailbox:
    """One account with an INBOX; `say` and `hear` add mail to and from a person."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.account = add_account(store)
        self.folder = add_folders(store, self.account, "INBOX")["INBOX"]
        self._uid = 0
        self.ingestor = Ingestor(self.account, self.folder, [ME.email])

    def _add(
        self,
        subject: str,
        from_: Address,
        to: tuple[Address, ...],
        hours: float,
        reply_to: str,
        flags: tuple[str, ...],
    ) -> str:
        self._uid += 1
        msgid = f"m{self._uid}@test"
        p = parsed(
            subject,
            message_id=msgid,
            in_reply_to=reply_to,
            references=(reply_to,) if reply_to else (),
            from_=(from_,),
            to=to,
        )
        date = BASE + timedelta(hours=hours)
        p = replace(p, date=date)
        with self.store.write() as s:
            self.ingestor.ingest(s, [item(self._uid, p, flags=flags)])
        return msgid

    def hear(
        self,
        who: Address,
        subject: str,
        hours: float,
        reply_to: str = "",
        flags: tuple[str, ...] = (),
        cc: tuple[Address, ...] = (),
    ) -> str:
        """Mail from `who` to me, `hours` after BASE."""
        return self._add(subject, who, (ME, *cc), hours, reply_to, flags)

    def say(
        self,
        who: Address,
        subject: str,
        hours: float,
        reply_to: str = "",
        also: tuple[Address, ...] = (),
    ) -> str:
        """Mail from me to `who` (and `also`)."""
        return self._add(subject, ME, (who, *also), hours, reply_to, ())

    def person(self, email: str) -> int:
        with self.store.read() as s:
            pid = s.scalar(select(Handle.person_id).where(Handle.value == email))
        assert pid is not None
        return pid


def at(hours: float) -> int:
    """Unix seconds `hours` after BASE."""
    return int((BASE + timedelta(hours=hours)).timestamp())
