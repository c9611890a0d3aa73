"""Sending and triage against a real Dovecot and aiosmtpd, through the CLI contract."""

from __future__ import annotations

import email.message
import email.policy
import io
import json
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import simple_message
from tests.helpers.smtp import SMTP_WARNING, SmtpServer, smtp_server
from tests.integration.conftest import subprocess_env
from unibox import cli
from unibox.channels.smtp import DeliveryUnknown, SendResult
from unibox.config import UNDO_SEND_SECONDS, Settings, store_path
from unibox.core.triage import TriageState
from unibox.mail_service import Outgoing, act, queue_new
from unibox.secrets import SecretStore
from unibox.store import outbox
from unibox.store.accounts import get_account
from unibox.store.actions import Action, ActionKind
from unibox.store.intent import intent_write
from unibox.store.schema import Account, Message
from unibox.store.store import Store
from unibox.store.triage import get_state, hidden_from_inbox, needs_followup_ids
from unibox.sync.account_work import AccountWork
from unibox.sync.runner import SyncRunner
from unibox.sync.send import TEST_KILL_ENV, UNKNOWN_RETRY_SECONDS

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings(SMTP_WARNING)]
__all__ = ["smtp_server"]


def run(*args: str) -> int:
    return cli.main(list(args))


def out(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    capsys.readouterr()
    assert run(*args) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def setup_account(
    dovecot: Dovecot,
    smtp: SmtpServer,
    user: str,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    name: str = "Work",
    undo: int = 0,
) -> None:
    """An account whose IMAP is Dovecot and SMTP is aiosmtpd (both STARTTLS, test CA)."""
    Settings(profile).set(UNDO_SEND_SECONDS, undo)
    monkeypatch.setattr(sys, "stdin", io.StringIO(dovecot.password + "\n"))
    code = run(
        "--profile",
        str(profile),
        "account",
        "add-mail",
        "--name",
        name,
        "--email",
        f"{user}@example.com",
        "--display-name",
        "Me Tester",
        "--imap-host",
        "localhost",
        "--imap-port",
        str(dovecot.imap_port),
        "--imap-security",
        "starttls",
        "--smtp-host",
        "localhost",
        "--smtp-port",
        str(smtp.port),
        "--smtp-security",
        "starttls",
        "--username",
        user,
        "--password-stdin",
        "--ca-file",
        str(dovecot.ca_file),
    )
    assert code == 0
    smtp.add_user(user, dovecot.password)  # one login for IMAP and SMTP, as with most providers


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def folder_messages(dovecot: Dovecot, user: str, folder: str) -> list[tuple[int, Any, Any]]:
    """(uid, flags, parsed message) of every message in a folder, seen by a second client."""
    client = dovecot.imap(user)
    try:
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        data = client.fetch(uids, ["FLAGS", "BODY.PEEK[]"]) if uids else {}
        parser = BytesParser(policy=email.policy.default)
        return [(uid, data[uid][b"FLAGS"], parser.parsebytes(data[uid][b"BODY[]"])) for uid in uids]
    finally:
        client.logout()


def subjects(dovecot: Dovecot, user: str, folder: str) -> list[str]:
    return [str(m["Subject"]) for _uid, _flags, m in folder_messages(dovecot, user, folder)]


def message_id(capsys: pytest.CaptureFixture[str], query: str, profile: Path | None = None) -> int:
    where = ("--profile", str(profile)) if profile else ()
    [hit] = out(capsys, *where, "search", query, "--json")
    return int(hit["id"])


def test_send_with_attachment_goes_once_and_lands_in_sent(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    assert run("sync") == 0
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(b"%PDF-1.4 the plan")
    stdin(monkeypatch, "Hello Ann,\nthe plan is attached.\n")
    capsys.readouterr()
    assert (
        run(
            "send",
            "--account",
            "Work",
            "--to",
            "Ann <ann@example.org>",
            "--cc",
            "bob@example.org",
            "--bcc",
            "boss@example.org",
            "--subject",
            "Quarterly plan",
            "--attach",
            str(plan),
        )
        == 0
    )
    assert "Sent." in capsys.readouterr().out
    [got] = smtp_server.messages
    assert set(got.rcpt_tos) == {"ann@example.org", "bob@example.org", "boss@example.org"}
    assert got.mail_from == f"{mail_user}@example.com"
    assert b"boss@example.org" not in got.data
    [(_uid, flags, copy)] = folder_messages(dovecot, mail_user, "Sent")
    assert b"\\Seen" in flags
    assert copy["Subject"] == "Quarterly plan"
    assert [p.get_filename() for p in copy.iter_attachments()] == ["plan.pdf"]
    # It shows in the local store at once, without waiting for a sync.
    [hit] = out(capsys, "search", "in:sent", "--json")
    assert hit["subject"] == "Quarterly plan"
    [row] = out(capsys, "outbox", "--all", "--json")
    assert row["state"] == "done" and row["sent_at"]
    assert run("sync") == 0
    assert len(out(capsys, "search", "in:sent", "--json")) == 1
    assert len(smtp_server.messages) == 1


def test_reply_all_threads_and_lands_in_sent(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    me = f"{mail_user}@example.com"
    original = simple_message(
        "Budget 2025",
        "Can you check the numbers?",
        from_="Ann <ann@example.org>",
        to=f"Me <{me}>, Bob <bob@example.org>",
        message_id="<budget-1@example.org>",
    )
    dovecot.deliver(mail_user, original)
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    assert run("sync") == 0
    mid = message_id(capsys, "budget")
    stdin(monkeypatch, "The numbers look right.\n")
    assert run("reply", str(mid), "--all") == 0
    [got] = smtp_server.messages
    assert sorted(got.rcpt_tos) == ["ann@example.org", "bob@example.org"]  # never myself
    sent = BytesParser(policy=email.policy.default).parsebytes(got.data)
    assert sent["Subject"] == "Re: Budget 2025"
    assert sent["In-Reply-To"] == "<budget-1@example.org>"
    assert sent["References"] == "<budget-1@example.org>"
    body = sent.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert body.startswith("The numbers look right.")
    assert "> Can you check the numbers?" in body
    assert subjects(dovecot, mail_user, "Sent") == ["Re: Budget 2025"]
    # The reply joins the conversation at once, and the original is marked answered.
    hits = out(capsys, "search", "budget", "--json")
    assert len(hits) == 2 and len({h["conversation_id"] for h in hits}) == 1
    [(_uid, flags, _m)] = folder_messages(dovecot, mail_user, "INBOX")
    assert b"\\Answered" in flags


def test_each_triage_action_reaches_the_server(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = ["Read me", "Flag me", "Archive me", "Delete me", "Done me", "Snooze me", "Junk me"]
    for name in names:
        dovecot.deliver(mail_user, simple_message(name, "body"))
    dovecot.deliver(mail_user, simple_message("Kick-off", "notes"), folder="Projects")
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    assert run("sync") == 0
    ids = {name: message_id(capsys, f'subject:"{name}"') for name in names}
    for name, action in [
        ("Read me", "read"),
        ("Flag me", "flag"),
        ("Archive me", "archive"),
        ("Delete me", "delete"),
        ("Done me", "done"),
        ("Snooze me", "snooze:2099-01-02T09:30+00:00"),
        ("Junk me", "junk"),
    ]:
        assert run("mark", str(ids[name]), action) == 0, capsys.readouterr().err
    inbox = {
        str(m["Subject"]): flags for _u, flags, m in folder_messages(dovecot, mail_user, "INBOX")
    }
    assert set(inbox) == {"Read me", "Flag me", "Done me", "Snooze me"}
    assert b"\\Seen" in inbox["Read me"] and b"\\Flagged" not in inbox["Read me"]
    assert b"\\Flagged" in inbox["Flag me"]
    assert b"$unibox-done" in inbox["Done me"]
    assert b"$unibox-snoozed-20990102T0930Z" in inbox["Snooze me"]
    assert subjects(dovecot, mail_user, "Archive") == ["Archive me"]
    assert subjects(dovecot, mail_user, "Trash") == ["Delete me"]
    [(_u, junk_flags, _m)] = folder_messages(dovecot, mail_user, "Junk")
    assert b"$Junk" in junk_flags
    # And back: unread, unflag; a second delete (from the trash) removes it for good.
    assert run("mark", str(ids["Read me"]), "unread") == 0
    assert run("mark", str(ids["Flag me"]), "unflag") == 0
    assert run("mark", str(ids["Delete me"]), "delete") == 0
    inbox = {
        str(m["Subject"]): flags for _u, flags, m in folder_messages(dovecot, mail_user, "INBOX")
    }
    assert b"\\Seen" not in inbox["Read me"] and b"\\Flagged" not in inbox["Flag me"]
    assert subjects(dovecot, mail_user, "Trash") == []
    # Not junk after all: back to the inbox, marked so the server's filter learns.
    assert run("mark", str(ids["Junk me"]), "notjunk") == 0
    inbox = {
        str(m["Subject"]): flags for _u, flags, m in folder_messages(dovecot, mail_user, "INBOX")
    }
    assert b"$NotJunk" in inbox["Junk me"] and b"$Junk" not in inbox["Junk me"]
    assert subjects(dovecot, mail_user, "Junk") == []
    # Moved to a folder by name, from wherever it is now (the archive).
    assert run("mark", str(ids["Archive me"]), "move:Projects") == 0
    assert subjects(dovecot, mail_user, "Projects") == ["Kick-off", "Archive me"]
    assert subjects(dovecot, mail_user, "Archive") == []
    # A sync afterwards agrees with all of it and duplicates nothing.
    assert run("sync") == 0
    assert out(capsys, "stats", "--json")["messages"] == len(names)  # one deleted, Kick-off
    assert out(capsys, "search", "archive", "--json")[0]["folder"] == "Projects"


def test_kill_between_smtp_accept_and_sent_append_never_sends_twice(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    test_keyring: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    assert run("sync") == 0
    body = tmp_path / "body.txt"
    body.write_text("Exactly once, please.\n")
    env = subprocess_env(profile, test_keyring)
    env[TEST_KILL_ENV] = "1"  # the process SIGKILLs itself right after SMTP accepted
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "unibox.cli",
            "send",
            "--account",
            "Work",
            "--to",
            "ann@example.org",
            "--subject",
            "Once",
            "--body-file",
            str(body),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert len(smtp_server.messages) == 1
    assert subjects(dovecot, mail_user, "Sent") == []
    [row] = out(capsys, "outbox", "--json")
    assert row["state"] == "accepted"
    # The restart files it in Sent and does not send it again.
    assert run("sync") == 0
    assert run("sync") == 0
    assert len(smtp_server.messages) == 1
    assert subjects(dovecot, mail_user, "Sent") == ["Once"]
    assert out(capsys, "outbox", "--json") == []
    [row] = out(capsys, "outbox", "--all", "--json")
    assert row["state"] == "done"
    assert len(out(capsys, "search", "in:sent", "--json")) == 1


def test_a_send_interrupted_mid_smtp_is_looked_up_in_sent_before_any_resend(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The process died during DATA, and the server had saved the message in Sent itself."""
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    assert run("sync") == 0
    store = Store(store_path(profile))
    item = queue_new(
        store, "Work", Outgoing(to=["ann@example.org"], subject="Maybe sent"), undo_seconds=0
    )
    with intent_write(store) as s:
        assert outbox.claim(s, item.id, int(time.time()))  # "sending", then the crash
        raw = outbox.raw_of(s, item.id)
    dovecot.deliver(mail_user, raw, folder="Sent")
    later = datetime.now(UTC) + timedelta(seconds=outbox.SENDING_LEASE_SECONDS + 1)
    with store.read() as s:
        account = get_account(s, "Work")
    AccountWork(store, account, dovecot.password, clock=lambda: later).run()
    assert smtp_server.messages == []
    with store.read() as s:
        assert outbox.get_item(s, item.id).state == "done"
    # Not in Sent: then (and only then) it is sent again, with the same Message-ID.
    other = queue_new(
        store, "Work", Outgoing(to=["ann@example.org"], subject="Not sent"), undo_seconds=0
    )
    with intent_write(store) as s:
        assert outbox.claim(s, other.id, int(time.time()))
    AccountWork(store, account, dovecot.password, clock=lambda: later).run()
    [got] = smtp_server.messages
    assert f"<{other.message_id}>".encode() in got.data
    assert sorted(subjects(dovecot, mail_user, "Sent")) == ["Maybe sent", "Not sent"]


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--subject", "Hi\r\nBcc: victim@example.net", "The subject contains a line break"),
        ("--subject", "=?utf-8?q?Hi=0D=0ABcc:_victim@example.net?=", "encoded line break"),
        ("--to", "ann@example.org\r\nBcc: victim@example.net", "line break"),
        ("--to", "ann@example.org>, victim@example.net", "angle bracket"),
        ("--to", "Ann\nBcc: victim@example.net <ann@example.org>", "line break"),
    ],
)
def test_header_injection_is_refused_before_anything_is_queued(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    option: str,
    value: str,
    said: str,
) -> None:
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    args = {"--to": "ann@example.org", "--subject": "Hello", option: value}
    stdin(monkeypatch, "text\n")
    capsys.readouterr()
    assert run("send", "--account", "Work", *(x for kv in args.items() for x in kv)) == 1
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1
    assert out(capsys, "outbox", "--all", "--json") == []
    assert smtp_server.messages == []


def test_an_attachment_name_with_a_line_break_is_refused(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    hostile = tmp_path / "report\r\nBcc: victim@example.net.pdf"
    hostile.write_bytes(b"%PDF")
    stdin(monkeypatch, "text\n")
    capsys.readouterr()
    assert (
        run(
            "send",
            "--account",
            "Work",
            "--to",
            "ann@example.org",
            "--subject",
            "Report",
            "--attach",
            str(hostile),
        )
        == 1
    )
    assert "attachment name" in capsys.readouterr().err
    assert smtp_server.messages == []


def _triage_of(profile: Path, subject: str) -> TriageState:
    store = Store(store_path(profile))
    with store.read() as s:
        mid = s.scalar(select(Message.id).where(Message.subject == subject))
        assert mid is not None
        return get_state(s, mid)


def test_a_second_profile_sees_done_snoozed_and_follow_up(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("Contract", "Invoice"):
        dovecot.deliver(mail_user, simple_message(name, "text"))
    laptop = tmp_path / "laptop"
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    setup_account(dovecot, smtp_server, mail_user, laptop, monkeypatch)
    assert run("sync") == 0
    contract = message_id(capsys, "contract")
    invoice = message_id(capsys, "invoice")
    assert run("mark", str(contract), "done") == 0
    assert run("mark", str(contract), "followup-noreply:2099-03-01T09:00+00:00") == 0
    assert run("mark", str(invoice), "snooze:2099-02-01T08:00+00:00") == 0
    assert run("--profile", str(laptop), "sync") == 0
    when = int(datetime(2099, 3, 1, 9, 0, tzinfo=UTC).timestamp())
    assert _triage_of(laptop, "Contract") == TriageState(
        done=True, followup_due=when, followup_if_no_reply=True
    )
    assert _triage_of(laptop, "Invoice").snoozed_until == int(
        datetime(2099, 2, 1, 8, 0, tzinfo=UTC).timestamp()
    )
    # The laptop takes the contract out of Done; the first profile follows.
    laptop_contract = message_id(capsys, "contract", profile=laptop)
    assert run("--profile", str(laptop), "mark", str(laptop_contract), "undone") == 0
    assert run("sync") == 0
    assert not _triage_of(profile, "Contract").done
    assert _triage_of(profile, "Contract").followup_due == when
    assert out(capsys, "followups", "--json") == []  # due only in 2099


def test_snooze_and_follow_up_surface_at_their_time(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Time is moved by an injected clock, never slept."""
    me = f"{mail_user}@example.com"
    dovecot.deliver(mail_user, simple_message("Call me back", "tomorrow?"))
    dovecot.deliver(
        mail_user,
        simple_message(
            "Proposal",
            "Here it is.",
            from_=f"Me <{me}>",
            to="Ann <ann@example.org>",
            message_id="<proposal-1@example.com>",
        ),
        folder="Sent",
    )
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    store = Store(store_path(profile))
    with store.read() as s:
        account = get_account(s, "Work")
    runner = SyncRunner(store, SecretStore())
    t0 = datetime.now(UTC)
    clock = {"now": t0}
    runner.clock = lambda: clock["now"]
    try:
        runner.sync_once(account)
        call = message_id(capsys, "call")
        proposal = message_id(capsys, "proposal")
        act(
            store,
            [call],
            Action(ActionKind.SNOOZE, when=int(t0.timestamp()) + 3 * 3600),
            clock=runner.clock,
        )
        act(
            store,
            [proposal],
            Action(ActionKind.FOLLOWUP, when=int(t0.timestamp()) + 86400, if_no_reply=True),
            clock=runner.clock,
        )
        runner.sync_once(account)

        def hidden(at: datetime) -> bool:
            with store.read() as s:
                now = int(at.timestamp())
                return bool(
                    s.scalar(select(Message.id).where(Message.id == call, hidden_from_inbox(now)))
                )

        def followups(at: datetime) -> list[int]:
            with store.read() as s:
                return needs_followup_ids(s, int(at.timestamp()))

        assert hidden(t0) and followups(t0) == []
        clock["now"] = t0 + timedelta(hours=3, minutes=1)
        runner.sync_once(account)  # the snooze ends: back in the inbox, keyword gone
        assert not hidden(clock["now"])
        [(_u, flags, _m)] = [
            m
            for m in folder_messages(dovecot, mail_user, "INBOX")
            if m[2]["Subject"] == "Call me back"
        ]
        assert not any(f.startswith(b"$unibox-snoozed") for f in flags)
        assert followups(clock["now"]) == []
        clock["now"] = t0 + timedelta(days=1, minutes=1)
        assert followups(clock["now"]) == [proposal]  # no answer by then: it surfaces
        capsys.readouterr()
        dovecot.deliver(
            mail_user,
            simple_message(
                "Re: Proposal",
                "Yes!",
                from_="Ann <ann@example.org>",
                to=me,
                in_reply_to="<proposal-1@example.com>",
            ),
        )
        runner.sync_once(account)
        assert followups(clock["now"]) == []  # answered: nothing to follow up
    finally:
        runner.close()


def test_send_later_and_undo_send(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    assert run("sync") == 0
    at = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    for subject in ("Later", "Never"):
        stdin(monkeypatch, "text\n")
        assert (
            run(
                "send",
                "--account",
                "Work",
                "--to",
                "ann@example.org",
                "--subject",
                subject,
                "--at",
                at.isoformat(),
            )
            == 0
        )
    rows = out(capsys, "outbox", "--json")
    assert [(r["subject"], r["state"]) for r in rows] == [("Later", "queued"), ("Never", "queued")]
    assert datetime.fromisoformat(rows[0]["send_at"]) == at
    capsys.readouterr()
    assert run("outbox") == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in listing] == ["queued", "queued"]
    assert "Later" in listing[0] and "ann@example.org" in listing[0]
    assert run("outbox", "--cancel", str(rows[1]["id"])) == 0
    assert run("sync") == 0
    assert smtp_server.messages == []
    store = Store(store_path(profile))
    with store.read() as s:
        account = get_account(s, "Work")
    later = at + timedelta(seconds=1)
    AccountWork(store, account, dovecot.password, clock=lambda: later).run()
    assert [str(m.data).count("Subject: Later") for m in smtp_server.messages] == [1]
    assert subjects(dovecot, mail_user, "Sent") == ["Later"]
    states = {r["subject"]: r["state"] for r in out(capsys, "outbox", "--all", "--json")}
    assert states == {"Later": "done", "Never": "cancelled"}
    capsys.readouterr()
    assert run("outbox", "--cancel", str(rows[0]["id"])) == 1
    assert "can no longer be undone" in capsys.readouterr().err


def test_unreachable_smtp_keeps_the_message_queued_with_the_reason(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    smtp_server.stop()
    stdin(monkeypatch, "text\n")
    capsys.readouterr()
    assert run("send", "--account", "Work", "--to", "ann@example.org", "--subject", "Queued") == 1
    err = capsys.readouterr().err
    assert "refused the connection" in err and "stays in the outbox" in err
    [row] = out(capsys, "outbox", "--json")
    assert row["state"] == "queued" and "refused the connection" in row["last_error"]
    assert row["next_attempt_at"] is not None
    # The server is back: the next due attempt sends it, once.
    smtp_server.start()
    store = Store(store_path(profile))
    with store.write() as s:
        account = get_account(s, "Work")
        s.execute(
            update(Account)
            .where(Account.id == account.id)
            .values(
                settings_json=replace(
                    account.settings, smtp=replace(account.settings.smtp, port=smtp_server.port)
                ).to_json()
            )
        )  # type: ignore[arg-type]
    with store.read() as s:
        account = get_account(s, "Work")
    soon = datetime.now(UTC) + timedelta(minutes=2)
    AccountWork(store, account, dovecot.password, clock=lambda: soon).run()
    AccountWork(store, account, dovecot.password, clock=lambda: soon).run()
    assert len(smtp_server.messages) == 1
    assert out(capsys, "outbox", "--json") == []


def test_conflicts_with_another_client_never_lose_a_message(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Changes made here while offline meet changes another client made meanwhile."""
    for name in ("Moved elsewhere", "Flagged elsewhere", "Deleted elsewhere"):
        dovecot.deliver(mail_user, simple_message(name, "text"))
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    assert run("sync") == 0
    moved = message_id(capsys, 'subject:"Moved elsewhere"')
    flagged = message_id(capsys, 'subject:"Flagged elsewhere"')
    deleted = message_id(capsys, 'subject:"Deleted elsewhere"')
    store = Store(store_path(profile))
    act(store, [moved], Action(ActionKind.ARCHIVE))  # recorded here, not pushed yet
    act(store, [flagged], Action(ActionKind.READ))
    act(store, [deleted], Action(ActionKind.FLAG))
    other = dovecot.imap(mail_user)
    try:
        other.select_folder("INBOX")
        by_subject = {
            str(m["Subject"]): uid for uid, _f, m in folder_messages(dovecot, mail_user, "INBOX")
        }
        other.move([by_subject["Moved elsewhere"]], "Junk")
        other.add_flags([by_subject["Flagged elsewhere"]], [b"\\Flagged"])
        other.delete_messages([by_subject["Deleted elsewhere"]])
        other.expunge()
    finally:
        other.logout()
    assert run("sync") == 0
    # The move found its message gone from the inbox: it stays where the other client put it.
    assert subjects(dovecot, mail_user, "Junk") == ["Moved elsewhere"]
    assert out(capsys, "search", "moved", "--json")[0]["folder"] == "Junk"
    # Both flag changes are kept: read (here) and flagged (there).
    [(_u, flags, _m)] = folder_messages(dovecot, mail_user, "INBOX")
    assert b"\\Seen" in flags and b"\\Flagged" in flags
    hit = out(capsys, "search", "flagged", "--json")[0]
    assert not hit["unread"] and hit["flagged"]
    assert out(capsys, "search", "deleted", "--json") == []
    assert out(capsys, "stats", "--json")["messages"] == 2


def test_forward_carries_the_attachments(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = email.message.EmailMessage()
    original["From"] = "Ann <ann@example.org>"
    original["To"] = f"{mail_user}@example.com"
    original["Subject"] = "Signed contract"
    original["Message-ID"] = "<contract-1@example.org>"
    original.set_content("Attached.")
    original.add_attachment(
        b"%PDF signed", maintype="application", subtype="pdf", filename="contract.pdf"
    )
    dovecot.deliver(mail_user, original.as_bytes(policy=email.policy.SMTP))
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    assert run("sync") == 0
    stdin(monkeypatch, "For your files.\n")
    assert run("forward", str(message_id(capsys, "contract")), "--to", "legal@example.org") == 0
    [got] = smtp_server.messages
    sent = BytesParser(policy=email.policy.default).parsebytes(got.data)
    assert sent["Subject"] == "Fwd: Signed contract"
    assert sent["References"] == "<contract-1@example.org>"
    [att] = list(sent.iter_attachments())  # type: ignore[attr-defined]
    assert att.get_filename() == "contract.pdf" and att.get_content() == b"%PDF signed"


def test_watch_pushes_a_change_made_locally_within_seconds(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The window changes the store; a running `sync --watch` engine carries it to the server."""
    dovecot.deliver(mail_user, simple_message("Watch me", "text"))
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    assert run("sync") == 0
    mid = message_id(capsys, "watch")
    store = Store(store_path(profile))
    with store.read() as s:
        account = get_account(s, "Work")
    runner = SyncRunner(store, SecretStore())
    stop = threading.Event()
    worker = threading.Thread(target=runner.watch, args=(account, 3600.0, stop), daemon=True)
    worker.start()
    try:
        time.sleep(1.0)  # let it reach IDLE
        act(store, [mid], Action(ActionKind.FLAG))
        deadline = time.monotonic() + 15
        flagged = False
        while time.monotonic() < deadline and not flagged:
            [(_u, flags, _m)] = folder_messages(dovecot, mail_user, "INBOX")
            flagged = b"\\Flagged" in flags
            time.sleep(0.2)
        assert flagged
    finally:
        stop.set()
        worker.join(15)
        runner.close()


def test_a_connection_lost_during_data_is_checked_before_sending_again(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    assert run("sync") == 0
    store = Store(store_path(profile))
    item = queue_new(
        store, "Work", Outgoing(to=["ann@example.org"], subject="Flaky"), undo_seconds=0
    )
    with store.read() as s:
        account = get_account(s, "Work")
    calls: list[str] = []

    def lost(*_args: object) -> SendResult:
        calls.append("lost")
        raise DeliveryUnknown("The connection was lost while handing the message over.")

    now = datetime.now(UTC)
    AccountWork(store, account, dovecot.password, clock=lambda: now, send=lost).run()
    with store.read() as s:
        row = outbox.get_item(s, item.id)
    assert row.state == "sending" and "lost" in row.last_error  # maybe sent: wait, then check
    AccountWork(store, account, dovecot.password, clock=lambda: now, send=lost).run()
    assert calls == ["lost"]  # not again before the lease ends
    later = now + timedelta(seconds=UNKNOWN_RETRY_SECONDS + 1)
    AccountWork(store, account, dovecot.password, clock=lambda: later).run()
    assert len(smtp_server.messages) == 1  # not in Sent, so it really had not gone: sent now
    assert subjects(dovecot, mail_user, "Sent") == ["Flaky"]


def test_a_wrong_smtp_password_keeps_the_message_with_a_sentence(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setup_account(dovecot, smtp_server, mail_user, profile, monkeypatch)
    smtp_server.add_user(mail_user, "a-different-password")
    stdin(monkeypatch, "text\n")
    capsys.readouterr()
    assert run("send", "--account", "Work", "--to", "ann@example.org", "--subject", "Auth") == 1
    err = capsys.readouterr().err
    assert "rejected the user name or password" in err and dovecot.password not in err
    [row] = out(capsys, "outbox", "--json")
    assert row["state"] == "queued" and "rejected the user name or password" in row["last_error"]
    assert smtp_server.messages == []
