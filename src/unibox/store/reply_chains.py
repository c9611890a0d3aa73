"""Reply-chain evidence: someone answered, from another address, mail the user sent
to one person only. Often the same person on a second address; only ever a suggestion
(an assistant answering for their boss looks the same)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from unibox.store.schema import Handle, Message, Participant


def reply_chain_pairs(
    session: Session, live: dict[int, str], focus: set[int]
) -> list[tuple[int, int, str]]:
    """(addressee, replier, sentence) for replies from someone the mail was not sent to."""
    reply, parent = aliased(Message), aliased(Message)
    sender, recipient = aliased(Handle), aliased(Handle)
    rows = session.execute(
        select(
            parent.id,
            parent.subject,
            recipient.person_id,
            recipient.value,
            sender.person_id,
            sender.value,
        )
        .select_from(reply)
        .join(
            parent,
            (parent.account_id == reply.account_id)
            & (parent.message_id_header == reply.in_reply_to),
        )
        .join(sender, sender.id == reply.sender_handle_id)
        .join(Participant, Participant.message_id == parent.id)
        .join(recipient, recipient.id == Participant.handle_id)
        .where(
            reply.direction == "in",
            reply.in_reply_to != "",
            reply.deleted_at.is_(None),
            parent.direction == "out",
            Participant.role.in_(("to", "cc")),
        )
    )
    sent_to: dict[int, set[tuple[int, str]]] = {}
    replies: dict[int, tuple[str, int, str]] = {}
    for parent_id, subject, to_pid, to_value, from_pid, from_value in rows:
        if to_pid in live:  # the user's own addresses are not live contacts
            sent_to.setdefault(parent_id, set()).add((to_pid, to_value))
        replies[parent_id] = (subject, from_pid, from_value)
    pairs = []
    for parent_id, (subject, from_pid, from_value) in replies.items():
        people = sent_to.get(parent_id, set())
        if len({p for p, _v in people}) != 1 or from_pid not in live:
            continue
        [(to_pid, to_value)] = list(people)[:1]
        if to_pid != from_pid and (to_pid in focus or from_pid in focus):
            detail = f"{from_value} answered “{subject}”, which you sent only to {to_value}."
            pairs.append((to_pid, from_pid, detail))
    return pairs
