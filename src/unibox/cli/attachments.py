"""`unibox attachments MESSAGE_ID [--save N [--to PATH]]`: list a message's attachments, save one.

The same for mail and chat: a chat attachment not downloaded yet is fetched
from its server on --save, and kept, so the next save needs no network.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from unibox.cli.context import store_for
from unibox.core.errors import UserError


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    at = sub.add_parser(
        "attachments", help="list a message's attachments; save one (chat media downloads then)"
    )
    at.add_argument("message_id", type=int, metavar="MESSAGE_ID")
    at.add_argument("--save", type=int, metavar="N", help="save attachment N (1 is the first)")
    at.add_argument("--to", type=Path, metavar="PATH", help="file or folder to save into")
    at.add_argument("--json", action="store_true")
    return {"attachments": _cmd_attachments}


def _cmd_attachments(args: argparse.Namespace) -> int:
    from unibox.services.attachments import list_attachments

    store = store_for(args)
    if args.save is not None:
        return _save(args, store)
    rows = list_attachments(store, args.message_id)
    if args.json:
        print(json.dumps([r.as_json() for r in rows], indent=2))
        return 0
    if not rows:
        print(f"Message {args.message_id} has no attachments.")
    for r in rows:
        state = "" if r.kept else "  (on the server until opened)"
        print(f"{r.position + 1}. {r.filename}  {r.content_type}, {r.size:,} bytes{state}")
    return 0


def _save(args: argparse.Namespace, store: Any) -> int:
    from unibox.secrets import SecretStore
    from unibox.services.attachments import attachment_data

    if args.save < 1:
        raise UserError("--save counts from 1 (the first attachment).")
    data = attachment_data(store, SecretStore(), args.message_id, args.save - 1)
    target: Path = args.to or Path.cwd()
    if target.is_dir():
        target = target / data.filename
    if target.exists():
        raise UserError(f"{target} exists already; give another --to.")
    partial = target.with_name(target.name + ".part")
    try:
        partial.write_bytes(data.data)
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"{target} could not be written: {exc.strerror or exc}.") from None
    print(f"Saved “{data.filename}” ({len(data.data):,} bytes) to {target}.")
    return 0
