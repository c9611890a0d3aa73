"""Accounts with their folders, in the order the sidebar lists them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from unibox.core.items import FolderRole
from unibox.store.schema import CALDAV_KIND, Account, Folder


@dataclass(frozen=True, slots=True)
class FolderEntry:
    id: int
    account_id: int
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class AccountEntry:
    id: int
    name: str
    email: str
    display_name: str
    folders: tuple[FolderEntry, ...]
    kind: str = ""


def accounts_and_folders(session: Session) -> list[AccountEntry]:
    """Accounts by name, each with its folders: inbox first, then by role and name."""
    order = {r.value: n for n, r in enumerate(FolderRole)}
    folders: dict[int, list[FolderEntry]] = {}
    for fid, aid, name, role in session.execute(
        select(Folder.id, Folder.account_id, Folder.name, Folder.role)
    ):
        folders.setdefault(aid, []).append(FolderEntry(fid, aid, name, role))
    result = []
    for aid, name, email, display, kind in session.execute(
        select(Account.id, Account.name, Account.email, Account.display_name, Account.kind)
        .where(Account.kind != CALDAV_KIND)
        .order_by(Account.name)
    ):
        mine = sorted(folders.get(aid, []), key=lambda f: (order.get(f.role or "", 99), f.name))
        result.append(AccountEntry(aid, name, email, display, tuple(mine), kind))
    return result
