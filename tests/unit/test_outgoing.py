"""Outgoing mail as a recipient would see it, and header injection refused."""

from __future__ import annotations

import email.policy
from datetime import UTC, datetime
from email.parser import BytesParser

import pytest

from unibox.core.address_list import format_address, parse_address_list
from unibox.core.header_safety import UnsafeHeaderError
from unibox.core.items import Address
from unibox.core.mime import parse_message
from unibox.core.outgoing import Draft, OutgoingAttachment, build_message, make_message_id

WHEN = datetime(2024, 3, 1, 10, 30, tzinfo=UTC)
ME = Address("me@example.com", "Me Myself")


def _build(**kw: object) -> bytes:
    fields: dict[str, object] = {"from_": ME, "to": (Address("ann@example.org", "Ann"),)}
    fields.update(kw)
    draft = Draft(**fields)  # type: ignore[arg-type]
    return build_message(draft, message_id="abc.123@example.com", date=WHEN).raw


def _headers(raw: bytes) -> email.message.Message:
    return BytesParser(policy=email.policy.default).parsebytes(raw)


def test_a_plain_message_reads_back_as_written() -> None:
    raw = _build(subject="Quarterly numbers – café", text="Hello Ann,\nsee you.\n")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    p = parse_message(raw)
    assert p.subject == "Quarterly numbers – café"
    assert p.message_id == "abc.123@example.com"
    assert p.to == (Address("ann@example.org", "Ann"),)
    assert p.from_ == (ME,)
    assert "see you." in p.text
    assert p.date == WHEN


@pytest.mark.parametrize(
    "subject",
    [
        "Hi\r\nBcc: victim@example.net",
        "Hi\nBcc: victim@example.net",
        "Hi\rBcc: victim@example.net",
        "Hi\x00there",
        "Hi\u2028Bcc: victim@example.net",
        "Hi\x85Bcc: victim@example.net",
        "Hi\x0bBcc: x@y.z",
        "=?utf-8?q?Hi=0D=0ABcc:_victim@example.net?=",
        "=?utf-8?b?SGkNCkJjYzogdmljdGltQGV4YW1wbGUubmV0?=",
    ],
)
def test_line_breaks_in_the_subject_are_refused(subject: str) -> None:
    with pytest.raises(UnsafeHeaderError, match="The subject"):
        _build(subject=subject)


def test_injection_through_names_addresses_and_file_names_is_refused() -> None:
    bad_name = Address("ann@example.org", "Ann\r\nBcc: victim@example.net")
    with pytest.raises(UnsafeHeaderError, match="line break"):
        _build(to=(bad_name,))
    with pytest.raises(UnsafeHeaderError, match="A To address contains a line break"):
        _build(to=(Address("ann@example.org>\r\nBcc: v@x.net", ""),))
    with pytest.raises(UnsafeHeaderError, match="not a valid e-mail address"):
        _build(to=(Address("ann@example.org>, v@x.net", ""),))
    with pytest.raises(UnsafeHeaderError, match="not a valid e-mail address"):
        _build(cc=(Address("a b@example.org", ""),))
    with pytest.raises(UnsafeHeaderError, match="attachment name"):
        _build(attachments=(OutgoingAttachment("a\r\nBcc: v@x.net.txt", b"x"),))
    with pytest.raises(UnsafeHeaderError, match="percent-encoded"):
        _build(attachments=(OutgoingAttachment("a%0d%0aBcc.txt", b"x"),))
    with pytest.raises(UnsafeHeaderError, match="encoded line break"):
        _build(to=(Address("ann@example.org", "=?utf-8?q?Ann=0ABcc:_v@x.net?="),))
    with pytest.raises(UnsafeHeaderError, match="no recipient"):
        _build(to=())


def test_a_long_non_ascii_subject_folds_without_adding_headers() -> None:
    subject = "Ünïcödé " * 40
    raw = _build(subject=subject.strip())
    msg = _headers(raw)
    assert msg["Subject"] == subject.strip()
    assert msg.get_all("Bcc") is None


def test_bcc_is_envelope_only() -> None:
    draft = Draft(
        from_=ME,
        to=(Address("ann@example.org"),),
        cc=(Address("Bob@Example.org"),),
        bcc=(Address("secret@example.net"), Address("ann@EXAMPLE.org")),
        subject="x",
    )
    built = build_message(draft, message_id="x.1@example.com", date=WHEN)
    assert b"secret@example.net" not in built.raw
    assert built.recipients == ("ann@example.org", "Bob@Example.org", "secret@example.net")
    assert built.sender == "me@example.com"


def test_attachments_get_safe_names_and_types() -> None:
    raw = _build(
        text="See attached.",
        attachments=(
            OutgoingAttachment("../../etc/report.pdf", b"%PDF-1.4 data"),
            OutgoingAttachment("notes.txt", b"plain notes"),
        ),
    )
    msg = _headers(raw)
    parts = list(msg.iter_attachments())  # type: ignore[attr-defined]
    assert [p.get_filename() for p in parts] == ["report.pdf", "notes.txt"]
    assert parts[0].get_content_type() == "application/pdf"
    assert parts[0].get_payload(decode=True) == b"%PDF-1.4 data"


def test_message_ids_are_unique_and_use_the_senders_domain() -> None:
    a, b = make_message_id("me@example.com", WHEN), make_message_id("me@example.com", WHEN)
    assert a != b and a.endswith("@example.com")
    assert make_message_id("broken", WHEN).endswith("@unibox.invalid")


def test_address_lists_are_parsed_strictly() -> None:
    got = parse_address_list('Ann <ann@example.org>, "Doe, John" <john@example.org>; bob@x.org')
    assert got == (
        Address("ann@example.org", "Ann"),
        Address("john@example.org", "Doe, John"),
        Address("bob@x.org", ""),
    )
    assert format_address(got[1]) == '"Doe, John" <john@example.org>'
    for hostile in (
        "alice@example.org)<bob@example.org>",
        "ann@example.org\r\nBcc: v@x.net",
        "Ann <ann@example.org",
        "<a@x.org> <b@y.org>",
        "not an address",
    ):
        with pytest.raises(UnsafeHeaderError):
            parse_address_list(hostile)
