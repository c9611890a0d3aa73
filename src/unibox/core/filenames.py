"""Reduce an attachment's declared file name to a safe base name for saving."""

from __future__ import annotations

import functools
import mimetypes
import re
import unicodedata

MAX_NAME_BYTES = 200  # under every common file system's 255, leaving room for " (2)"

# Invisible or layout-changing characters: controls, format characters (bidi
# overrides and isolates such as U+202E, which make "gpj.exe" look like
# "exe.jpg", zero-width characters), surrogates, line/paragraph separators.
_STRIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_WINDOWS_RESERVED = re.compile(r'[<>:"|?*]')
_SPACES = re.compile(r"\s+")
_DOTS = re.compile(r"\.{2,}")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")
_DEVICE_NAMES = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)")

# Preferred extensions for common types, so the fallback does not depend on
# whichever mime.types file a machine has.
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/zip": ".zip",
    "application/octet-stream": ".bin",
    "application/pgp-signature": ".asc",
    "application/ics": ".ics",
    "text/calendar": ".ics",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/csv": ".csv",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "message/rfc822": ".eml",
    "message/delivery-status": ".txt",
}


def safe_filename(name: str, content_type: str = "") -> str:
    """A base name safe to create in any folder: never empty, no path, no tricks.

    Directory parts, "..", control and bidi characters and leading dots are
    removed, Windows-reserved characters replaced, and the name shortened to
    MAX_NAME_BYTES of UTF-8 keeping its extension. An empty result becomes
    "attachment" plus an extension guessed from `content_type`.
    """
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _STRIPPED_CATEGORIES)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _WINDOWS_RESERVED.sub("_", name)
    name = _DOTS.sub(".", _SPACES.sub(" ", name))
    name = name.strip(" .")  # leading dots hide files; trailing ones vanish on Windows
    if not name:
        return "attachment" + _guess_extension(content_type)
    if _DEVICE_NAMES.match(name):
        name = "_" + name
    return _shorten(name)


def _shorten(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    match = _EXTENSION.search(name)
    extension = match.group() if match else ""
    stem = name[: len(name) - len(extension)]
    budget = MAX_NAME_BYTES - len(extension.encode("utf-8"))
    # Cut at a character boundary: drop the bytes of a split character.
    stem = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore").rstrip(" .")
    return (stem or "attachment") + extension


def _guess_extension(content_type: str) -> str:
    ctype = content_type.split(";", 1)[0].strip().lower()
    return _EXTENSIONS.get(ctype) or _builtin_types().guess_extension(ctype) or ""


@functools.cache
def _builtin_types() -> mimetypes.MimeTypes:
    # MimeTypes() without file names uses only Python's built-in table: the
    # same answer on every machine, and no file read at import time.
    return mimetypes.MimeTypes()
