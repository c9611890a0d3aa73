"""Text from a message as it may be shown: nothing invisible that changes what is read.

Mail is written by strangers. C0 and C1 control characters (NUL, ESC starting
a terminal colour code, backspace) draw as boxes or nothing, or as "€" once a
NUL passes through a legacy codec; bidi overrides (U+202D, U+202E) reverse the
letters after them, so "invoice\u202egpj.exe" reads as "invoiceexe.jpg".
Header fields (a subject, a display name) are one line and never need bidi
controls at all; a body keeps embeddings and isolates, which right-to-left
writers use and which cannot reverse Latin letters, and loses only overrides.
"""

from __future__ import annotations

import re

# Tab and newline stay in a body; everything else below U+0020, DEL and C1 go.
_BODY_HIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202d\u202e]")
# One-line fields: also tab and newline, and every bidi embedding, override and
# isolate (U+202A-U+202E, U+2066-U+2069), as the "Trojan Source" advisories list.
_LINE_HIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACED = str.maketrans("\t\r\n", "   ")


def visible_body(text: str) -> str:
    """`text` without control characters (but tab and newline) and bidi overrides."""
    return _BODY_HIDDEN.sub("", text) if _BODY_HIDDEN.search(text) else text


def visible_line(text: str) -> str:
    """A one-line field without control characters or bidi controls; tabs and line
    breaks become spaces (so an encoded CR/LF cannot glue two words together)."""
    if not _LINE_HIDDEN.search(text):
        return text
    return _LINE_HIDDEN.sub("", text.translate(_SPACED))
