"""What every file importer reports beside its items: a record it skipped, and where."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Skip:
    """A line or record left out, with the file (and member) and line or JSON path."""

    where: str  # the file as shown in the report ("sms-2024.xml", "x.zip:data/dms.js")
    line: int  # 1-based line number; 0 when the place is a path in `at`
    reason: str
    at: str = ""  # a JSON path ("[3].dmConversation.messages[5]") or a column

    def place(self) -> str:
        """Where, in words: "sms.xml line 12" or "dms.js [3].messages[5]"."""
        if self.at:
            return f"{self.where} {self.at}"
        return f"{self.where} line {self.line}" if self.line else self.where
