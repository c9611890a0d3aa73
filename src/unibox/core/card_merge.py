"""Combining contact cards without losing a field.

`combine` lays an imported card over a stored one (what the file says
wins, what it leaves out stays). `three_way` merges a local and a remote
edit of the same card against the version both started from, as CardDAV
sync needs: a field changed on one side takes that change; a field changed
differently on both sides keeps the local value and files the remote one
under a custom field, so neither is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from unibox.core.contacts import LIST_FIELDS, SCALAR_FIELDS, ContactCard

CONFLICT_LABEL = "{field} (other version)"


def _union(*lists: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(x for items in lists for x in items))


def combine(stored: ContactCard, incoming: ContactCard) -> ContactCard:
    """`incoming`'s non-empty fields over `stored`; many-valued fields are united."""
    changes: dict[str, Any] = {
        name: getattr(incoming, name) or getattr(stored, name) for name in SCALAR_FIELDS
    }
    for name in LIST_FIELDS:
        changes[name] = _union(getattr(stored, name), getattr(incoming, name))
    changes["uid"] = stored.uid or incoming.uid
    if incoming.photo:
        changes["photo"], changes["photo_type"] = incoming.photo, incoming.photo_type
    return replace(stored, **changes)


@dataclass(frozen=True, slots=True)
class CardMerge:
    card: ContactCard
    conflicts: tuple[str, ...] = ()  # scalar fields both sides changed differently


def three_way(base: ContactCard, local: ContactCard, remote: ContactCard) -> CardMerge:
    """Merge two edits of one card that both started from `base`."""
    changes: dict[str, Any] = {}
    conflicts: list[str] = []
    extra: list[tuple[str, str]] = []
    for name in SCALAR_FIELDS:
        b, mine, theirs = getattr(base, name), getattr(local, name), getattr(remote, name)
        if mine == theirs or theirs == b:
            changes[name] = mine
        elif mine == b:
            changes[name] = theirs
        else:
            changes[name] = mine or theirs
            if mine and theirs:
                conflicts.append(name)
                extra.append((CONFLICT_LABEL.format(field=name.replace("_", " ")), theirs))
    for name in LIST_FIELDS:
        b_items = getattr(base, name)
        mine_items, theirs_items = getattr(local, name), getattr(remote, name)
        # Removed on one side and untouched on the other: removed. Otherwise kept.
        removed = {x for x in b_items if x not in mine_items or x not in theirs_items}
        merged = _union(mine_items, theirs_items)
        changes[name] = tuple(x for x in merged if x not in removed)
    changes["custom"] = _union(changes["custom"], tuple(extra))
    changes["uid"] = local.uid or remote.uid or base.uid
    if local.photo != base.photo:
        changes["photo"], changes["photo_type"] = local.photo, local.photo_type
    else:
        changes["photo"], changes["photo_type"] = remote.photo, remote.photo_type
    return CardMerge(replace(local, **changes), tuple(conflicts))


def parse_birthday(text: str) -> str:
    """A birthday as YYYY-MM-DD (or --MM-DD without a year); "" when unreadable.

    Reads ISO dates, vCard 4 forms (19850412, --0412), US-style 4/12/1985 as
    Outlook writes it, and the zero dates exports use for "none" (0/0/00).
    """
    text = text.strip()
    m = re.match(r"^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$", text)
    if m:
        y, mo, d = m.groups()
        return _valid(y, mo, d)
    m = re.match(r"^--(\d{2})-?(\d{2})$", text)
    if m:
        return _valid("", *m.groups())
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
    if m:
        mo, d, y = m.groups()
        return _valid(y, mo.zfill(2), d.zfill(2))
    return ""


def _valid(year: str, month: str, day: str) -> str:
    import calendar

    mo, d = int(month), int(day)
    if not 1 <= mo <= 12:
        return ""
    last = calendar.monthrange(int(year) if year else 2000, mo)[1]  # 2000: Feb 29 allowed
    if not 1 <= d <= last or (year and int(year) < 1800):
        return ""
    return f"{year}-{month}-{day}" if year else f"--{month}-{day}"
