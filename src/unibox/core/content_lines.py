"""Text values of iCalendar and vCard content lines: one way to read their backslash escapes.

Both formats escape a text value alike (RFC 5545 §3.3.11, RFC 6350 §3.4):
`\\n` or `\\N` is a line break, and a backslash before any other character
(`\\,` `\\;` `\\\\`) stands for that character.
"""

from __future__ import annotations


def unescape_text(value: str) -> str:
    """A text value as written, its escapes undone."""
    if "\\" not in value:
        return value
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)
