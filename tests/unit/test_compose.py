"""Replies and forwards as the people in the conversation would see them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from tests.helpers.mailgen import simple_message
from unibox.core.compose import (
    forward_draft,
    original_attachments,
    quote,
    reply_draft,
    reply_recipients,
    reply_subject,
)
from unibox.core.items import Address, ParsedMessage, ParseState
from unibox.core.mime import parse_message
from unibox.core.outgoing import OutgoingAttachment, build_message
from unibox.core.triage import (
    TriageState,
    keyword_changes,
    keywords_for,
    state_from_keywords,
)

ME = Address("me@example.com", "Me")
WHEN = datetime(2024, 3, 1, 10, 30, tzinfo=UTC)


def _original(**kw: object) -> ParsedMessage:
    fields: dict[str, object] = {
        "state": ParseState.COMPLETE,
        "message_id": "orig@example.org",
        "references": ("root@example.org",),
        "in_reply_to": "root@example.org",
        "subject": "Budget",
        "from_": (Address("ann@example.org", "Ann"),),
        "to": (Address("ME@example.com", "Me"), Address("bob@example.org", "Bob")),
        "cc": (Address("carol@example.org", "Carol"), Address("alias@example.com")),
        "date": WHEN,
        "text": "Can you check the numbers?\n\nThanks",
    }
    fields.update(kw)
    return ParsedMessage(**fields)  # type: ignore[arg-type]


def test_reply_subject_gets_one_prefix() -> None:
    assert reply_subject("Budget") == "Re: Budget"
    assert reply_subject("RE: Budget") == "RE: Budget"
    assert reply_subject("Re: Budget") == "Re: Budget"
    assert reply_subject("Fwd: Budget") == "Re: Fwd: Budget"
    assert reply_subject("") == "Re:"


def test_reply_threads_and_quotes() -> None:
    draft = reply_draft(_original(), me=ME, my_addresses=[], body="Looks fine.")
    assert draft.to == (Address("ann@example.org", "Ann"),)
    assert draft.cc == ()
    assert draft.in_reply_to == "orig@example.org"
    assert draft.references == ("root@example.org", "orig@example.org")
    assert draft.text.startswith("Looks fine.\n\nOn Fri, 01 Mar 2024 at 10:30, Ann <ann@")
    assert "> Can you check the numbers?\n>\n> Thanks" in draft.text
    built = build_message(draft, message_id="r.1@example.com", date=WHEN)
    back = parse_message(built.raw)
    assert back.in_reply_to == "orig@example.org"
    assert back.references == ("root@example.org", "orig@example.org")
    assert back.subject == "Re: Budget"


def test_reply_all_leaves_out_my_own_addresses() -> None:
    to, cc = reply_recipients(_original(), ["me@example.com", "Alias@Example.com"], reply_all=True)
    assert [a.email for a in to] == ["ann@example.org"]
    assert [a.email for a in cc] == ["bob@example.org", "carol@example.org"]


def test_reply_to_header_wins_and_replying_to_myself_goes_to_my_recipients() -> None:
    to, _ = reply_recipients(
        _original(reply_to=(Address("list@example.org"),)), [ME.email], reply_all=False
    )
    assert [a.email for a in to] == ["list@example.org"]
    mine = _original(from_=(ME,), to=(Address("dan@example.org"),), cc=())
    to, cc = reply_recipients(mine, [ME.email], reply_all=True)
    assert [a.email for a in to] == ["dan@example.org"] and cc == ()


def test_forward_carries_the_original_attachments() -> None:
    original = build_message(
        replace(
            reply_draft(_original(), me=ME, my_addresses=[], body="x"),
            attachments=(OutgoingAttachment("plan.pdf", b"%PDF plan"),),
        ),
        message_id="with.att@example.com",
        date=WHEN,
    ).raw
    parsed = parse_message(original)
    draft = forward_draft(parsed, original, me=ME, to=(Address("zed@example.org"),), body="FYI")
    assert draft.subject == "Fwd: Re: Budget"
    assert [a.filename for a in draft.attachments] == ["plan.pdf"]
    assert draft.attachments[0].data == b"%PDF plan"
    assert draft.text.startswith("FYI\n\n---------- Forwarded message ----------")
    assert original_attachments(simple_message("x", "y")) == ()


def test_quote_keeps_nested_quotes_compact() -> None:
    assert quote("a\n> b\n\nc") == "> a\n>> b\n>\n> c"
    assert quote("   ") == ""


def test_triage_round_trips_through_keywords() -> None:
    state = TriageState(
        done=True,
        snoozed_until=1_709_290_800,
        followup_due=1_709_377_200,
        followup_if_no_reply=True,
    )
    flags = keywords_for(state)
    assert flags == {
        "$unibox-done",
        "$unibox-snoozed-20240301T1100Z",
        "$unibox-followup-noreply-20240302T1100Z",
    }
    assert state_from_keywords([*flags, "\\Seen", "$Junk"]) == state
    assert state_from_keywords(["$UNIBOX-DONE"]).done
    add, remove = keyword_changes(state, TriageState(done=True))
    assert add == set()
    assert remove == flags - {"$unibox-done"}
