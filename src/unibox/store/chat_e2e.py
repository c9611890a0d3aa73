"""How each stored chat message was end-to-end encrypted, as its channel said (Matrix).

The channel reports it as a chat change of action "e2e" (kept in `chat_change`
like edits and reactions): its text is the trust of the sender's device
("verified", "tofu", "changed", "unknown", "own"), "undecrypted" (its key has not come)
or "unreadable" (encrypted some way unibox cannot decrypt). A message
decrypted later gets a newer one; the newest counts.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from unibox.store.schema import Message
from unibox.store.schema_chat import ChatChange

E2E = "e2e"


def e2e_states(session: Session, message_ids: Sequence[int]) -> dict[int, str]:
    """{message id: how it was encrypted} for those of `message_ids` that were."""
    if not message_ids:
        return {}
    rows = session.execute(
        select(Message.id, ChatChange.text)
        .join(
            ChatChange,
            (ChatChange.account_id == Message.account_id)
            & (ChatChange.target == Message.remote_id),
        )
        .where(Message.id.in_(list(message_ids)), ChatChange.action == E2E)
        .order_by(ChatChange.id)
    )
    return {mid: state for mid, state in rows}
