"""Handle normalization: the same address always maps to the same key."""

from __future__ import annotations

import contextlib
import functools
import unicodedata

EMAIL = "email"


@functools.lru_cache(maxsize=65536)  # a sync sees the same few hundred addresses again and again
def normalize_email(address: str) -> str:
    """Case-folded, IDNA-decoded form of an address; "" when it is not one.

    Local parts are case-folded too: in practice every provider treats them
    case-insensitively, and users expect Ann@X and ann@x to be one person.
    Plus-addressing is kept (a separate handle, linked later by suggestion).
    """
    address = address.strip().strip("<>").strip()
    if address.count("@") < 1:
        return ""
    local, _, domain = address.rpartition("@")
    local = unicodedata.normalize("NFC", local).casefold()
    domain = domain.strip().rstrip(".").casefold()
    if not local or not domain or len(f"{local}@{domain}".split()) != 1:
        return ""
    if domain.startswith("xn--") or ".xn--" in domain:
        with contextlib.suppress(UnicodeError):
            domain = domain.encode("ascii").decode("idna")
    return f"{local}@{domain}"
