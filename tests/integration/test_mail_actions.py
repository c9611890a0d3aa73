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
from dataclasses import dataclass, replace
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
from unibox.secrets import SecretStore
from unibox.services.mail import Outgoing, act, queue_new
from unibox.store import outbox
from unibox.store.accounts import AccountInfo, get_account
from unibox.store.actions import Action, ActionKind
from unibox.store.intent import intent_write
from unibox.store.outbox_control import send_now
from unibox.store.schema import Account, Message
from unibox.store.store import Store
from unibox.store.triage import get_state
from unibox.store.triage_views import hidden_from_inbox, needs_followup_ids
from unibox.sync.account_work import AccountWork
from unibox.sync.runner import SyncRunner
from unibox.sync.send import TEST_KILL_ENV, UNKNOWN_RETRY_SECONDS

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings(SMTP_WARNING)]
__all__ = ["smtp_server"]


def run(*args: str) -> int:
    return cli.main(list(args))


@dataclass
class Mailroom:
    """One test's mail user on Dovecot (IMAP) and aiosmtpd (SMTP), its profile, and the
    CLI driven against them: what every test here sets up the same way."""

    dovecot: Dovecot
    smtp: SmtpServer
    user: str
    profile: Path
    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch

    @property
    def me(self) -> str:
        return f"{self.user}@example.com"

    def add_account(self, profile: Path | None = None, *, name: str = "Work") -> None:
        """An account whose IMAP is Dovecot and SMTP is aiosmtpd (both STARTTLS, test CA)."""
        profile = profile or self.profile
        Settings(profile).set(UNDO_SEND_SECONDS, 0)
        # One login for IMAP and SMTP, as with most providers; signed in to when adding.
        self.smtp.add_user(self.user, self.dovecot.password)
        self.stdin(self.dovecot.password + "\n")
        code = run(
            "--profile",
            str(profile),
            "account",
            "add-mail",
            "--name",
            name,
            "--email",
            self.me,
            "--display-name",
            "Me Tester",
            "--imap-host",
            "localhost",
            "--imap-port",
            str(self.dovecot.imap_port),
            "--imap-security",
            "starttls",
            "--smtp-host",
            "localhost",
            "--smtp-port",
            str(self.smtp.port),
            "--smtp-security",
            "starttls",
            "--username",
            self.user,
            "--password-stdin",
            "--ca-file",
            str(self.dovecot.ca_file),
        )
        assert code == 0

    def synced(self) -> None:
        """The account added and synced once: the start of most tests."""
        self.add_account()
        assert run("sync") == 0

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        self.dovecot.deliver(self.user, raw, folder=folder)

    def stdin(self, text: str) -> None:
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(text))

    def out(self, *args: str) -> Any:
        """The JSON a command printed (it must succeed)."""
        self.capsys.readouterr()
        assert run(*args) == 0, self.capsys.readouterr().err
        return json.loads(self.capsys.readouterr().out)

    def message_id(self, query: str, profile: Path | None = None) -> int:
        where = ("--profile", str(profile)) if profile else ()
        [hit] = self.out(*where, "search", query, "--json")
        return int(hit["id"])

    def messages(self, folder: str) -> list[tuple[int, Any, Any]]:
        """(uid, flags, parsed message) of every message in a folder, seen by a second client."""
        client = self.dovecot.imap(self.user)
        try:
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            data = client.fetch(uids, ["FLAGS", "BODY.PEEK[]"]) if uids else {}
            parser = BytesParser(policy=email.policy.default)
            return [
                (uid, data[uid][b"FLAGS"], parser.parsebytes(data[uid][b"BODY[]"])) for uid in uids
            ]
        finally:
            client.logout()

    def subjects(self, folder: str) -> list[str]:
        return [str(m["Subject"]) for _uid, _flags, m in self.messages(folder)]

    def inbox_flags(self) -> dict[str, Any]:
        """Subject -> flags of the messages in the inbox, as the server has them."""
        return {str(m["Subject"]): flags for _u, flags, m in self.messages("INBOX")}

    def store_and_account(self) -> tuple[Store, AccountInfo]:
        store = Store(store_path(self.profile))
        with store.read() as s:
            return store, get_account(s, "Work")


@pytest.fixture
def mail(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Mailroom:
    return Mailroom(dovecot, smtp_server, mail_user, profile, capsys, monkeypatch)


def _triage_of(profile: Path, subject: str) -> TriageState:
    store = Store(store_path(profile))
    with store.read() as s:
        mid = s.scalar(select(Message.id).where(Message.subject == subject))
        assert mid is not None
        return get_state(s, mid)


def test_send_with_attachment_goes_once_and_lands_in_sent(
    mail: Mailroom,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mail.synced()
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(b"%PDF-1.4 the plan")
    mail.stdin("Hello Ann,\nthe plan is attached.\n")
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
    [got] = mail.smtp.messages
    assert set(got.rcpt_tos) == {"ann@example.org", "bob@example.org", "boss@example.org"}
    assert got.mail_from == mail.me
    assert b"boss@example.org" not in got.data
    [(_uid, flags, copy)] = mail.messages("Sent")
    assert b"\\Seen" in flags
    assert copy["Subject"] == "Quarterly plan"
    assert [p.get_filename() for p in copy.iter_attachments()] == ["plan.pdf"]
    # It shows in the local store at once, without waiting for a sync.
    [hit] = mail.out("search", "in:sent", "--json")
    assert hit["subject"] == "Quarterly plan"
    [row] = mail.out("outbox", "--all", "--json")
    assert row["state"] == "done" and row["sent_at"]
    assert run("sync") == 0
    assert len(mail.out("search", "in:sent", "--json")) == 1
    assert len(mail.smtp.messages) == 1


def test_reply_all_threads_and_lands_in_sent(
    mail: Mailroom,
) -> None:
    me = mail.me
    original = simple_message(
        "Budget 2025",
        "Can you check the numbers?",
        from_="Ann <ann@example.org>",
        to=f"Me <{me}>, Bob <bob@example.org>",
        message_id="<budget-1@example.org>",
    )
    mail.deliver(original)
    mail.synced()
    mid = mail.message_id("budget")
    mail.stdin("The numbers look right.\n")
    assert run("reply", str(mid), "--all") == 0
    [got] = mail.smtp.messages
    assert sorted(got.rcpt_tos) == ["ann@example.org", "bob@example.org"]  # never myself
    sent = BytesParser(policy=email.policy.default).parsebytes(got.data)
    assert sent["Subject"] == "Re: Budget 2025"
    assert sent["In-Reply-To"] == "<budget-1@example.org>"
    assert sent["References"] == "<budget-1@example.org>"
    body = sent.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert body.startswith("The numbers look right.")
    assert "> Can you check the numbers?" in body
    assert mail.subjects("Sent") == ["Re: Budget 2025"]
    # The reply joins the conversation at once, and the original is marked answered.
    hits = mail.out("search", "budget", "--json")
    assert len(hits) == 2 and len({h["conversation_id"] for h in hits}) == 1
    [(_uid, flags, _m)] = mail.messages("INBOX")
    assert b"\\Answered" in flags


def test_each_triage_action_reaches_the_server(
    mail: Mailroom,
    capsys: pytest.CaptureFixture[str],
) -> None:
    names = ["Read me", "Flag me", "Archive me", "Delete me", "Done me", "Snooze me", "Junk me"]
    for name in names:
        mail.deliver(simple_message(name, "body"))
    mail.deliver(simple_message("Kick-off", "notes"), folder="Projects")
    mail.synced()
    ids = {name: mail.message_id(f'subject:"{name}"') for name in names}
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
    inbox = mail.inbox_flags()
    assert set(inbox) == {"Read me", "Flag me", "Done me", "Snooze me"}
    assert b"\\Seen" in inbox["Read me"] and b"\\Flagged" not in inbox["Read me"]
    assert b"\\Flagged" in inbox["Flag me"]
    assert b"$unibox-done" in inbox["Done me"]
    assert b"$unibox-snoozed-20990102T0930Z" in inbox["Snooze me"]
    assert mail.subjects("Archive") == ["Archive me"]
    assert mail.subjects("Trash") == ["Delete me"]
    [(_u, junk_flags, _m)] = mail.messages("Junk")
    assert b"$Junk" in junk_flags
    # And back: unread, unflag; a second delete (from the trash) removes it for good.
    assert run("mark", str(ids["Read me"]), "unread") == 0
    assert run("mark", str(ids["Flag me"]), "unflag") == 0
    assert run("mark", str(ids["Delete me"]), "delete") == 0
    inbox = mail.inbox_flags()
    assert b"\\Seen" not in inbox["Read me"] and b"\\Flagged" not in inbox["Flag me"]
    assert mail.subjects("Trash") == []
    # Not junk after all: back to the inbox, marked so the server's filter learns.
    assert run("mark", str(ids["Junk me"]), "notjunk") == 0
    inbox = mail.inbox_flags()
    assert b"$NotJunk" in inbox["Junk me"] and b"$Junk" not in inbox["Junk me"]
    assert mail.subjects("Junk") == []
    # Moved to a folder by name, from wherever it is now (the archive).
    assert run("mark", str(ids["Archive me"]), "move:Projects") == 0
    assert mail.subjects("Projects") == ["Kick-off", "Archive me"]
    assert mail.subjects("Archive") == []
    # A sync afterwards agrees with all of it and duplicates nothing.
    assert run("sync") == 0
    assert mail.out("stats", "--json")["messages"] == len(names)  # one deleted, Kick-off
    assert mail.out("search", "archive", "--json")[0]["folder"] == "Projects"


def test_kill_between_smtp_accept_and_sent_append_never_sends_twice(
    mail: Mailroom,
    test_keyring: Path,
    tmp_path: Path,
) -> None:
    mail.synced()
    body = tmp_path / "body.txt"
    body.write_text("Exactly once, please.\n")
    env = subprocess_env(mail.profile, test_keyring)
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
    assert len(mail.smtp.messages) == 1
    assert mail.subjects("Sent") == []
    [row] = mail.out("outbox", "--json")
    assert row["state"] == "accepted"
    # The restart files it in Sent and does not send it again.
    assert run("sync") == 0
    assert run("sync") == 0
    assert len(mail.smtp.messages) == 1
    assert mail.subjects("Sent") == ["Once"]
    assert mail.out("outbox", "--json") == []
    [row] = mail.out("outbox", "--all", "--json")
    assert row["state"] == "done"
    assert len(mail.out("search", "in:sent", "--json")) == 1


def test_a_send_interrupted_mid_smtp_is_looked_up_in_sent_before_any_resend(
    mail: Mailroom,
) -> None:
    """The process died during DATA, and the server had saved the message in Sent itself."""
    mail.synced()
    store = Store(store_path(mail.profile))
    item = queue_new(
        store, "Work", Outgoing(to=["ann@example.org"], subject="Maybe sent"), undo_seconds=0
    )
    with intent_write(store) as s:
        assert outbox.claim(s, item.id, int(time.time()))  # "sending", then the crash
        raw = outbox.raw_of(s, item.id)
    mail.deliver(raw, folder="Sent")
    later = datetime.now(UTC) + timedelta(seconds=outbox.SENDING_LEASE_SECONDS + 1)
    with store.read() as s:
        account = get_account(s, "Work")
    AccountWork(store, account, mail.dovecot.password, clock=lambda: later).run()
    assert mail.smtp.messages == []
    with store.read() as s:
        assert outbox.get_item(s, item.id).state == "done"
    # Not in Sent: then (and only then) it is sent again, with the same Message-ID.
    other = queue_new(
        store, "Work", Outgoing(to=["ann@example.org"], subject="Not sent"), undo_seconds=0
    )
    with intent_write(store) as s:
        assert outbox.claim(s, other.id, int(time.time()))
    AccountWork(store, account, mail.dovecot.password, clock=lambda: later).run()
    [got] = mail.smtp.messages
    assert f"<{other.message_id}>".encode() in got.data
    assert sorted(mail.subjects("Sent")) == ["Maybe sent", "Not sent"]


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--subject", "Hi\r\nBcc: victim@example.net", "The subject contains a line break"),
        ("--subject", "=?utf-8?q?Hi=0D=0ABcc:_victim@example.net?=", "encoded line break"),
        ("--to", "ann@example.org\r\nBcc: victim@example.net", "line break"),
        ("--to", "ann@example.org>, victim@example.net", "angle bracket"),
        ("--to", "Ann\nBcc: victim@example.net <ann@example.org>", "line break"),
        ("--cc", "bob@example.org\r\nBcc: victim@example.net", "line break"),
        ("--cc", "Bob\u2028Bcc: victim@example.net <bob@example.org>", "line break"),
        ("--subject", "Hi\x00Bcc: victim@example.net", "control character"),
    ],
)
def test_header_injection_is_refused_before_anything_is_queued(
    mail: Mailroom,
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
    said: str,
) -> None:
    mail.add_account()
    args = {"--to": "ann@example.org", "--subject": "Hello", option: value}
    mail.stdin("text\n")
    capsys.readouterr()
    assert run("send", "--account", "Work", *(x for kv in args.items() for x in kv)) == 1
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1
    assert mail.out("outbox", "--all", "--json") == []
    assert mail.smtp.messages == []


def test_an_attachment_name_with_a_line_break_is_refused(
    mail: Mailroom,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mail.add_account()
    hostile = tmp_path / "report\r\nBcc: victim@example.net.pdf"
    hostile.write_bytes(b"%PDF")
    mail.stdin("text\n")
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
    assert mail.smtp.messages == []


HOSTILE_ORIGINAL = (
    b"From: =?utf-8?q?Ann=0D=0ABcc:_victim@example.net?= <ann@example.org>\r\n"
    b"To: Me <ME>\r\nSubject: =?utf-8?q?Plans=0D=0ABcc:_victim@example.net?=\r\n"
    b"Message-ID: <plans-1@example.org\r\n Bcc: victim@example.net>\r\n"
    b"In-Reply-To: <a@example.org>\r\n\tBcc: victim@example.net\r\n"
    b"References: <root@example.org> <x@y\r\n Bcc: victim@example.net>\r\n"
    b"Date: Fri, 14 Mar 2025 09:00:00 +0000\r\nContent-Type: text/plain\r\n\r\n"
    b"Shall we meet?\r\n"
)


@pytest.mark.parametrize("command", ["reply", "reply-all", "forward"])
def test_a_reply_or_forward_to_hostile_headers_injects_nothing(
    mail: Mailroom, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Line breaks hidden in the original's name, subject, Message-ID and References
    never become header lines of what is sent: what arrives has no Bcc, goes to the
    recipients only, and each header is one line."""
    mail.deliver(HOSTILE_ORIGINAL.replace(b"ME", mail.me.encode()))
    mail.synced()
    mid = str(mail.message_id("meet"))
    mail.stdin("Yes.\n")
    args = {
        "reply": ("reply", mid),
        "reply-all": ("reply", mid, "--all"),
        "forward": ("forward", mid, "--to", "bob@example.org"),
    }[command]
    capsys.readouterr()
    code = run(*args)
    # A reply must still be possible: the original's junk is cleaned, not sent, not fatal.
    assert code == 0, capsys.readouterr().err
    [got] = mail.smtp.messages
    assert "victim@example.net" not in got.rcpt_tos
    assert got.rcpt_tos == (("bob@example.org",) if command == "forward" else ("ann@example.org",))
    head = got.data.split(b"\r\n\r\n", 1)[0]
    names = [
        line.split(b":", 1)[0].lower() for line in head.split(b"\r\n") if line[:1] not in b" \t"
    ]
    assert b"bcc" not in names
    assert len(names) == len(set(names)) or names.count(b"received") > 1


def test_a_second_profile_sees_done_snoozed_and_follow_up(
    mail: Mailroom,
    tmp_path: Path,
) -> None:
    for name in ("Contract", "Invoice"):
        mail.deliver(simple_message(name, "text"))
    laptop = tmp_path / "laptop"
    mail.add_account()
    mail.add_account(laptop)
    assert run("sync") == 0
    contract = mail.message_id("contract")
    invoice = mail.message_id("invoice")
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
    laptop_contract = mail.message_id("contract", profile=laptop)
    assert run("--profile", str(laptop), "mark", str(laptop_contract), "undone") == 0
    assert run("sync") == 0
    assert not _triage_of(mail.profile, "Contract").done
    assert _triage_of(mail.profile, "Contract").followup_due == when
    assert mail.out("followups", "--json") == []  # due only in 2099


def test_snooze_and_follow_up_surface_at_their_time(
    mail: Mailroom,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Time is moved by an injected clock, never slept."""
    me = mail.me
    mail.deliver(simple_message("Call me back", "tomorrow?"))
    mail.deliver(
        simple_message(
            "Proposal",
            "Here it is.",
            from_=f"Me <{me}>",
            to="Ann <ann@example.org>",
            message_id="<proposal-1@example.com>",
        ),
        folder="Sent",
    )
    mail.add_account()
    store, account = mail.store_and_account()
    runner = SyncRunner(store, SecretStore())
    t0 = datetime.now(UTC)
    clock = {"now": t0}
    runner.clock = lambda: clock["now"]
    try:
        runner.sync_once(account)
        call = mail.message_id("call")
        proposal = mail.message_id("proposal")
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
        [(_u, flags, _m)] = [m for m in mail.messages("INBOX") if m[2]["Subject"] == "Call me back"]
        assert not any(f.startswith(b"$unibox-snoozed") for f in flags)
        assert followups(clock["now"]) == []
        clock["now"] = t0 + timedelta(days=1, minutes=1)
        assert followups(clock["now"]) == [proposal]  # no answer by then: it surfaces
        capsys.readouterr()
        mail.deliver(
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
    mail: Mailroom,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mail.synced()
    at = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    for subject in ("Later", "Never"):
        mail.stdin("text\n")
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
    rows = mail.out("outbox", "--json")
    assert [(r["subject"], r["state"]) for r in rows] == [("Later", "queued"), ("Never", "queued")]
    assert datetime.fromisoformat(rows[0]["send_at"]) == at
    capsys.readouterr()
    assert run("outbox") == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in listing] == ["queued", "queued"]
    assert "Later" in listing[0] and "ann@example.org" in listing[0]
    assert run("outbox", "--cancel", str(rows[1]["id"])) == 0
    assert run("sync") == 0
    assert mail.smtp.messages == []
    store, account = mail.store_and_account()
    later = at + timedelta(seconds=1)
    AccountWork(store, account, mail.dovecot.password, clock=lambda: later).run()
    assert [str(m.data).count("Subject: Later") for m in mail.smtp.messages] == [1]
    assert mail.subjects("Sent") == ["Later"]
    states = {r["subject"]: r["state"] for r in mail.out("outbox", "--all", "--json")}
    assert states == {"Later": "done", "Never": "cancelled"}
    capsys.readouterr()
    assert run("outbox", "--cancel", str(rows[0]["id"])) == 1
    assert "can no longer be undone" in capsys.readouterr().err


def test_unreachable_smtp_keeps_the_message_queued_with_the_reason(
    mail: Mailroom,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mail.add_account()
    mail.smtp.stop()
    mail.stdin("text\n")
    capsys.readouterr()
    assert run("send", "--account", "Work", "--to", "ann@example.org", "--subject", "Queued") == 1
    err = capsys.readouterr().err
    assert "refused the connection" in err and "stays in the outbox" in err
    [row] = mail.out("outbox", "--json")
    assert row["state"] == "queued" and "refused the connection" in row["last_error"]
    assert row["next_attempt_at"] is not None
    # The server is back: the next due attempt sends it, once.
    mail.smtp.start()
    store = Store(store_path(mail.profile))
    with store.write() as s:
        account = get_account(s, "Work")
        s.execute(
            update(Account)
            .where(Account.id == account.id)
            .values(
                settings_json=replace(
                    account.settings, smtp=replace(account.settings.smtp, port=mail.smtp.port)
                ).to_json()
            )
        )  # type: ignore[arg-type]
    with store.read() as s:
        account = get_account(s, "Work")
    soon = datetime.now(UTC) + timedelta(minutes=2)
    AccountWork(store, account, mail.dovecot.password, clock=lambda: soon).run()
    AccountWork(store, account, mail.dovecot.password, clock=lambda: soon).run()
    assert len(mail.smtp.messages) == 1
    assert mail.out("outbox", "--json") == []


def test_conflicts_with_another_client_never_lose_a_message(
    mail: Mailroom,
) -> None:
    """Changes made here while offline meet changes another client made meanwhile."""
    for name in ("Moved elsewhere", "Flagged elsewhere", "Deleted elsewhere"):
        mail.deliver(simple_message(name, "text"))
    mail.synced()
    moved = mail.message_id('subject:"Moved elsewhere"')
    flagged = mail.message_id('subject:"Flagged elsewhere"')
    deleted = mail.message_id('subject:"Deleted elsewhere"')
    store = Store(store_path(mail.profile))
    act(store, [moved], Action(ActionKind.ARCHIVE))  # recorded here, not pushed yet
    act(store, [flagged], Action(ActionKind.READ))
    act(store, [deleted], Action(ActionKind.FLAG))
    other = mail.dovecot.imap(mail.user)
    try:
        other.select_folder("INBOX")
        by_subject = {str(m["Subject"]): uid for uid, _f, m in mail.messages("INBOX")}
        other.move([by_subject["Moved elsewhere"]], "Junk")
        other.add_flags([by_subject["Flagged elsewhere"]], [b"\\Flagged"])
        other.delete_messages([by_subject["Deleted elsewhere"]])
        other.expunge()
    finally:
        other.logout()
    assert run("sync") == 0
    # The move found its message gone from the inbox: it stays where the other client put it.
    assert mail.subjects("Junk") == ["Moved elsewhere"]
    assert mail.out("search", "moved", "--json")[0]["folder"] == "Junk"
    # Both flag changes are kept: read (here) and flagged (there).
    [(_u, flags, _m)] = mail.messages("INBOX")
    assert b"\\Seen" in flags and b"\\Flagged" in flags
    hit = mail.out("search", "flagged", "--json")[0]
    assert not hit["unread"] and hit["flagged"]
    assert mail.out("search", "deleted", "--json") == []
    assert mail.out("stats", "--json")["messages"] == 2


def test_forward_carries_the_attachments(
    mail: Mailroom,
) -> None:
    original = email.message.EmailMessage()
    original["From"] = "Ann <ann@example.org>"
    original["To"] = mail.me
    original["Subject"] = "Signed contract"
    original["Message-ID"] = "<contract-1@example.org>"
    original.set_content("Attached.")
    original.add_attachment(
        b"%PDF signed", maintype="application", subtype="pdf", filename="contract.pdf"
    )
    mail.deliver(original.as_bytes(policy=email.policy.SMTP))
    mail.synced()
    mail.stdin("For your files.\n")
    assert run("forward", str(mail.message_id("contract")), "--to", "legal@example.org") == 0
    [got] = mail.smtp.messages
    sent = BytesParser(policy=email.policy.default).parsebytes(got.data)
    assert sent["Subject"] == "Fwd: Signed contract"
    assert sent["References"] == "<contract-1@example.org>"
    [att] = list(sent.iter_attachments())  # type: ignore[attr-defined]
    assert att.get_filename() == "contract.pdf" and att.get_content() == b"%PDF signed"


def test_watch_pushes_a_change_made_locally_within_seconds(
    mail: Mailroom,
) -> None:
    """The window changes the store; a running `sync --watch` engine carries it to the server."""
    mail.deliver(simple_message("Watch me", "text"))
    mail.synced()
    mid = mail.message_id("watch")
    store, account = mail.store_and_account()
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
            [(_u, flags, _m)] = mail.messages("INBOX")
            flagged = b"\\Flagged" in flags
            time.sleep(0.2)
        assert flagged
    finally:
        stop.set()
        worker.join(15)
        runner.close()


def test_a_connection_lost_during_data_is_checked_before_sending_again(
    mail: Mailroom,
) -> None:
    mail.synced()
    store = Store(store_path(mail.profile))
    item = queue_new(
        store, "Work", Outgoing(to=["ann@example.org"], subject="Flaky"), undo_seconds=0
    )
    with store.read() as s:
        account = get_account(s, "Work")
    calls: list[str] = []

    def lost(*_args: object, **_kw: object) -> SendResult:
        calls.append("lost")
        raise DeliveryUnknown("The connection was lost while handing the message over.")

    now = datetime.now(UTC)
    AccountWork(store, account, mail.dovecot.password, clock=lambda: now, send=lost).run()
    with store.read() as s:
        row = outbox.get_item(s, item.id)
    assert row.state == "unconfirmed" and "lost" in row.last_error  # maybe sent: wait, check
    AccountWork(store, account, mail.dovecot.password, clock=lambda: now, send=lost).run()
    assert calls == ["lost"]  # not again before the lease ends
    later = now + timedelta(seconds=UNKNOWN_RETRY_SECONDS + 1)
    AccountWork(store, account, mail.dovecot.password, clock=lambda: later).run()
    # Not in Sent: it may still have gone, so only the person may send it again.
    assert mail.smtp.messages == []
    with store.read() as s:
        row = outbox.get_item(s, item.id)
    assert row.awaits_decision and row.last_error == outbox.MAY_HAVE_BEEN_SENT
    with intent_write(store) as s:
        send_now(s, item.id, int(later.timestamp()))
    AccountWork(store, account, mail.dovecot.password, clock=lambda: later).run()
    assert len(mail.smtp.messages) == 1
    assert mail.subjects("Sent") == ["Flaky"]


def test_a_wrong_smtp_password_keeps_the_message_with_a_sentence(
    mail: Mailroom,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mail.add_account()
    mail.smtp.add_user(mail.user, "a-different-password")
    mail.stdin("text\n")
    capsys.readouterr()
    assert run("send", "--account", "Work", "--to", "ann@example.org", "--subject", "Auth") == 1
    err = capsys.readouterr().err
    assert "rejected the user name or password" in err and mail.dovecot.password not in err
    [row] = mail.out("outbox", "--json")
    assert row["state"] == "queued" and "rejected the user name or password" in row["last_error"]
    assert mail.smtp.messages == []
