"""JSON read a record at a time (ijson): a gigabyte export in bounded memory.

`walk` yields the values found at the prefixes asked for (ijson's dotted
prefixes, "item" for an array's element: "chats.list.item.messages.item"),
in document order, each with its JSON path ("chats.list[2].messages[40]")
for a report. Objects are built whole (one message, not the whole chat);
the rest of the document is only stepped over. A file that is cut short or
not JSON ends the walk with `Broken` (where it broke), never an exception.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import IO, Any

import ijson

_OPEN = ("start_map", "start_array")
_CLOSE = ("end_map", "end_array")


@dataclass(frozen=True, slots=True)
class Found:
    prefix: str
    value: Any
    path: str


@dataclass(frozen=True, slots=True)
class Broken:
    path: str  # the last place read well
    reason: str


def walk(
    f: IO[bytes], objects: Collection[str], scalars: Collection[str] = ()
) -> Iterator[Found | Broken]:
    """The values at `objects` (whole) and `scalars` (any scalar there), in order."""
    counts: dict[str, int] = {}
    builder: Any = None
    depth = 0
    started = Found("", None, "")
    last = "$"
    try:
        for prefix, event, value in ijson.parse(f, use_float=True):
            if builder is not None:
                builder.event(event, value)
                depth += 1 if event in _OPEN else -1 if event in _CLOSE else 0
                if depth == 0:
                    yield Found(started.prefix, builder.value, started.path)
                    builder = None
                continue
            if event not in _CLOSE and event != "map_key":
                if prefix == "item" or prefix.endswith(".item"):
                    array = prefix[:-5]
                    counts[array] = counts.get(array, -1) + 1
                if event == "start_array":
                    counts[prefix] = -1
            if prefix in objects and event not in _CLOSE and event != "map_key":
                last = _path(prefix, counts)
                if event in _OPEN:
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                    depth = 1
                    started = Found(prefix, None, last)
                else:
                    yield Found(prefix, value, last)
            elif prefix in scalars and event not in _OPEN + _CLOSE and event != "map_key":
                last = _path(prefix, counts)
                yield Found(prefix, value, last)
    except ijson.JSONError as exc:
        where = started.path if builder is not None else last
        yield Broken(where, _reason(exc))


def _reason(exc: Exception) -> str:
    text = str(exc)
    if "ncomplete" in text or "premature" in text.lower():
        return "the file ends early (cut short?): the rest could not be read"
    return f"not JSON from here on ({text[:80]})"


def _path(prefix: str, counts: dict[str, int]) -> str:
    """ "chats.list.item.messages.item" as "chats.list[2].messages[40]"."""
    out: list[str] = []
    so_far = ""
    for part in prefix.split(".") if prefix else []:
        if part == "item":
            out.append(f"[{counts.get(so_far, 0)}]")
        else:
            out.append(("." if out else "") + part)
        so_far = f"{so_far}.{part}" if so_far else part
    return "".join(out) or "$"


def items(f: IO[bytes], prefix: str = "item") -> Iterator[Found | Broken]:
    """The elements of the array at `prefix` (a whole file's top-level array by default)."""
    return walk(f, (prefix,))
