"""Local accounts that hold imported history (one per network): nothing to sync."""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from unibox.store.schema import Account

IMPORT_KIND = "import"


def import_account(session: Session, network: str) -> int:
    """The id of the local account of `network`'s imports, made on first use."""
    found = session.scalar(
        select(Account.id).where(Account.kind == IMPORT_KIND, Account.name == network)
    )
    if found is not None:
        return int(found)
    account = Account(
        name=network,
        kind=IMPORT_KIND,
        email="",
        display_name=f"{network} (imported)",
        settings_json="{}",
        secret_ref="",
        created_at=int(time.time()),
        last_error="",
    )
    session.add(account)
    session.flush()
    return int(account.id)
