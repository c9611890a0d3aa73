"""Chat addresses as handles: (kind, normalized value) -> handle -> person, a batch at a time.

The same rule as mail's `people.HandleResolver`, for every kind of handle: a
JID that a person's card already carries is that person's handle, so the chat
lands in the same record. A JID nobody has yet that one person's own signature
lists (a pending card suggestion) joins that person the moment it writes: the
suggestion is taken. The user's own addresses join the person who is the user.

A Matrix user that a bridge puppets (core/bridges.py) brings the handles it
stands for: its network's ("telegram", "user123456") and, for a WhatsApp or
Signal puppet, its phone. They are one person: new ones join whoever already
has one of them (the phone first, so a WhatsApp puppet joins the person of
that number's SMS or card), or are made one new person together.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, select

from unibox.core.bridges import bridged
from unibox.core.identity import MATRIX, PHONE, normalize_handle
from unibox.store.people import HandleRef
from unibox.store.schema import Handle, Person, next_id, table

_H = table(Handle)
_P = table(Person)

# Someone in a group known only by their nickname there (no address of their own):
# a handle of its own kind, so that they never become the room.
OCCUPANT = "occupant"
Key = tuple[str, str]


def handle_key(kind: str, raw: str) -> tuple[str, str]:
    """(kind, value) as stored: normalized, "" value when `raw` is no such handle."""
    value = normalize_handle(kind, raw)
    return kind, value


class ChatHandleResolver:
    """Maps (kind, value) to handles, creating handle and person on first sight.

    `prefetch` looks up and creates a whole batch's handles; `resolve` is then a
    dictionary lookup. Valid for one sync (the writer is single).
    """

    def __init__(self, my_handles: Iterable[tuple[str, str]]) -> None:
        self._mine = {k for k in my_handles if k[1]}
        self._cache: dict[tuple[str, str], HandleRef] = {}

    def add_mine(self, keys: Iterable[tuple[str, str]]) -> None:
        """More of the user's own handles (the account's address as a handle of another kind)."""
        self._mine |= {k for k in keys if k[1]}

    def is_mine(self, key: tuple[str, str]) -> bool:
        return key in self._mine

    def prefetch(self, conn: Connection, keyed: Iterable[tuple[tuple[str, str], str]]) -> None:
        """Look up (or create) handles for ((kind, value), name) pairs."""
        names: dict[tuple[str, str], str] = {}
        matrix: dict[Key, str] = {}
        for key, name in keyed:
            if key[1] and key not in self._cache and not names.get(key):
                names[key] = name
            if key[0] == MATRIX and key[1] and not matrix.get(key):
                matrix[key] = name
        groups: list[tuple[Key, ...]] = []
        for key, name in matrix.items():  # known ones too: a handle added to a card by hand
            group = bridged_handles(key[1], name)
            if group and any(k not in self._cache for k in group):
                groups.append(group)
                for linked in group:
                    if linked not in self._cache and not names.get(linked):
                        names[linked] = name
        for key in self._mine - set(self._cache):
            names.setdefault(key, "")
        if not names:
            return
        by_kind: dict[str, list[str]] = {}
        for kind, value in names:
            by_kind.setdefault(kind, []).append(value)
        unnamed: dict[tuple[str, str], HandleRef] = {}
        mine: set[int] = set()
        for kind, values in by_kind.items():
            for start in range(0, len(values), 500):
                rows = conn.execute(
                    select(_H.c.value, _H.c.id, _H.c.person_id, _H.c.display_name, _P.c.is_me)
                    .join(_P, _P.c.id == _H.c.person_id)
                    .where(_H.c.kind == kind, _H.c.value.in_(values[start : start + 500]))
                )
                for value, hid, pid, name, person_is_me in rows:
                    key = (kind, value)
                    ref = HandleRef(hid, pid, key in self._mine or bool(person_is_me))
                    self._cache[key] = ref
                    if not name and names[key]:
                        unnamed[key] = ref
                    if ref.is_me and not person_is_me:
                        mine.add(pid)
        if mine:  # the account's address was first seen as someone else's handle
            conn.execute(_P.update().where(_P.c.id.in_(mine)).values(is_me=True))
        self._name(conn, unnamed, names)
        owners: dict[Key, int | Key] = {}  # a new handle -> its person, or its group's first
        for group in groups:
            known = next((self._cache[k].person_id for k in group if k in self._cache), None)
            for k in group:
                if k not in self._cache:
                    owners[k] = group[0] if known is None else known
        self._create(conn, {k: n for k, n in names.items() if k not in self._cache}, owners)

    def resolve(self, key: tuple[str, str]) -> HandleRef | None:
        return self._cache.get(key)

    def _name(
        self,
        conn: Connection,
        refs: dict[tuple[str, str], HandleRef],
        names: dict[tuple[str, str], str],
    ) -> None:
        """A handle known without a name now comes with one (a roster name): keep it."""
        if not refs:
            return
        conn.execute(
            _H.update().where(_H.c.id == bindparam("hid")).values(display_name=bindparam("n")),
            [{"hid": r.handle_id, "n": names[k]} for k, r in refs.items()],
        )
        conn.execute(
            _P.update()
            .where(_P.c.id == bindparam("pid"), _P.c.display_name == bindparam("old"))
            .values(display_name=bindparam("n")),
            [{"pid": r.person_id, "old": k[1], "n": names[k]} for k, r in refs.items()],
        )

    def _me(self, conn: Connection) -> int | None:
        """The person who is the user (the oldest such record), if the store has one."""
        found = conn.execute(
            select(_P.c.id)
            .where(_P.c.is_me.is_(True), _P.c.merged_into_id.is_(None))
            .order_by(_P.c.id)
            .limit(1)
        ).scalar()
        return int(found) if found is not None else None

    def _create(
        self,
        conn: Connection,
        names: dict[tuple[str, str], str],
        owners: dict[Key, int | Key] | None = None,
    ) -> None:
        if not names:
            return
        owners = owners or {}
        made: dict[Key, int] = {}  # the person each new handle got
        # A linked group's first handle is made first: the others join its person.
        firsts = {o for o in owners.values() if isinstance(o, tuple)}
        names = dict(sorted(names.items(), key=lambda kn: kn[0] not in firsts))
        now = int(time.time())
        pid = next_id(conn, _P)
        hid = next_id(conn, _H)
        me = self._me(conn) if any(k in self._mine for k in names) else None
        listed = _listed_in_signatures(conn, [k for k in names if k not in self._mine])
        people, handles = [], []
        for key, name in names.items():
            is_me = key in self._mine
            owner = me if is_me else listed.get(key)
            linked = owners.get(key)
            if owner is None and linked is not None:
                owner = made.get(linked) if isinstance(linked, tuple) else linked
            if owner is None:
                owner = pid
                people.append(
                    {"id": pid, "display_name": name or key[1], "is_me": is_me, "created_at": now}
                )
                pid += 1
                if is_me:
                    me = owner
            handles.append(
                {
                    "id": hid,
                    "kind": key[0],
                    "value": key[1],
                    "display_name": name,
                    "person_id": owner,
                }
            )
            self._cache[key] = HandleRef(hid, owner, is_me)
            made[key] = owner
            hid += 1
        if people:
            conn.execute(_P.insert(), people)
        conn.execute(_H.insert(), handles)
        if listed:
            _accept_listed(conn, listed, now)


def _listed_in_signatures(conn: Connection, keys: list[tuple[str, str]]) -> dict[Key, int]:
    """Handles nobody has yet that one person's own signature lists (a pending card
    suggestion): that person, by key. Two people listing the same one: nobody."""
    if not keys:
        return {}
    from unibox.store.schema_people import HandleSuggestion  # mapped only when needed

    sug = table(HandleSuggestion)
    by_kind: dict[str, list[str]] = {}
    for kind, value in keys:
        by_kind.setdefault(kind, []).append(value)
    owners: dict[Key, set[int]] = {}
    for kind, values in by_kind.items():
        for start in range(0, len(values), 500):
            rows = conn.execute(
                select(sug.c.value, sug.c.person_id)
                .join(_P, _P.c.id == sug.c.person_id)
                .where(
                    sug.c.kind == kind,
                    sug.c.value.in_(values[start : start + 500]),
                    sug.c.state == "pending",
                    _P.c.merged_into_id.is_(None),
                    _P.c.is_me.is_(False),
                )
            )
            for value, pid in rows:
                owners.setdefault((kind, value), set()).add(pid)
    return {key: min(pids) for key, pids in owners.items() if len(pids) == 1}


def _accept_listed(conn: Connection, listed: dict[Key, int], now: int) -> None:
    """The signature's handle now writes to the user: its suggestion is taken."""
    from unibox.store.schema_people import HandleSuggestion

    sug = table(HandleSuggestion)
    conn.execute(
        sug.update()
        .where(
            sug.c.person_id == bindparam("pid"),
            sug.c.kind == bindparam("k"),
            sug.c.value == bindparam("v"),
        )
        .values(state="accepted", decided_at=now),
        [{"pid": pid, "k": k, "v": v} for (k, v), pid in listed.items()],
    )


def bridged_handles(user_id: str, name: str) -> tuple[Key, ...]:
    """The handles a bridged Matrix user stands for, with it, the phone first; () for others."""
    found = bridged(user_id, name)
    if found is None:
        return ()
    phone = normalize_handle(PHONE, found.phone) if found.phone else ""
    keys = [(PHONE, phone)] if phone else []
    keys.append((found.network, normalize_handle(found.network, found.value)))
    keys.append((MATRIX, user_id))
    return tuple(dict.fromkeys(k for k in keys if k[1]))
