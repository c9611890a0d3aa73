"""Handles and people: every address becomes a handle linked to a person."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from unibox.core.identity import EMAIL, normalize_email
from unibox.core.items import Address
from unibox.store.schema import Handle, Person


@dataclass(frozen=True, slots=True)
class HandleRef:
    handle_id: int
    person_id: int
    is_me: bool


class HandleResolver:
    """Maps addresses to handles, creating handle and person on first sight.

    Caches what it has seen; valid for one sync (the writer is single).
    """

    def __init__(self, my_addresses: Iterable[str]) -> None:
        self._mine = {normalize_email(a) for a in my_addresses} - {""}
        self._cache: dict[str, HandleRef] = {}
        self._named: set[str] = set()

    def prefetch(self, session: Session, addresses: Iterable[Address]) -> None:
        wanted = {normalize_email(a.email) for a in addresses} - {""} - self._cache.keys()
        values = list(wanted)
        for start in range(0, len(values), 500):
            rows = session.execute(
                select(Handle.value, Handle.id, Handle.person_id, Handle.display_name).where(
                    Handle.kind == EMAIL, Handle.value.in_(values[start : start + 500])
                )
            )
            for value, hid, pid, name in rows:
                self._cache[value] = HandleRef(hid, pid, value in self._mine)
                if name:
                    self._named.add(value)

    def resolve(self, session: Session, address: Address) -> HandleRef | None:
        value = normalize_email(address.email)
        if not value:
            return None
        ref = self._cache.get(value)
        if ref is None:
            ref = self._create(session, value, address.name)
        elif address.name and value not in self._named:
            # Keep the first real display name we learn for a bare address.
            session.execute(
                update(Handle).where(Handle.id == ref.handle_id).values(display_name=address.name)
            )
            session.execute(
                update(Person)
                .where(Person.id == ref.person_id, Person.display_name == value)
                .values(display_name=address.name)
            )
            self._named.add(value)
        return ref

    def _create(self, session: Session, value: str, name: str) -> HandleRef:
        is_me = value in self._mine
        person_id = session.execute(
            insert(Person)
            .values(display_name=name or value, is_me=is_me, created_at=int(time.time()))
            .returning(Person.id)
        ).scalar_one()
        handle_id = session.execute(
            insert(Handle)
            .values(kind=EMAIL, value=value, display_name=name, person_id=person_id)
            .returning(Handle.id)
        ).scalar_one()
        ref = HandleRef(handle_id, person_id, is_me)
        self._cache[value] = ref
        if name:
            self._named.add(value)
        return ref
