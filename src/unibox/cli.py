"""The `unibox` command: the window by default, plus headless commands.

A stable contract: scripts and tests rely on the commands, their JSON and
their exit codes (0 success, 1 failure with a one-line reason on stderr,
2 a usage error).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from unibox import __version__
from unibox.config import SYNC_INTERVAL, Settings, profile_dir, store_path
from unibox.core.errors import UserError
from unibox.core.identity import normalize_email

log = logging.getLogger("unibox.cli")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="unibox", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"unibox {__version__}")
    p.add_argument("--profile", help="profile directory (default: $UNIBOX_PROFILE or per-user)")
    p.add_argument("--demo", action="store_true", help="open the window on a fresh demo profile")
    p.add_argument("-v", "--verbose", action="store_true", help="log what happens to stderr")
    sub = p.add_subparsers(dest="command")

    acc = sub.add_parser("account", help="add, list or remove accounts").add_subparsers(
        dest="account_command", required=True
    )
    add = acc.add_parser("add-mail", help="add an IMAP/SMTP mail account")
    add.add_argument("--name", required=True)
    add.add_argument("--email", required=True)
    add.add_argument("--display-name", default="")
    add.add_argument("--imap-host", required=True)
    add.add_argument("--imap-port", type=int, required=True)
    add.add_argument("--imap-security", choices=["ssl", "starttls", "plain"], default="ssl")
    add.add_argument("--smtp-host")
    add.add_argument("--smtp-port", type=int)
    add.add_argument("--smtp-security", choices=["ssl", "starttls", "plain"], default="ssl")
    add.add_argument("--username", required=True)
    add.add_argument("--password-stdin", action="store_true", required=True)
    add.add_argument("--ca-file", default="", help="trust this CA certificate (PEM)")
    add.add_argument("--fingerprint", default="", help="pin the server certificate's SHA-256")
    ls = acc.add_parser("list", help="list accounts")
    ls.add_argument("--json", action="store_true")
    rm = acc.add_parser("remove", help="remove an account and its local mail")
    rm.add_argument("name")

    sy = sub.add_parser("sync", help="fetch new mail")
    sy.add_argument("--account", help="only this account")
    sy.add_argument("--watch", action="store_true", help="keep running: push via IDLE")

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

    se = sub.add_parser("search", help="search the local store")
    se.add_argument("query", nargs="+")
    se.add_argument("--limit", type=int, default=50)
    se.add_argument("--json", action="store_true")

    st = sub.add_parser("stats", help="counts of what the store holds")
    st.add_argument("--json", action="store_true")
    for module in COMMAND_MODULES:
        _COMMANDS.update(module.register(sub))
    return p


class CommandModule(Protocol):
    """A module adding commands: `register` adds its parsers and returns their handlers.

    Keep such modules light to import; import heavy things inside handlers.
    """

    def register(self, sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]: ...


# Commands of later capabilities (sending, people, ...) live in their own modules.
COMMAND_MODULES: tuple[CommandModule, ...] = (
    importlib.import_module("unibox.cli_mail_actions"),
    importlib.import_module("unibox.cli_people"),
    importlib.import_module("unibox.cli_events"),
)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    if args.command is None:
        from unibox.app import run_gui

        return run_gui(profile=args.profile, demo=args.demo)
    try:
        return _COMMANDS[args.command](args)
    except UserError as exc:
        print(f"unibox: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def store_for(args: argparse.Namespace) -> Any:
    """The Store of the --profile in `args` (for command modules)."""
    return _store(args)


def _profile(args: argparse.Namespace) -> Path:
    return profile_dir(args.profile)


def _store(args: argparse.Namespace) -> Any:
    from unibox.store.store import Store

    try:
        return Store(store_path(_profile(args)))
    except OSError as exc:
        raise UserError(f"The profile could not be opened: {exc.strerror or exc}.") from None


def _cmd_account(args: argparse.Namespace) -> int:
    from unibox.secrets import SecretStore
    from unibox.store import accounts

    store = _store(args)
    if args.account_command == "list":
        with store.read() as s:
            found = accounts.list_accounts(s)
        if args.json:
            print(json.dumps([_account_json(a) for a in found], indent=2))
        else:
            for a in found:
                imap = a.settings.imap
                print(f"{a.name}\t{a.email}\t{imap.host}:{imap.port} ({imap.security})")
        return 0
    if args.account_command == "remove":
        from unibox.account_service import remove_account

        remove_account(store, SecretStore(), args.name)
        return 0
    return _add_mail(args, store)


def _add_mail(args: argparse.Namespace, store: Any) -> int:
    from unibox.account_service import create_mail_account
    from unibox.channels.imap_conn import is_loopback
    from unibox.secrets import SecretStore
    from unibox.store import accounts

    if not normalize_email(args.email):
        raise UserError(f"“{args.email}” is not an e-mail address.")
    for host, sec, what in (
        (args.imap_host, args.imap_security, "IMAP"),
        (args.smtp_host, args.smtp_security, "SMTP"),
    ):
        if host and sec == "plain" and not is_loopback(host):
            raise UserError(f"Unencrypted {what} is allowed only to this computer, not to {host}.")
    if args.ca_file and not os.path.isfile(args.ca_file):
        raise UserError(f"The CA file “{args.ca_file}” does not exist.")
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserError("No password was given on standard input.")
    settings = accounts.MailSettings(
        imap=accounts.MailServer(args.imap_host, args.imap_port, args.imap_security),
        smtp=accounts.MailServer(args.smtp_host, args.smtp_port or 465, args.smtp_security)
        if args.smtp_host
        else None,
        username=args.username,
        ca_file=os.path.abspath(args.ca_file) if args.ca_file else "",
        fingerprint=args.fingerprint,
    )
    create_mail_account(
        store,
        SecretStore(),
        name=args.name,
        email=args.email,
        display_name=args.display_name,
        settings=settings,
        password=password,
    )
    return 0


def _account_json(a: Any) -> dict[str, Any]:
    s = a.settings
    return {
        "name": a.name,
        "kind": a.kind,
        "email": a.email,
        "imap": {"host": s.imap.host, "port": s.imap.port, "security": s.imap.security},
        "smtp": {"host": s.smtp.host, "port": s.smtp.port, "security": s.smtp.security}
        if s.smtp
        else None,
        "username": s.username,
        "last_sync_at": a.last_sync_at,
        "last_error": a.last_error,
    }


def _cmd_sync(args: argparse.Namespace) -> int:
    from unibox.cli_progress import ProgressLine
    from unibox.secrets import SecretStore
    from unibox.store import accounts
    from unibox.sync.runner import SyncFailure, SyncRunner, Wake

    store = _store(args)
    with store.read() as s:
        targets = (
            [accounts.get_account(s, args.account)] if args.account else accounts.list_accounts(s)
        )
    book_watch = _book_watch(args, store) if args.watch else None
    if not targets and book_watch is None:
        raise UserError("There are no accounts yet; add one with “unibox account add-mail”.")
    progress = ProgressLine(sys.stderr)

    def report(failure: SyncFailure) -> None:
        progress.clear()
        if args.watch:  # one-shot failures are printed once, below
            print(f"unibox: {failure.account}: {failure.message}", file=sys.stderr)

    runner = SyncRunner(store, SecretStore(), on_progress=progress.update, on_error=report)
    failed = False
    try:
        if args.watch:
            interval = float(Settings(_profile(args)).get(SYNC_INTERVAL))
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
            for t in threads:
                t.start()
            try:
                for t in threads:
                    t.join()
            finally:
                stop.set()
            return 0
        for account in targets:
            try:
                runner.sync_once(account)
            except UserError as exc:
                progress.clear()
                print(f"unibox: {account.name}: {exc}", file=sys.stderr)
                failed = True
    finally:
        progress.clear()
        runner.close()
    return 1 if failed else 0


def _book_watch(args: argparse.Namespace, store: Any) -> Any:
    """The address-book schedule for `sync --watch`, or None when no book is set up."""
    from unibox.config import phone_region
    from unibox.secrets import SecretStore
    from unibox.sync.book_watch import AddressBookWatch

    watch = AddressBookWatch(store, SecretStore(), region=phone_region(_profile(args)))
    return watch if watch.has_books() else None


def _cmd_folders(args: argparse.Namespace) -> int:
    from unibox.store import accounts, folders

    store = _store(args)
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


def _cmd_search(args: argparse.Namespace) -> int:
    from unibox.core.query import parse_query
    from unibox.store.queries import search

    query = parse_query(" ".join(args.query))
    store = _store(args)
    with store.read() as s:
        results = search(s, query, limit=max(1, args.limit))
    if args.json:
        print(json.dumps([r.as_json() for r in results], indent=2, ensure_ascii=False))
        return 0
    for r in results:
        sender = r.from_name or r.from_email
        print(f"{r.id:>7}  {r.date:%Y-%m-%d}  {sender[:24]:<24}  {r.subject}")
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    from unibox.store.queries import stats

    store = _store(args)
    with store.read() as s:
        counts = stats(s)
    if args.json:
        print(json.dumps(counts, indent=2))
    else:
        for key, value in counts.items():
            print(f"{key:>24}: {value}")
    return 0


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "account": _cmd_account,
    "sync": _cmd_sync,
    "folders": _cmd_folders,
    "search": _cmd_search,
    "stats": _cmd_stats,
}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
