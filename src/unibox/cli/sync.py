"""`unibox sync` and `unibox folders`: fetch what is new; choose what to sync."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Callable
from typing import Any

from unibox.cli.context import profile, store_for
from unibox.config import SYNC_INTERVAL, Settings
from unibox.core.errors import UserError


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    sy = sub.add_parser("sync", help="fetch new mail and chat messages")
    sy.add_argument("--account", help="only this account")
    sy.add_argument(
        "--watch", action="store_true", help="keep running: push via IDLE, chat stays live"
    )

    fo = sub.add_parser("folders", help="list folders; choose which ones to sync")
    fo.add_argument("--account", help="only this account")
    fo.add_argument(
        "--exclude",
        metavar="FOLDER",
        action="append",
        default=[],
        help="stop syncing this folder (repeatable)",
    )
    fo.add_argument(
        "--include",
        metavar="FOLDER",
        action="append",
        default=[],
        help="sync this folder again (repeatable)",
    )
    fo.add_argument("--json", action="store_true")
    return {"sync": _cmd_sync, "folders": _cmd_folders}


def _per_message_problems(raw_only: int, not_stored: int) -> list[str]:
    """What a sync could not do for single messages; the rest of the sync went on."""
    notes = []
    if raw_only:
        notes.append(
            f"{raw_only} message{'s' if raw_only > 1 else ''} could not be stored as read and "
            "are kept as their raw source (unibox stats: messages_partial)."
        )
    if not_stored:
        notes.append(
            f"{not_stored} message{'s' if not_stored > 1 else ''} could not be stored; "
            "the next sync tries again."
        )
    return notes


def _cmd_sync(args: argparse.Namespace) -> int:
    from unibox.cli.sync_calendars import CalendarSync
    from unibox.config import store_path

    calendars = CalendarSync(store_path(profile(args)), lambda: store_for(args), args.account)
    if args.watch:
        return _sync(args, calendars)
    calendars.start()  # beside the mail, on its own thread
    try:
        code = _sync(args, calendars)
    finally:
        said = calendars.wait()
    for line, _failed in said:
        print(f"unibox: {line}", file=sys.stderr)
    return max(code, 1 if any(failed for _line, failed in said) else 0)


def _sync(args: argparse.Namespace, calendars: Any) -> int:
    """Mail and chat (the calendars run beside them)."""
    only_calendars = bool(args.account and calendars)  # the name is a CalDAV account's
    if only_calendars and not args.watch:  # its calendars run beside: nothing else to do
        return 0
    unchanged: list[str] = []
    check = None
    if not args.watch:
        # Most runs find nothing new: ask the server before loading the ORM and the engine.
        from unibox.config import store_path
        from unibox.sync.nochange import quick_check

        check = quick_check(store_path(profile(args)), args.account)
        if check is not None:
            for name, why in check.unreachable.items():
                print(f"unibox: {name}: {why}", file=sys.stderr)
            if not check.changed:
                return 1 if check.unreachable else 0
            unchanged = [*check.unchanged, *check.unreachable]

    from unibox.store import accounts
    from unibox.store.chat_accounts import chat_accounts, is_chat_kind

    store = store_for(args)
    with store.read() as s:
        if only_calendars:  # a watch of one CalDAV account: its calendars, nothing else
            targets = []
        elif args.account:
            targets = [accounts.get_account(s, args.account)]
        else:
            targets = accounts.list_accounts(s)
        chats = [c for c in chat_accounts(s) if c.name in {a.name for a in targets}]
    targets = [
        a
        for a in targets
        if not is_chat_kind(a.kind) and a.kind != "import" and a.name not in unchanged
    ]
    book_watch = _book_watch(args, store) if args.watch and not only_calendars else None
    if not targets and not chats and book_watch is None and not calendars:
        raise UserError("There are no accounts yet; add one with “unibox account add-mail”.")
    progress: Any = None

    def report(failure: Any) -> None:
        if progress is not None:
            progress.clear()
        if args.watch:  # one-shot failures are printed once, below
            print(f"unibox: {failure.account}: {failure.message}", file=sys.stderr)

    # Chat first, on its own thread: it reads the network while the mail engine loads.
    chat_sync = _ChatSync(store, chats, watch=args.watch, report=report)
    chat_sync.start()
    if not targets and not args.watch:  # chat only: the mail engine is not even loaded
        problems = chat_sync.wait()
        for name, problem in problems.items():
            print(f"unibox: {name}: {problem}", file=sys.stderr)
        return 1 if problems else 0
    from unibox.cli.progress import ProgressLine
    from unibox.secrets import SecretStore
    from unibox.sync.runner import SyncRunner, Wake

    progress = ProgressLine(sys.stderr)
    runner = SyncRunner(store, SecretStore(), on_progress=progress.update, on_error=report)
    failed = False
    try:
        if args.watch:
            interval = float(Settings(profile(args)).get(SYNC_INTERVAL))
            stop = Wake()
            threads = [
                threading.Thread(target=runner.watch, args=(a, interval, stop), daemon=True)
                for a in targets
            ]
            if book_watch is not None:  # its own thread: a slow server never holds up mail
                book_watch.on_error = report
                threads.append(
                    threading.Thread(target=book_watch.watch, args=(interval, stop), daemon=True)
                )
            if calendars:
                say = lambda line: print(f"unibox: {line}", file=sys.stderr)  # noqa: E731
                threads.append(
                    threading.Thread(
                        target=calendars.watch, args=(interval, stop, say), daemon=True
                    )
                )
            for t in threads:
                t.start()
            try:
                for t in threads:
                    t.join()
                chat_sync.wait()
            finally:
                stop.set()
                chat_sync.stop()
            return 0
        for account in targets:
            try:
                done = runner.sync_once(account)
                for note in _per_message_problems(done.raw_only, done.not_stored):
                    progress.clear()
                    print(f"unibox: {account.name}: {note}", file=sys.stderr)
            except UserError as exc:
                progress.clear()
                print(f"unibox: {account.name}: {exc}", file=sys.stderr)
                failed = True
        failed = failed or bool(check is not None and check.unreachable)
        for name, problem in chat_sync.wait().items():
            progress.clear()
            print(f"unibox: {name}: {problem}", file=sys.stderr)
            failed = True
    finally:
        progress.clear()
        runner.close()
    return 1 if failed else 0


class _ChatSync:
    """The chat accounts of `unibox sync`: beside the mail, on their own thread and loop."""

    def __init__(self, store: Any, accounts: list[Any], *, watch: bool, report: Any) -> None:
        self.store = store
        self.accounts = accounts
        self.watch = watch
        self.report = report
        self.failed: dict[str, str] = {}
        self.engine: Any = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if not self.accounts:
            return
        from unibox.secrets import SecretStore

        if self.watch:
            from unibox.sync.chat_engine import ChatEngine

            self.engine = ChatEngine(self.store, SecretStore(), on_error=self._error)
            for account in self.accounts:
                self.engine.watch(account)
            return
        from unibox.sync.chat_engine import run_once

        def run() -> None:
            self.failed = run_once(self.store, SecretStore(), self.accounts)

        self.thread = threading.Thread(target=run, name="chat sync", daemon=True)
        self.thread.start()

    def _error(self, failure: Any) -> None:
        from unibox.sync.runner import SyncFailure

        self.report(SyncFailure(failure.account, failure.message, failure.retryable))

    def wait(self) -> dict[str, str]:
        if self.engine is not None:
            self.engine.wait()
        if self.thread is not None:
            self.thread.join()
        return self.failed

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.stop()


def _book_watch(args: argparse.Namespace, store: Any) -> Any:
    """The address-book schedule for `sync --watch`, or None when no book is set up."""
    from unibox.config import phone_region
    from unibox.secrets import SecretStore
    from unibox.sync.book_watch import AddressBookWatch

    watch = AddressBookWatch(store, SecretStore(), region=phone_region(profile(args)))
    return watch if watch.has_books() else None


def _cmd_folders(args: argparse.Namespace) -> int:
    from unibox.store import accounts, folders

    store = store_for(args)
    if (args.exclude or args.include) and not args.account:
        raise UserError("Say which account with --account.")
    with store.write() as s:
        targets = (
            [accounts.get_account(s, args.account)] if args.account else accounts.list_accounts(s)
        )
        for account in targets:
            for name, enabled in [(n, False) for n in args.exclude] + [
                (n, True) for n in args.include
            ]:
                folders.set_sync_enabled_by_name(s, account.id, name, enabled)
        rows = [
            {"account": a.name, **f.as_json()}
            for a in targets
            for f in folders.list_folders(s, a.id)
        ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for r in rows:
            mark = " " if r["sync"] else "✗"
            print(f"{mark} {r['account']}\t{r['name']}\t{r['role']}\t{r['messages']}")
    return 0
