"""Signature blocks: what a person lists under their own mail, and nothing quoted."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from unibox.core.identity import EMAIL, MASTODON, MATRIX, PHONE, XMPP
from unibox.core.signature import MAX_SCAN_CHARS, signature_block, signature_handles

CORPORATE = """Hi Tom,

the signed draft is attached.

Best regards,
Ana Lima
Head of Legal, Acme AG
T +41 44 668 18 00 | Fax +41 44 668 18 01 | M 079 123 45 67
ana.lima@acme.example · xmpp: ana@jabber.example
Matrix: @ana:matrix.example   Mastodon: @ana@chaos.example

On Mon, 3 May 2025 at 10:00, Tom Baker <tom@baker.example> wrote:
> Hi Ana,
> call me at +41 44 111 11 11 or tom.private@baker.example
> --
> Tom
"""


def _pairs(body: str, region: str = "", name: str = "") -> set[tuple[str, str]]:
    return {(h.kind, h.value) for h in signature_handles(body, region, name)}


def test_a_corporate_signature_gives_every_kind_of_handle_and_skips_fax_and_quote() -> None:
    assert _pairs(CORPORATE, "CH", "Ana Lima") == {
        (PHONE, "+41446681800"),
        (PHONE, "+41791234567"),  # written without country code: read in the user's region
        (EMAIL, "ana.lima@acme.example"),
        (XMPP, "ana@jabber.example"),
        (MATRIX, "@ana:matrix.example"),
        (MASTODON, "ana@chaos.example"),
    }


def test_without_a_region_only_international_numbers_are_read() -> None:
    phones = {v for k, v in _pairs(CORPORATE, "", "Ana Lima") if k == PHONE}
    assert phones == {"+41446681800"}


def test_the_dash_dash_delimiter_and_profile_links() -> None:
    body = (
        "Sounds good, see you Tuesday.\n\n-- \nBob Stone\n+1 415 555 0132\n"
        "https://mastodon.example/@bobstone\nhttps://matrix.to/#/@bob:example.org\n"
    )
    assert _pairs(body) == {
        (PHONE, "+14155550132"),
        (MASTODON, "bobstone@mastodon.example"),
        (MATRIX, "@bob:example.org"),
    }


def test_a_name_line_opens_the_block_when_there_is_no_closing() -> None:
    body = "Please find the invoice attached.\n\nCarla Reyes\nReyes Consulting\n+34 912 345 678\n"
    assert _pairs(body, "ES", "Carla Reyes") == {(PHONE, "+34912345678")}
    # Without the name there is no way to tell where the letter ends: nothing is read.
    assert _pairs(body, "ES") == set()


def test_top_posted_reply_keeps_my_signature_not_the_outlook_quote() -> None:
    body = (
        "Agreed.\n\nViele Grüße\nJonas Weber\n+49 30 1234567\n\n"
        "-----Original Message-----\nFrom: Tom Baker\nSent: Monday\n\n"
        "Regards,\nTom\n+44 20 7946 0958\n"
    )
    assert _pairs(body, "DE") == {(PHONE, "+49301234567")}
    outlook = (
        "Agreed.\n\nFrom: Tom Baker <tom@x.example>\nSent: Monday\nTo: Jonas\n\n"
        "Thanks,\nTom\n+44 20 7946 0958\n"
    )
    assert _pairs(outlook) == set()


def test_a_message_that_is_only_a_quote_has_no_signature() -> None:
    body = "On Tuesday Ana wrote:\n> Best,\n> Ana\n> +41 44 668 18 00\n"
    assert signature_block(body, "Ana") == []
    forwarded = "FYI\n\n---------- Forwarded message ---------\nBest,\nZoe\n+41 44 668 18 00\n"
    assert _pairs(forwarded, "", "Zoe") == set()


def test_closing_far_above_the_end_is_the_letter_not_its_signature() -> None:
    body = "Thanks\n" + "\n".join(f"point {i}: call +41 44 668 18 0{i % 10}" for i in range(40))
    assert _pairs(body) == set()


def test_a_huge_hostile_body_is_read_only_up_to_its_bound() -> None:
    # Megabytes of digits, @ signs and closings; the handle past the bound is never read.
    junk = ("@a:b.c 1234567890 x@y.z Best,\n" * 200_000) + "-- \n+41 44 668 18 00\n"
    start = time.process_time()
    found = _pairs(junk)
    assert time.process_time() - start < 30  # a guard against runaway work, not a benchmark
    assert (PHONE, "+41446681800") not in found
    one_line = "x" * (MAX_SCAN_CHARS * 4)
    assert _pairs(one_line) == set()


@settings(max_examples=60, deadline=None)
@given(
    body=st.text(max_size=3000),
    tail=st.lists(st.text(max_size=200), max_size=20),
)
def test_any_text_gives_a_bounded_block_and_valid_handles(body: str, tail: list[str]) -> None:
    text = body + "\n-- \n" + "\n".join(tail)
    block = signature_block(text)
    assert len(block) <= 12 and all(len(line) <= 160 for line in block)
    for h in signature_handles(text, "US"):
        assert h.kind in (EMAIL, PHONE, XMPP, MATRIX, MASTODON) and h.value


@settings(max_examples=40, deadline=None)
@given(
    name=st.from_regex(r"[A-Z][a-z]{2,8} [A-Z][a-z]{2,10}", fullmatch=True),
    closing=st.sampled_from(["Best,", "Kind regards,", "Cheers", "Mit freundlichen Grüßen", "--"]),
    local=st.from_regex(r"[a-z]{3,10}", fullmatch=True),
    quoted=st.booleans(),
)
def test_realistic_shapes_find_the_address(
    name: str, closing: str, local: str, quoted: bool
) -> None:
    body = f"Hello,\n\nsee below.\n\n{closing}\n{name}\nmail: {local}@corp.example\n"
    if quoted:
        body += f"\nOn Friday someone wrote:\n> {closing}\n> Eve\n> eve@else.example\n"
    assert _pairs(body, "", name) == {(EMAIL, f"{local}@corp.example")}
