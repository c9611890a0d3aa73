"""What makes two places on a server hold the same message: its header block and size.

A copy (IMAP COPY or MOVE, the copy in Sent, a renumbered folder) keeps the
bytes, so the header block and RFC822.SIZE are the same; distinct messages
that share a Message-ID (mailing lists, broken mailers, resent mail) differ
in a header or in size. Both are known from a headers-only fetch, so the key
is the same whether a message first arrived as headers or whole.
"""

from __future__ import annotations

import hashlib


def header_block(raw: bytes) -> bytes:
    """The header fields of `raw` (a whole message or BODY[HEADER]), without the blank line."""
    # Only the header is searched twice: a 50 MB message is not scanned for "\n\n".
    end = raw.find(b"\r\n\r\n")
    lf = raw.find(b"\n\n", 0, end if end >= 0 else len(raw))
    if lf >= 0:
        end = lf
    head = raw[:end] if end >= 0 else raw
    return head.rstrip(b"\r\n")


def content_key(raw: bytes, size: int) -> str:
    """A short text that is equal for copies of one message and differs for distinct ones."""
    digest = hashlib.blake2b(header_block(raw), digest_size=16).hexdigest()
    return f"{size}:{digest}"
