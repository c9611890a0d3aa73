"""A strict parser for the address lists a person types ("Ann <ann@x.org>, bob@y.org").

Not `email.utils.getaddresses`: on the Python here it has no strict mode
(CVE-2023-27043) and can turn "alice@x.org)<bob@y.org>" into a different
recipient than the one shown. Anything this parser cannot read with
certainty is refused with a sentence instead of being guessed.
"""

from __future__ import annotations

from collections.abc import Iterable

from unibox.core.header_safety import UnsafeHeaderError, check_addr_spec, check_text
from unibox.core.identity import normalize_email
from unibox.core.items import Address


def parse_address_list(text: str, *, label: str = "The address list") -> tuple[Address, ...]:
    """Every address in `text`, in order; raises UnsafeHeaderError when unsure."""
    check_text(label, text)
    return tuple(_parse_one(part) for part in _split(text) if part.strip())


def parse_addresses(values: Iterable[str], *, label: str) -> tuple[Address, ...]:
    """parse_address_list over several values (repeated command line options)."""
    return tuple(a for v in values for a in parse_address_list(v, label=label))


def take_entries(text: str) -> tuple[list[str], str]:
    """The entries of `text` ended by a comma or semicolon, and what follows the last one.

    For a field being typed in: "ann@x.org, Bob <b" gives (["ann@x.org"], " Bob <b").
    Separators inside quotes or angle brackets do not end an entry; never raises.
    """
    parts, rest, _balanced = _scan(text)
    return [p.strip() for p in parts if p.strip()], rest


def _split(text: str) -> list[str]:
    """Split on commas and semicolons outside quotes and angle brackets."""
    parts, rest, balanced = _scan(text)
    if not balanced:
        raise UnsafeHeaderError(f"“{text.strip()}” has an unclosed quote or angle bracket.")
    return [*parts, rest]


def _scan(text: str) -> tuple[list[str], str, bool]:
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    angle = 0
    for ch in text:
        if escaped:
            escaped = False
        elif quoted and ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif not quoted and ch == "<":
            angle += 1
        elif not quoted and ch == ">":
            angle -= 1
        elif not quoted and angle == 0 and ch in ",;":
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    return parts, "".join(current), not quoted and angle == 0


def _parse_one(part: str) -> Address:
    part = part.strip()
    if "<" not in part:
        check_addr_spec("The address", part)
        return _address(part, "")
    if not part.endswith(">") or part.count("<") != 1 or part.count(">") != 1:
        raise UnsafeHeaderError(f"“{part}” is not an address unibox can read with certainty.")
    name, _, rest = part.partition("<")
    addr = rest[:-1].strip()
    check_addr_spec("The address", addr)
    return _address(addr, _display_name(name.strip()))


def _display_name(name: str) -> str:
    if len(name) >= 2 and name[0] == name[-1] == '"':
        inner = name[1:-1]
        out: list[str] = []
        escaped = False
        for ch in inner:
            if escaped:
                out.append(ch)
                escaped = False
            elif ch == "\\":
                escaped = True
            else:
                out.append(ch)
        name = "".join(out)
    elif any(ch in name for ch in '()<>@,;:\\"[]'):
        # Unquoted, these would change where the address ends (CVE-2023-27043).
        raise UnsafeHeaderError(f"“{name}” needs quotes around it to be read with certainty.")
    return check_text(f"The name “{name[:60]}”", name)


def _address(addr: str, name: str) -> Address:
    if not normalize_email(addr):
        raise UnsafeHeaderError(f"“{addr}” is not a valid e-mail address.")
    return Address(email=addr, name=name)


def format_address(a: Address) -> str:
    """An address as a person reads it: Name <addr>, or just addr."""
    if not a.name:
        return a.email
    name = a.name
    if any(ch in name for ch in ',;<>@"()[]\\:'):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{a.email}>"
