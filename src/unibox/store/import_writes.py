"""What an import writes beside chat messages: logged calls on people's timelines, and
the folders of a mail archive's local account.

A call is a `person_note` of kind "call" on the person who has the number (a
person is made when nobody has it), done by the user when outgoing, else by
the caller. The same call again (the same person, time
and words) is not written twice: importing a call log twice adds nothing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from unibox.core.calls import OUTGOING, LoggedCall
from unibox.core.identity import normalize_handle
from unibox.store.chat_handles import ChatHandleResolver
from unibox.store.schema import Folder, insert_rows, table
from unibox.store.schema_people import PersonNote

_N = table(PersonNote)
CALL = "call"


def log_calls(session: Session, calls: Sequence[LoggedCall]) -> tuple[int, set[int]]:
    """Write the calls not yet logged; (how many were new, the people they are with)."""
    conn = session.connection()
    resolver = ChatHandleResolver(())
    keyed = []
    for call in calls:
        kind = "phone" if call.number.startswith("+") else "sms"
        keyed.append(((kind, normalize_handle(kind, call.number)), call.name))
    resolver.prefetch(conn, keyed)
    wanted: list[tuple[int, int, str]] = []
    callers: dict[tuple[int, int, str], str] = {}  # who called: "" the user
    for call, (key, _name) in zip(calls, keyed, strict=True):
        ref = resolver.resolve(key)
        if ref is not None and not ref.is_me:
            wanted.append((ref.person_id, int(call.at.timestamp()), call.describe()))
            callers[wanted[-1]] = "" if call.direction == OUTGOING else call.name or call.number
    people = {p for p, _at, _text in wanted}
    if not wanted:
        return 0, people
    stamps = {at for _p, at, _t in wanted}
    known = {
        tuple(row)
        for row in conn.execute(
            select(_N.c.person_id, _N.c.happened_at, _N.c.text).where(
                _N.c.kind == CALL,
                _N.c.person_id.in_(people),
                _N.c.happened_at.between(min(stamps), max(stamps)),
            )
        )
    }
    now = int(time.time())
    rows = []
    for entry in dict.fromkeys(wanted):
        if entry not in known:
            person, at, text = entry
            rows.append(
                {
                    "person_id": person,
                    "kind": CALL,
                    "happened_at": at,
                    "text": text,
                    "done_by": callers[entry],
                    "created_at": now,
                }
            )
    if rows:
        insert_rows(conn, _N, rows)
    return len(rows), people


def archive_folder(session: Session, account_id: int, name: str, role: str) -> int:
    """The id of the archive account's folder `name`, made on first use (none is dropped)."""
    found = session.scalar(
        select(Folder.id).where(Folder.account_id == account_id, Folder.name == name)
    )
    if found is not None:
        return int(found)
    folder = Folder(account_id=account_id, name=name, delimiter="/", role=role)
    session.add(folder)
    session.flush()
    return int(folder.id)
