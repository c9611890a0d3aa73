"""Hostile mail: hand-written messages that broke mail clients before, and a Hypothesis
strategy that builds MIME trees out of the same bad pieces.

Shared by the tests (tests/ui/test_hostile_input.py, tests/integration/
test_hostile_sync.py) and benchmarks/bench_hostile.py, so the figures printed
there are for the very messages the tests hold to their bounds.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import strategies as st

CRLF = b"\r\n"


def _head(
    subject: bytes, extra: bytes = b"", sender: bytes = b"Mallory <mallory@example.net>"
) -> bytes:
    return (
        b"From: " + sender + CRLF + b"To: mira@castell-studio.example" + CRLF
        + b"Subject: " + subject + CRLF
        + b"Date: Fri, 14 Mar 2025 09:20:00 +0000" + CRLF
        + b"MIME-Version: 1.0" + CRLF + extra
    )  # fmt: skip


@dataclass(frozen=True)
class HostileCase:
    """One crafted message and what a reader must still see of it.

    Attributes:
        name: a short id (the test's parameter id).
        build: makes the raw bytes (some are large: built when needed).
        visible: a word that must appear in the reading pane (subject or body).
        subject_word: a word that must appear in the list row's subject.
    """

    name: str
    build: Callable[[str], bytes]  # the Message-ID's local part -> raw message
    visible: str
    subject_word: str


def _broken_boundary(mid: str) -> bytes:
    # The declared boundary is never used: the parts use another one.
    return (
        _head(b"Broken boundary", b'Content-Type: multipart/mixed; boundary="declared"\r\n')
        + f"Message-ID: <{mid}>\r\n\r\n".encode()
        + b"--actual\r\nContent-Type: text/plain\r\n\r\nboundaryword is here\r\n--actual--\r\n"
    )


def _missing_boundary(mid: str) -> bytes:
    return (
        _head(b"Missing boundary", b"Content-Type: multipart/mixed\r\n")
        + f"Message-ID: <{mid}>\r\n\r\n".encode()
        + b"--x\r\nContent-Type: text/plain\r\n\r\nnoboundaryword inside\r\n--x--\r\n"
    )


def _unterminated(mid: str) -> bytes:
    # A part that never ends, an unclosed multipart and a half-written header.
    return (
        _head(b"Unterminated parts", b'Content-Type: multipart/alternative; boundary="u"\r\n')
        + f"Message-ID: <{mid}>\r\n\r\n".encode()
        + b"--u\r\nContent-Type: text/plain\r\n\r\nunterminatedword\r\n"
        + b"--u\r\nContent-Type: text/html; charset=\r\nContent-Transfer-Enc"
    )


def deep_message(mid: str, depth: int = 50) -> bytes:
    opening = b"".join(
        f'--d{i}z\r\nContent-Type: multipart/mixed; boundary="d{i + 1}z"\r\n\r\n'.encode()
        for i in range(depth)
    )
    closing = b"".join(f"--d{i}z--\r\n".encode() for i in reversed(range(depth + 1)))
    return (
        _head(b"Fifty deep", b'Content-Type: multipart/mixed; boundary="d0z"\r\n')
        + f"Message-ID: <{mid}>\r\n\r\n".encode()
        + opening
        + f"--d{depth}z\r\nContent-Type: text/plain\r\n\r\ndeepword at the bottom\r\n".encode()
        + closing
    )


def _lying_types(mid: str) -> bytes:
    # An "image" that is text, "text" that is a PDF, HTML declared as plain, a
    # multipart leaf with no parts and a message/rfc822 that is not a message.
    pdf = base64.encodebytes(b"%PDF-1.4\n" + bytes(range(256)) * 8).replace(b"\n", CRLF)
    return (
        _head(b"Lying content types", b'Content-Type: multipart/mixed; boundary="l"\r\n')
        + f"Message-ID: <{mid}>\r\n\r\n".encode()
        + b"--l\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"<html><body><script>alert(1)</script><p>lyingword</p></body></html>\r\n"
        b"--l\r\nContent-Type: image/png\r\nContent-Disposition: inline\r\n\r\n"
        b"this is not a png at all\r\n"
        b"--l\r\nContent-Type: text/plain; charset=us-ascii\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + pdf + b"--l\r\n"
        b'Content-Type: multipart/related; boundary="never"\r\n\r\nno parts here\r\n'
        b"--l\r\nContent-Type: message/rfc822\r\n\r\n\x00\x01\x02 not a message\r\n--l--\r\n"
    )


def _unknown_charsets(mid: str) -> bytes:
    return (
        _head(
            b"=?x-klingon?q?tlhIngan=FF?= and =?utf-8?b?!!!?= charset word",
            b'Content-Type: multipart/mixed; boundary="c"\r\n',
        )
        + f"Message-ID: <{mid}>\r\n\r\n".encode()
        + b'--c\r\nContent-Type: text/plain; charset="x-klingon"\r\n\r\n'
        b"charsetword Qapla\xff\xfe\r\n"
        b'--c\r\nContent-Type: text/plain; charset="base64"\r\n\r\nsecond \xe9\r\n'
        b'--c\r\nContent-Type: text/html; charset="utf-7"\r\n\r\n+AGgAaQ-\r\n--c--\r\n'
    )


def _eight_bit_headers(mid: str) -> bytes:
    # Raw UTF-8, raw Latin-1 and bytes valid in neither, straight in the headers.
    return (
        b"From: Jos\xe9 \xff\xfe M\xc3\xbcller <jose@example.net>\r\n"
        b"To: \xe4\xbd\xa0\xe5\xa5\xbd <nihao@example.net>, \x80\x81 <x@example.net>\r\n"
        b"Subject: Gr\xc3\xbc\xc3\x9fe eightbitword \xe9t\xe9 \xc3\x28 \xf0\x28\x8c\x28\r\n"
        b"Date: Fri, 14 Mar 2025 09:20:00 +0000\r\n"
        + f"Message-ID: <{mid}>\r\n".encode()
        + b"Content-Type: text/plain\r\n\r\nbody \xe9\xff\r\n"
    )


def _long_header_line(mid: str) -> bytes:
    # One unfolded 200 KB Subject line, and a 200 KB X- header nobody reads.
    long = b"longword " + b"A" * (200 * 1024)
    return (
        _head(long, b"X-Padding: " + b"p" * (200 * 1024) + CRLF)
        + f"Message-ID: <{mid}>\r\nContent-Type: text/plain\r\n\r\nshort body\r\n".encode()
    )


def many_recipients(mid: str, count: int = 5000) -> bytes:
    to = b",\r\n ".join(f'"Person {i}" <p{i}@list{i % 97}.example>'.encode() for i in range(count))
    return (
        b"From: Broadcast <news@example.net>\r\nTo: " + to + CRLF
        + b"Cc: " + to + CRLF + b"Subject: Five thousand recipients crowdword\r\n"
        + f"Message-ID: <{mid}>\r\nContent-Type: text/plain\r\n\r\nhello all\r\n".encode()
    )  # fmt: skip


def _control_words(mid: str) -> bytes:
    # NUL, ESC (a terminal colour code), BEL, backspaces, a bidi override and an
    # encoded CR/LF ("Bcc:" injection) in encoded words of Subject and From.
    return (
        b"From: =?utf-8?q?Pay=00Pal=1B[31m=07=08=08?= <x@example.net>\r\n"
        b"To: mira@castell-studio.example\r\n"
        b"Subject: =?utf-8?q?controlword=00_=1B[2J=0D=0ABcc:_victim@example.org_=E2=80=AEgnp?=\r\n"
        b"Date: Fri, 14 Mar 2025 09:20:00 +0000\r\n"
        + f"Message-ID: <{mid}>\r\n".encode()
        + b"Content-Type: text/plain; charset=utf-8\r\n\r\nbody with a \x00 nul\r\n"
    )


def _attachment(name: bytes, data: bytes, ctype: bytes = b"application/octet-stream") -> bytes:
    return (
        b"--a\r\nContent-Type: " + ctype + b"\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="' + name + b'"\r\n\r\n'
        + base64.encodebytes(data).replace(b"\n", CRLF)
    )  # fmt: skip


def _hostile_names(mid: str) -> bytes:
    names = [
        b"../../../../home/mira/.bashrc",
        b"..\\..\\Windows\\System32\\evil.dll",
        b"/etc/passwd",
        b"invoice\xe2\x80\xaegpj.exe",  # shows as "invoiceexe.jpg"
        b"=?utf-8?q?report=00=0D=0A.pdf?=",
        b"CON.txt",
        b"...",
    ]
    return (
        _head(b"Attachment names namesword", b'Content-Type: multipart/mixed; boundary="a"\r\n')
        + f"Message-ID: <{mid}>\r\n\r\n".encode()
        + b"--a\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        + b"".join(_attachment(n, b"MZ payload") for n in names)
        + b"--a--\r\n"
    )


def _big_attachment(mid: str, size: int = 25 * 1024 * 1024) -> bytes:
    data = (bytes(range(256)) * (size // 256 + 1))[:size]
    return (
        _head(b"Big attachment bigword", b'Content-Type: multipart/mixed; boundary="a"\r\n')
        + f"Message-ID: <{mid}>\r\n\r\n".encode()
        + b"--a\r\nContent-Type: text/plain\r\n\r\nthe film is attached\r\n"
        + _attachment(b"film.mov", data, b"video/quicktime")
        + b"--a--\r\n"
    )


def _markup_in_headers(mid: str) -> bytes:
    # Markup where only text belongs: a label that guessed "rich text" would draw it.
    return (
        b"From: \"<b style='font-size:90px'>Your Bank</b>\" <x@example.net>\r\n"
        b"To: <img src=http://127.0.0.1:9/to.png> <mira@castell-studio.example>\r\n"
        b'Subject: <h1 style="font-size:400px">markupword</h1><img src="http://127.0.0.1:9/s.png">'
        b"<br><br><br><br><br><br><br><br><br><br><br><br><br>\r\n"
        b"Date: Fri, 14 Mar 2025 09:20:00 +0000\r\n"
        + f"Message-ID: <{mid}>\r\n".encode()
        + b"Content-Type: text/plain\r\n\r\n<b>not bold</b>\r\n"
    )


def _no_headers(mid: str) -> bytes:
    del mid  # nothing to put it in
    return b"\x00\xff garbageword without any header \x01\x02\r\n" * 40


CASES: tuple[HostileCase, ...] = (
    HostileCase("broken-boundary", _broken_boundary, "boundaryword", "Broken"),
    HostileCase("missing-boundary", _missing_boundary, "noboundaryword", "Missing"),
    HostileCase("unterminated", _unterminated, "unterminatedword", "Unterminated"),
    HostileCase("nested-50", deep_message, "deepword", "Fifty"),
    HostileCase("lying-types", _lying_types, "lyingword", "Lying"),
    HostileCase("unknown-charsets", _unknown_charsets, "charsetword", "charset"),
    HostileCase("8bit-headers", _eight_bit_headers, "eightbitword", "eightbitword"),
    HostileCase("200kb-header-line", _long_header_line, "longword", "longword"),
    HostileCase("5000-recipients", many_recipients, "crowdword", "crowdword"),
    HostileCase("control-chars-in-encoded-words", _control_words, "controlword", "controlword"),
    HostileCase("hostile-attachment-names", _hostile_names, "namesword", "namesword"),
    HostileCase("25mb-attachment", _big_attachment, "bigword", "bigword"),
    HostileCase("markup-in-headers", _markup_in_headers, "markupword", "markupword"),
    HostileCase("no-headers-at-all", _no_headers, "garbageword", ""),
)

# --- generated ---------------------------------------------------------------

_BAD_TEXT = st.sampled_from(
    [
        b"plain words",
        b"\x00\x01\x1b[31m",
        b"\xff\xfe\xe9",
        b"=?utf-8?q?=00=0D=0A?=",
        b"\xe2\x80\xae",
    ]
)
_CTYPES = st.sampled_from(
    [
        b"text/plain",
        b"text/html",
        b"text/plain; charset=x-unknown",
        b"text/plain; charset=utf-7",
        b"image/png",
        b"application/octet-stream",
        b"message/rfc822",
        b"multipart/mixed",  # a leaf claiming to be a multipart, without a boundary
        b"",
    ]
)
_ENCODINGS = st.sampled_from([b"", b"base64", b"quoted-printable", b"8bit", b"x-uuencode"])
_NAMES = st.sampled_from(
    [b"", b"../../etc/passwd", b"a\xe2\x80\xaegpj.exe", b"=?utf-8?q?x=00y?=", b"C:\\x.bat"]
)


@st.composite
def mime_trees(draw: st.DrawFn, depth: int = 0) -> bytes:
    """A MIME entity (headers and body) built from bad pieces, nested up to 6 deep."""
    if depth < 6 and draw(st.booleans()):
        boundary = draw(st.sampled_from([b"b", b"b b", b"", b"--", b"x" * 80]))
        declared = draw(st.sampled_from([boundary, b"other", None]))
        head = b"Content-Type: multipart/" + draw(st.sampled_from([b"mixed", b"alternative"]))
        if declared is not None:
            head += b'; boundary="' + declared + b'"'
        children = draw(st.lists(mime_trees(depth + 1), max_size=4))
        body = b"".join(b"--" + boundary + CRLF + child + CRLF for child in children)
        if draw(st.booleans()):
            body += b"--" + boundary + b"--" + CRLF
        return head + CRLF + CRLF + body
    head = b"Content-Type: " + draw(_CTYPES) + CRLF
    encoding = draw(_ENCODINGS)
    if encoding:
        head += b"Content-Transfer-Encoding: " + encoding + CRLF
    name = draw(_NAMES)
    if name:
        head += b'Content-Disposition: attachment; filename="' + name + b'"' + CRLF
    body = b" ".join(draw(st.lists(_BAD_TEXT, max_size=5)))
    return head + CRLF + body + CRLF


@st.composite
def hostile_messages(draw: st.DrawFn) -> bytes:
    """A whole message: bad header fields over a generated MIME tree."""
    subject = draw(_BAD_TEXT) + b" fuzzword"
    sender = draw(st.sampled_from([b"a@example.net", b"\xff <b@example.net>", b"<<>>", b""]))
    return b"From: " + sender + CRLF + b"Subject: " + subject + CRLF + draw(mime_trees())
