"""Crafted messages on a real Dovecot: one sync takes them all, none hangs it or stops it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.helpers.dovecot import Dovecot
from tests.helpers.hostile_mail import CASES, deep_message, hostile_messages, many_recipients
from tests.helpers.mailgen import simple_message
from tests.integration.cli_helpers import add_account, run, search, stats
from unibox.config import store_path
from unibox.store.queries import raw_source
from unibox.store.schema import Message
from unibox.store.store import Store

pytestmark = pytest.mark.integration


# A hang guard, not a timing: the whole set syncs in a few seconds here.
@pytest.mark.timeout(300)
def test_every_crafted_message_is_synced_kept_raw_and_found(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raws = [case.build(f"{case.name}@hostile.test") for case in CASES]
    # Beyond the pane's cases: what RECIPES.md says stalls the stdlib parser.
    raws += [deep_message("deep3000@hostile.test", 3000), many_recipients("crowd40k@x", 40_000)]
    raws.append(simple_message("After the storm", "calmword after all of them"))
    for raw in raws:
        dovecot.deliver(mail_user, raw)
    assert add_account(dovecot, mail_user, security="plain", monkeypatch=monkeypatch) == 0

    assert run("sync") == 0
    assert stats(capsys)["messages"] == len(raws)
    for case in CASES:
        assert search(capsys, case.visible), f"{case.name} is not found by {case.visible!r}"
    assert [r["subject"] for r in search(capsys, "calmword")] == ["After the storm"]

    store = Store(store_path(profile))
    try:
        with store.read() as s:
            ids = list(s.scalars(select(Message.id)))
            sizes = sorted(len(raw_source(s, i) or b"") for i in ids)
    finally:
        store.close()
    # Every message keeps its whole raw source (Dovecot may turn LF into CRLF: >=).
    assert all(a >= b for a, b in zip(sizes, sorted(len(r) for r in raws), strict=True))
    assert len(ids) == len(raws) and min(sizes) > 0
    # The next sync has nothing to do and finishes: nothing crafted is fetched forever.
    assert run("sync") == 0
    assert stats(capsys)["messages"] == len(raws)


@pytest.mark.timeout(300)
@settings(
    max_examples=3,  # the first is the minimal one: forty copies of one message
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(hostile_messages(), min_size=40, max_size=40))
def test_generated_hostile_mailboxes_sync_in_one_go(
    dovecot: Dovecot,
    mail_user_factory: Callable[[], str],
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    raws: list[bytes],
) -> None:
    user = mail_user_factory()
    monkeypatch.setenv("UNIBOX_PROFILE", str(tmp_path_factory.mktemp("profile")))
    dovecot.deliver_many(user, raws)
    assert add_account(dovecot, user, security="plain", monkeypatch=monkeypatch) == 0
    assert run("sync") == 0
    assert stats(capsys)["messages"] == len(raws)
