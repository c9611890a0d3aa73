"""A copy is recognised whether it first arrived as headers or whole."""

from __future__ import annotations

from unibox.core.content_key import content_key, header_block

HEAD = b"From: ann@example.org\r\nMessage-ID: <same@x>\r\nSubject: Weekly\r\n"
WHOLE = HEAD + b"\r\nThe aardvark project.\r\n"


def test_headers_only_and_whole_give_one_key() -> None:
    # IMAP BODY[HEADER] ends with the blank line; RFC822.SIZE is the whole message's.
    assert content_key(HEAD + b"\r\n", len(WHOLE)) == content_key(WHOLE, len(WHOLE))
    assert header_block(b"A: b\nC: d\n\nbody\r\n\r\nx") == b"A: b\nC: d"
    assert header_block(b"A: b\r\nC: d") == b"A: b\r\nC: d"  # no body at all


def test_distinct_messages_with_one_message_id_differ() -> None:
    other = HEAD.replace(b"ann@", b"bob@") + b"\r\nThe aardvark project.\r\n"
    assert content_key(other, len(other)) != content_key(WHOLE, len(WHOLE))
    longer = WHOLE + b"More.\r\n"  # same header, another body
    assert content_key(longer, len(longer)) != content_key(WHOLE, len(WHOLE))
