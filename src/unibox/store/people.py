"""Handles and people: every address becomes a handle linked to a person.

A broadcast is not a relationship: an address seen only among the recipients
of a mass mailing (`is_broadcast`) gets its handle and an unlisted person, so
search by address and the message's header work, but People, its counts and
merge suggestions leave it out until a conversation lists it (`list_people`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from unibox.core.identity import EMAIL, normalize_email
from unibox.core.items import Address, ParsedMessage
from unibox.store.schema import Handle, Person, next_id, table

_H = table(Handle)
_P = table(Person)


# An incoming message to more recipients than this is a mass mailing.
BROADCAST_RECIPIENTS = 25
RECIPIENT_ROLES = frozenset({"to", "cc", "bcc"})


def is_broadcast(recipients: int, from_me: bool) -> bool:
    """Whether the recipients of a message are no sign of a relationship."""
    return not from_me and recipients > BROADCAST_RECIPIENTS


@dataclass(frozen=True, slots=True)
class HandleRef:
    handle_id: int
    person_id: int
    is_me: bool
    listed: bool = True


class HandleResolver:
    """Maps addresses to handles, creating handle and person on first sight.

    `prefetch` looks up and creates a whole batch's handles at once; `resolve`
    is then a dictionary lookup. Valid for one sync (the writer is single).
    """

    def __init__(self, my_addresses: Iterable[str]) -> None:
        self._mine = {normalize_email(a) for a in my_addresses} - {""}
        self._cache: dict[str, HandleRef] = {}

    def is_mine(self, address: Address) -> bool:
        """One of the user's addresses, as far as known before `prefetch`."""
        value = normalize_email(address.email)
        ref = self._cache.get(value)
        return value in self._mine or (ref is not None and ref.is_me)

    def prefetch(
        self, conn: Connection, addresses: Iterable[Address], quiet: Iterable[str] = ()
    ) -> None:
        """Look up or create the handles of `addresses`; a new one whose normalized
        value is in `quiet` (seen only in mass mailings) gets an unlisted person."""
        names: dict[str, str] = {}
        for a in addresses:
            value = normalize_email(a.email)
            if value and value not in self._cache and not names.get(value):
                names[value] = a.name
        if not names:
            return
        values = list(names)
        unnamed: dict[str, HandleRef] = {}
        mine: set[int] = set()
        for start in range(0, len(values), 500):
            rows = conn.execute(
                select(
                    _H.c.value,
                    _H.c.id,
                    _H.c.person_id,
                    _H.c.display_name,
                    _P.c.is_me,
                    _P.c.listed,
                )
                .join(_P, _P.c.id == _H.c.person_id)
                .where(_H.c.kind == EMAIL, _H.c.value.in_(values[start : start + 500]))
            )
            for value, hid, pid, name, person_is_me, listed in rows:
                # Mine: this account's address, or another account's (known to the store).
                ref = HandleRef(hid, pid, value in self._mine or bool(person_is_me), bool(listed))
                self._cache[value] = ref
                if not name and names[value]:
                    unnamed[value] = ref
                if ref.is_me:
                    mine.add(pid)
        if mine:  # an account added after its address was first seen as a contact
            conn.execute(
                _P.update().where(_P.c.id.in_(mine), _P.c.is_me.is_(False)).values(is_me=True)
            )
        self._name(conn, unnamed, names)
        self._create(conn, {v: n for v, n in names.items() if v not in self._cache}, set(quiet))

    def resolve(self, address: Address) -> HandleRef | None:
        return self._cache.get(normalize_email(address.email))

    def list_people(self, conn: Connection, refs: Iterable[HandleRef]) -> set[int]:
        """Seen in a conversation now: these people are contacts. Returns their ids."""
        pids = {r.person_id for r in refs if not r.listed and not r.is_me}
        if not pids:
            return pids
        conn.execute(_P.update().where(_P.c.id.in_(pids)).values(listed=True))
        for value, ref in list(self._cache.items()):
            if ref.person_id in pids:
                self._cache[value] = HandleRef(ref.handle_id, ref.person_id, ref.is_me, True)
        return pids

    def _name(self, conn: Connection, refs: dict[str, HandleRef], names: dict[str, str]) -> None:
        """A bare address we knew now comes with a display name: keep it."""
        if not refs:
            return
        conn.execute(
            _H.update().where(_H.c.id == bindparam("hid")).values(display_name=bindparam("n")),
            [{"hid": r.handle_id, "n": names[v]} for v, r in refs.items()],
        )
        conn.execute(
            _P.update()
            .where(_P.c.id == bindparam("pid"), _P.c.display_name == bindparam("old"))
            .values(display_name=bindparam("n")),
            [{"pid": r.person_id, "old": v, "n": names[v]} for v, r in refs.items()],
        )

    def _create(self, conn: Connection, names: dict[str, str], quiet: set[str]) -> None:
        if not names:
            return
        now = int(time.time())
        pid = next_id(conn, _P)
        hid = next_id(conn, _H)
        people, handles = [], []
        for value, name in names.items():
            is_me = value in self._mine
            listed = is_me or value not in quiet
            people.append(
                {
                    "id": pid,
                    "display_name": name or value,
                    "is_me": is_me,
                    "created_at": now,
                    "listed": listed,
                }
            )
            handles.append(
                {"id": hid, "kind": EMAIL, "value": value, "display_name": name, "person_id": pid}
            )
            self._cache[value] = HandleRef(hid, pid, is_me, listed)
            pid += 1
            hid += 1
        conn.execute(_P.insert(), people)
        conn.execute(_H.insert(), handles)


def mass_mailed(resolver: HandleResolver, messages: Sequence[ParsedMessage]) -> set[str]:
    """Addresses of the batch seen only among the recipients of mass mailings."""
    quiet: set[str] = set()
    talked: set[str] = set()
    for p in messages:
        recipients = (*p.to, *p.cc, *p.bcc)
        from_me = any(resolver.is_mine(a) for a in p.from_)
        if is_broadcast(len(recipients), from_me):
            quiet.update(normalize_email(a.email) for a in recipients)
    if not quiet:
        return quiet  # the common batch pays nothing more
    for p in messages:
        recipients = (*p.to, *p.cc, *p.bcc)
        from_me = any(resolver.is_mine(a) for a in p.from_)
        others = (*p.from_, *p.sender, *p.reply_to)
        heard = others if is_broadcast(len(recipients), from_me) else (*others, *recipients)
        talked.update(normalize_email(a.email) for a in heard)
    return quiet - talked


def claim_identity(session: Session, email: str, name: str = "") -> int:
    """Make `email` one of the user's own addresses (an account was added for it): the
    person who has it becomes the user, or a new person is made for it. Returns the id."""
    value = normalize_email(email)
    pid = session.scalar(
        select(Handle.person_id).where(Handle.kind == EMAIL, Handle.value == value)
    )
    if pid is not None:
        person = session.get(Person, pid)
        if person is not None and not person.is_me:
            person.is_me = True
        return pid
    person = Person(display_name=name or value, is_me=True, created_at=int(time.time()))
    session.add(person)
    session.flush()
    session.add(Handle(kind=EMAIL, value=value, display_name=name, person_id=person.id))
    session.flush()
    return person.id
