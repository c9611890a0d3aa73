"""POP3 bookkeeping in the store: one UID per UIDL, settings that keep IMAP's as they were."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.items import add_account, item, new_store, parsed
from unibox.store import folders
from unibox.store.accounts import MailServer, MailSettings
from unibox.store.ingest import Ingestor
from unibox.store.pop3_state import (
    due_for_deletion,
    known_uidls,
    mark_deleted,
    pop3_inbox,
    store_downloaded,
)
from unibox.store.sync_state import stored_uidls

DAY = 86400


def test_each_uidl_gets_the_next_uid_of_the_local_inbox_and_is_read_back_alike(
    tmp_path: Path,
) -> None:
    store = new_store(tmp_path)
    account_id = add_account(store)
    with store.write() as s:
        inbox = pop3_inbox(s, account_id)
        assert pop3_inbox(s, account_id) == inbox  # made once
    ingestor = Ingestor(account_id, inbox, ["me@example.com"])
    for batch, now in ((("a1", "a2"), 1000), (("b1",), 2000)):
        pairs = [(u, item(0, parsed(f"Message {u}", message_id=f"{u}@x"))) for u in batch]
        with store.write() as s:
            store_downloaded(s, ingestor, inbox, pairs, now)
    with store.write() as s:
        known = known_uidls(s, inbox)
        mark_deleted(s, inbox, ["a1"], 3000)
        stored = folders.list_folders(s, account_id)
    assert {u: k.uid for u, k in known.items()} == {"a1": 1, "a2": 2, "b1": 3}
    assert [(f.name, f.role, f.messages) for f in stored] == [("Inbox", "inbox", 3)]
    # The no-change check reads the same with plain sqlite3.
    assert stored_uidls(store.path, account_id) == {"a1": 1000, "a2": 1000, "b1": 2000}
    with store.read() as s:
        assert known_uidls(s, inbox)["a1"].deleted_at == 3000
    store.close()


def test_only_mail_downloaded_long_enough_ago_and_still_on_the_server_is_due() -> None:
    from unibox.store.pop3_state import KnownUidl

    known = {"old": KnownUidl(1, 0, None), "new": KnownUidl(2, 9 * DAY, None)}
    now = 10 * DAY
    assert due_for_deletion(known, ["old", "new", "unknown"], 7, now) == ["old"]
    assert due_for_deletion(known, ["new"], 7, now) == []
    assert due_for_deletion(known, ["old", "new"], 0, now) == []  # 0: never


def test_an_imap_accounts_settings_json_is_unchanged_and_pop3_round_trips() -> None:
    imap = MailSettings(imap=MailServer("imap.example.org", 993, "ssl"), smtp=None, username="me")
    assert set(json.loads(imap.to_json())) == {"imap", "smtp", "username", "ca_file", "fingerprint"}
    assert MailSettings.from_json(imap.to_json()) == imap
    pop3 = MailSettings(
        imap=MailServer("", 0, "plain"),
        smtp=MailServer("smtp.example.org", 465, "ssl"),
        username="me",
        pop3=MailServer("pop.example.org", 995, "ssl"),
        delete_after_days=14,
    )
    back = MailSettings.from_json(pop3.to_json())
    assert back == pop3 and back.incoming.host == "pop.example.org"
