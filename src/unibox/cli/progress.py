"""A one-line progress display for `unibox sync` on a terminal; silent otherwise."""

from __future__ import annotations

from typing import TextIO

from unibox.sync.mail import Progress

_PHASES = {"folders": "listing folders", "headers": "headers", "bodies": "messages"}


class ProgressLine:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self._shown = False

    def update(self, p: Progress) -> None:
        if not self.enabled or p.phase == "done":
            return
        what = _PHASES.get(p.phase, p.phase)
        if p.total:
            width = 24
            filled = int(width * p.done / p.total)
            bar = "█" * filled + "·" * (width - filled)
            line = f"{p.account}: {p.folder} {what} {bar} {p.done}/{p.total}"
        elif p.done:  # a count without a known end (an export read as a stream)
            line = f"{p.account}: {p.folder} {what} {p.done}…"
        else:
            line = f"{p.account}: {what}…"
        self.stream.write("\r\x1b[2K" + line[:120])
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._shown = False
