"""The no-change check's plain-sqlite3 reading of queued work agrees with the sync engine's."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

from tests.helpers.items import add_account, new_store
from unibox.store import outbox
from unibox.store.accounts import get_account
from unibox.store.schema_actions import OutboxMessage
from unibox.store.sync_state import stored_accounts
from unibox.sync.account_work import work_due

# Every state an outbox row can be in; a new one must be added here (and to sync_state).
STATES = (
    outbox.QUEUED,
    outbox.SENDING,
    outbox.UNCONFIRMED,
    outbox.ACCEPTED,
    outbox.DONE,
    outbox.FAILED,
    outbox.CANCELLED,
)


def test_every_outbox_state_is_read_as_the_engine_reads_it(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    account_id = add_account(store)
    with store.read() as s:
        account = get_account(s, "Work")
    now = int(time.time())
    past, future = now - 600, now + 600
    assert set(outbox.OPEN_STATES) <= set(STATES)
    for state, send_at, next_attempt in itertools.product(
        STATES, (past, future), (None, past, future)
    ):
        with store.write() as s:
            s.query(OutboxMessage).delete()
            s.add(
                OutboxMessage(
                    account_id=account_id,
                    message_id_header="m@x",
                    sender="me@example.com",
                    recipients='["ann@example.org"]',
                    raw=b"Subject: x\r\n\r\nx\r\n",
                    created_at=past,
                    send_at=send_at,
                    state=state,
                    next_attempt_at=next_attempt,
                )
            )
        [stored] = stored_accounts(store.path) or []
        engine = work_due(store, account, now)
        assert stored.work_queued == engine, (state, send_at, next_attempt)
    store.close()
