"""From a stored message to a compose window's content, and from the window to the outbox.

No Qt here: these run on the bridge's task threads.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from unibox.core.address_list import format_address, parse_address_list
from unibox.core.compose import forward_draft, reply_draft
from unibox.core.errors import UserError
from unibox.core.header_safety import UnsafeHeaderError
from unibox.core.items import Address
from unibox.core.outgoing import Draft, OutgoingAttachment
from unibox.store import outbox
from unibox.store.accounts import AccountInfo, list_accounts
from unibox.store.channels import channel_of
from unibox.store.outbox import OutboxItem
from unibox.store.store import Store
from unibox.ui.compose.state import AttachmentRef, ComposeState

FIELD_LABELS = {"to": "To", "cc": "Cc", "bcc": "Bcc"}


def sending_accounts(store: Store) -> list[AccountInfo]:
    """Mail accounts that have an address to send from."""
    with store.read() as s:
        return [a for a in list_accounts(s) if a.email and channel_of(a.kind) == "email"]


def _addresses(addresses: tuple[Address, ...]) -> str:
    return ", ".join(format_address(a) for a in addresses)


def prepare_reply(store: Store, message_id: int, *, reply_all: bool) -> ComposeState:
    """A reply's recipients, subject, threading and quote, the cursor above the quote."""
    from unibox.services.mail import my_addresses, original_message  # loaded on first use

    account, original, _raw = original_message(store, message_id)
    draft = reply_draft(
        original,
        me=Address(account.email, account.display_name),
        my_addresses=my_addresses(store),
        body="",
        reply_all=reply_all,
    )
    return ComposeState(
        account_id=account.id,
        to=_addresses(draft.to),
        cc=_addresses(draft.cc),
        subject=draft.subject,
        body=draft.text,  # starts with an empty line to write on, one more before the quote
        cursor=0,
        reply_to_message_id=message_id,
        in_reply_to=draft.in_reply_to,
        references=draft.references,
    )


def prepare_forward(store: Store, message_id: int) -> ComposeState:
    """A forward: the original inline below an empty line, its attachments carried along."""
    from unibox.services.mail import original_message  # the send path loads on first use

    account, original, raw = original_message(store, message_id)
    draft = forward_draft(
        original, raw, me=Address(account.email, account.display_name), to=(), body=""
    )
    return ComposeState(
        account_id=account.id,
        subject=draft.subject,
        body="\n\n" + draft.text,
        cursor=0,
        attachments=[
            AttachmentRef(a.filename, len(a.data), data=a.data) for a in draft.attachments
        ],
        references=draft.references,
    )


def prepare_edit(store: Store, outbox_id: int) -> ComposeState:
    """A waiting outbox message back in a window: cancelled first, so it cannot leave."""
    from unibox.core.compose import original_attachments
    from unibox.core.identity import normalize_email
    from unibox.core.mime import parse_message
    from unibox.store.intent import intent_write

    with intent_write(store) as s:
        item = outbox.cancel(s, outbox_id)
        raw = outbox.raw_of(s, outbox_id)
    parsed = parse_message(raw)
    shown = {normalize_email(a.email) for a in (*parsed.to, *parsed.cc)}
    bcc = [r for r in item.recipients if normalize_email(r) not in shown]
    return ComposeState(
        account_id=item.account_id,
        to=_addresses(parsed.to),
        cc=_addresses(parsed.cc),
        bcc=", ".join(bcc),
        subject=parsed.subject,
        body=parsed.text.rstrip("\n") + "\n",
        attachments=[
            AttachmentRef(a.filename, len(a.data), data=a.data) for a in original_attachments(raw)
        ],
        reply_to_message_id=item.reply_to_message_id,
        in_reply_to=parsed.in_reply_to,
        references=parsed.references,
    )


def address_problem(text: str, label: str) -> str | None:
    """A sentence when a recipient field cannot be read with certainty, else None."""
    try:
        parse_address_list(text, label=f"The {label} field")
    except UnsafeHeaderError as exc:
        return f"{label}: {exc}"
    return None


def attachment_problem(path: Path, total: int = 0) -> str | None:
    """A sentence when a file cannot be attached (unreadable, a folder, too large)."""
    from unibox.services.mail import MAX_ATTACHMENTS_BYTES  # the send path loads on first use

    try:
        if path.is_dir():
            return f"“{path.name}” is a folder; only files can be attached."
        size = path.stat().st_size
        with path.open("rb"):
            pass
    except OSError as exc:
        return f"“{path.name}” cannot be read: {exc.strerror or exc}."
    if total + size > MAX_ATTACHMENTS_BYTES:
        return f"“{path.name}” would bring the attachments above 50 MB; share it as a link."
    return None


def _read(attachments: list[AttachmentRef]) -> tuple[OutgoingAttachment, ...]:
    from unibox.services.mail import MAX_ATTACHMENTS_BYTES  # the send path loads on first use

    found: list[OutgoingAttachment] = []
    total = 0
    for a in attachments:
        if a.data is not None:
            data = a.data
        else:
            try:
                data = Path(a.path).read_bytes()
            except OSError as exc:
                raise UserError(
                    f"The attachment “{a.name}” can no longer be read: {exc.strerror or exc}."
                ) from None
        total += len(data)
        if total > MAX_ATTACHMENTS_BYTES:
            raise UserError("The attachments add up to more than 50 MB; share them as a link.")
        found.append(OutgoingAttachment(a.name, data))
    return tuple(found)


def queue_composed(
    store: Store, state: ComposeState, *, send_at: datetime | None, undo_seconds: int
) -> tuple[OutboxItem, AccountInfo]:
    """Build the message exactly as the window shows it and put it in the outbox."""
    from unibox.services.mail import account_by_id, queue_draft  # the send path loads on first use

    if state.account_id is None:
        raise UserError("Choose the account to send from.")
    account = account_by_id(store, state.account_id)
    fields = {}
    for key, label in FIELD_LABELS.items():
        try:
            fields[key] = parse_address_list(getattr(state, key), label=f"The {label} field")
        except UnsafeHeaderError as exc:
            raise UserError(f"{label}: {exc}") from None
    draft = Draft(
        from_=Address(account.email, account.display_name),
        to=fields["to"],
        cc=fields["cc"],
        bcc=fields["bcc"],
        subject=state.subject.strip(),
        text=state.body.rstrip() + "\n",
        attachments=_read(state.attachments),
        in_reply_to=state.in_reply_to,
        references=state.references,
    )
    if not draft.recipients:
        raise UserError("Add at least one recipient in To, Cc or Bcc.")
    item = queue_draft(
        store,
        account,
        draft,
        send_at=send_at,
        undo_seconds=undo_seconds,
        reply_to_message_id=state.reply_to_message_id,
    )
    return item, account
