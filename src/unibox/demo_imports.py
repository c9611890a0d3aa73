"""The demo's imported history: a WhatsApp chat and a LinkedIn export (resources/demo/imports.json).

Each is written out in its export's own format (WhatsApp's Android text with a
UK clock, LinkedIn's Connections.csv and messages.csv), moved by the demo's
date shift, and read by the real importers through `services.imports`, as
`unibox import` would read a download. The WhatsApp contact is the demo's
Tomás (his chat name joins his mail), LinkedIn's people join theirs by e-mail.
"""

from __future__ import annotations

import csv
import json
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

from unibox.core.items import ChangeSet
from unibox.store.store import Store

BERLIN = timezone(timedelta(hours=1))
_LINKEDIN = "https://www.linkedin.com/in/"


def _when(at: str, shift: timedelta) -> datetime:
    return datetime.fromisoformat(at).replace(tzinfo=BERLIN) + shift


def write_whatsapp(folder: Path, chat: dict[str, Any], me: str, shift: timedelta) -> Path:
    """The chat as WhatsApp's Android export writes it ("24/02/2025, 19:02 - Name: text")."""
    path = folder / f"WhatsApp Chat with {chat['with']}.txt"
    first = _when(chat["lines"][0][0], shift).astimezone()
    lines = [
        f"{first:%d/%m/%Y, %H:%M} - Messages and calls are end-to-end encrypted. No one outside "
        "of this chat, not even WhatsApp, can read or listen to them. Tap to learn more."
    ]
    for at, who, text in chat["lines"]:
        local = _when(at, shift).astimezone()  # the phone's wall clock
        lines.append(f"{local:%d/%m/%Y, %H:%M} - {me if who == 'me' else chat['with']}: {text}")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def write_linkedin(folder: Path, data: dict[str, Any], shift: timedelta) -> Path:
    """Connections.csv and messages.csv in a folder, as the unpacked download has them."""
    export = folder / "Basic_LinkedInDataExport"
    export.mkdir()
    people = {c[2]: f"{c[0]} {c[1]}" for c in data["connections"]}
    with (export / "Connections.csv").open("w", encoding="utf-8", newline="") as f:
        f.write('Notes:\n"Some e-mail addresses may be missing."\n\n')
        w = csv.writer(f)
        w.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
                    "Connected On"])  # fmt: skip
        for first, last, slug, email, company, position, since in data["connections"]:
            w.writerow([first, last, _LINKEDIN + slug, email, company, position, since])
    me = (data["me"]["name"], _LINKEDIN + data["me"]["slug"])
    with (export / "messages.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
                    "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER"])  # fmt: skip
        for conv in data["conversations"]:
            them = (people[conv["with"]], _LINKEDIN + conv["with"])
            for at, who, text in reversed(conv["lines"]):  # newest first, as LinkedIn writes
                sender, to = (me, them) if who == "me" else (them, me)
                stamp = _when(at, shift).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
                w.writerow([conv["id"], "", sender[0], sender[1], to[0], to[1], stamp, "", text,
                            "INBOX"])  # fmt: skip
    return export


def add_demo_imports(
    store: Store, source: Path, shift: timedelta, my_name: str
) -> tuple[int, ChangeSet]:
    """Import the demo's WhatsApp and LinkedIn history; (messages stored, what changed)."""
    from unibox.services.imports import import_path
    from unibox.store.person_edit import add_handle
    from unibox.store.schema import Handle

    data: dict[str, Any] = json.loads(source.read_text("utf-8"))
    chat = data["whatsapp"]
    with store.write() as s:  # his chat name is on his card: the chat joins his mail
        person = s.scalar(
            select(Handle.person_id).where(Handle.kind == "email", Handle.value == chat["email"])
        )
        if person is not None:
            add_handle(s, person, "whatsapp", chat["with"])
    changes = ChangeSet()
    count = 0
    with tempfile.TemporaryDirectory(prefix="unibox-demo-") as tmp:
        folder = Path(tmp)
        for path in (
            write_whatsapp(folder, chat, my_name, shift),
            write_linkedin(folder, data["linkedin"], shift),
        ):
            report = import_path(store, path, "DE", my_name)
            count += report.messages
            changes.merge(report.changes)
    return count, changes
