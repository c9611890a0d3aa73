"""What the user points `unibox import` at, read the same way whatever it is:
one file, a folder (an unpacked download) or a .zip as downloaded.

Files are named by their path inside it, with "/" ("messages/inbox/a/message_1.json");
a single file is its own name. Only names and the bytes asked for are read.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from unibox.core.errors import UserError


class Source:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.label = path.name
        self._zip: zipfile.ZipFile | None = None
        self._names: list[str] | None = None
        if path.is_dir():
            self.kind = "folder"
        elif path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
            self.kind = "zip"
        else:
            self.kind = "file"

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def _archive(self) -> zipfile.ZipFile:
        if self._zip is None:
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (OSError, zipfile.BadZipFile) as exc:
                raise UserError(f"“{self.path}” is not a readable .zip: {exc}.") from None
        return self._zip

    def names(self) -> list[str]:
        """Every file in it, sorted (a folder's and an archive's directories left out)."""
        if self._names is None:
            try:
                if self.kind == "folder":
                    found = [
                        p.relative_to(self.path).as_posix()
                        for p in self.path.rglob("*")
                        if p.is_file()
                    ]
                elif self.kind == "zip":
                    found = [n for n in self._archive().namelist() if not n.endswith("/")]
                else:
                    found = [self.path.name]
            except OSError as exc:
                raise UserError(
                    f"“{self.path}” could not be read: {exc.strerror or exc}."
                ) from None
            self._names = sorted(found)
        return self._names

    def matching(self, *suffixes: str) -> Iterator[str]:
        """The names ending (case-insensitively) with one of `suffixes`."""
        ends = tuple(s.lower() for s in suffixes)
        return (n for n in self.names() if n.lower().endswith(ends))

    def open(self, name: str) -> IO[bytes]:
        if self.kind == "zip":
            return self._archive().open(name)
        return self.local(name).open("rb")

    def text(self, name: str) -> IO[str]:
        """A member as text (UTF-8, a byte order mark dropped, bad bytes replaced)."""
        return io.TextIOWrapper(self.open(name), encoding="utf-8-sig", errors="replace", newline="")

    def head(self, name: str, size: int = 4096) -> bytes:
        """The first bytes of a member ("" when it cannot be read: detection only)."""
        try:
            with self.open(name) as f:
                return f.read(size)
        except (OSError, KeyError, zipfile.BadZipFile):
            return b""

    def size(self, name: str) -> int:
        if self.kind == "zip":
            return self._archive().getinfo(name).file_size
        return self.local(name).stat().st_size

    def local(self, name: str) -> Path:
        """The file on disk (a folder's member, or the file itself); not for a .zip."""
        if self.kind == "folder":
            return self.path / name
        if self.kind == "file":
            return self.path
        raise ValueError("a member of a .zip is not on disk")

    def where(self, name: str) -> str:
        """How a report names a member: "export.zip:users.json", or its path."""
        if self.kind == "zip":
            return f"{self.label}:{name}"
        return name
