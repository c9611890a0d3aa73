"""Handle normalization: the same address always maps to the same key.

One function per kind of handle (email, phone, XMPP, Matrix, Mastodon), each
returning the canonical form or "" when the text is not such a handle, plus
the keys that suggest (never decide) that two handles are one person.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata

EMAIL = "email"
PHONE = "phone"
XMPP = "xmpp"
MATRIX = "matrix"
MASTODON = "mastodon"
HANDLE_KINDS = (EMAIL, PHONE, XMPP, MATRIX, MASTODON)

_DOMAIN = re.compile(r"^[^\s/@:?#\[\]]+(:\d{1,5})?$")
_MATRIX_LOCAL = re.compile(r"^[a-z0-9._=\-/+]+$")
_MASTODON_USER = re.compile(r"^[a-z0-9_]+([a-z0-9_.\-]+[a-z0-9_]+)?$")
_JID_FORBIDDEN = set("\"&'/:<>@") | {" ", "\t", "\r", "\n"}
_PHONE_CHARS = re.compile(r"^[+\d\s().\-/]*(?:(?:ext|x|#)\.?\s*\d+)?$", re.IGNORECASE)


def _domain(raw: str) -> str:
    """A case-folded domain with IDNA labels decoded; "" when it is not one."""
    domain = raw.strip().rstrip(".").casefold()
    if not domain or not _DOMAIN.match(domain) or ".." in domain:
        return ""
    if domain.startswith("xn--") or ".xn--" in domain:
        with contextlib.suppress(UnicodeError):
            domain = domain.encode("ascii").decode("idna")
    return domain


@functools.lru_cache(maxsize=65536)  # a sync sees the same few hundred addresses again and again
def normalize_email(address: str) -> str:
    """Case-folded, IDNA-decoded form of an address; "" when it is not one.

    Local parts are case-folded too: in practice every provider treats them
    case-insensitively, and users expect Ann@X and ann@x to be one person.
    Plus-addressing is kept (a separate handle, linked later by suggestion).
    """
    address = address.strip()
    if address[:7].casefold() == "mailto:":
        address = address[7:]
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


def plus_base(email: str) -> str:
    """The address without its +tag ("ann+news@x" -> "ann@x"); "" when it has none."""
    local, _, domain = email.rpartition("@")
    base, plus, _tag = local.partition("+")
    return f"{base}@{domain}" if plus and base and domain else ""


@functools.lru_cache(maxsize=8192)
@functools.lru_cache(maxsize=65536)  # an SMS backup names the same numbers again and again
def normalize_phone(raw: str, region: str = "") -> str:
    """E.164 form ("+4930123456"); "" when it is not a possible number.

    `region` (ISO 3166 code, e.g. "DE") reads numbers written without a
    country code; without it such numbers cannot be placed and give "".
    Extensions are dropped: they reach the same person.
    """
    import phonenumbers  # only when a phone number is seen: it loads much metadata

    text = raw.strip()
    if text[:4].casefold() == "tel:":
        text = text[4:].split(";", 1)[0]
    if not text or not _PHONE_CHARS.match(text) or sum(c.isdigit() for c in text) < 3:
        return ""
    if text.startswith("00"):  # the international prefix most of the world dials
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region.upper() or None)
    except phonenumbers.NumberParseException:
        return ""
    # A number read through the region must really exist there; one written
    # with its country code is trusted as far as its length is possible.
    check = (
        phonenumbers.is_possible_number if text.startswith("+") else phonenumbers.is_valid_number
    )
    if not check(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_jid(raw: str) -> str:
    """A bare XMPP address ("ann@example.org"): resource dropped, case-folded.

    A JID without a local part names a server, not a person: "".
    """
    text = raw.strip()
    if text[:5].casefold() == "xmpp:":
        text = text[5:].split("?", 1)[0]
    text = text.split("/", 1)[0]
    local, at, domain = text.partition("@")
    local = unicodedata.normalize("NFKC", local).casefold()
    domain = _domain(domain)
    if not at or not local or not domain or _JID_FORBIDDEN & set(local) or ":" in domain:
        return ""
    return f"{local}@{domain}"


def normalize_matrix(raw: str) -> str:
    """A Matrix user id ("@ann:example.org"), from the id, a matrix: URI or a matrix.to link."""
    text = raw.strip()
    for prefix in ("https://matrix.to/#/", "http://matrix.to/#/"):
        if text.casefold().startswith(prefix):
            text = text[len(prefix) :]
    if text[:9].casefold() == "matrix:u/":
        text = "@" + text[9:].split("?", 1)[0]
    if not text.startswith("@") or ":" not in text:
        return ""
    local, _, server = text[1:].partition(":")
    local = local.casefold()
    server = _domain(server)
    if not local or not server or not _MATRIX_LOCAL.match(local):
        return ""
    return f"@{local}:{server}"


def normalize_mastodon(raw: str) -> str:
    """A fediverse account as "user@instance", from "@user@instance" or a profile URL."""
    text = raw.strip()
    match = re.match(r"^https?://([^/\s]+)/@([^/\s?#]+)/?$", text, re.IGNORECASE)
    if match:
        text = f"{match.group(2)}@{match.group(1)}"
    text = text.removeprefix("@")
    user, at, domain = text.partition("@")
    user = user.casefold()
    domain = _domain(domain)
    if not at or not domain or ":" in domain or not _MASTODON_USER.match(user):
        return ""
    return f"{user}@{domain}"


def normalize_handle(kind: str, raw: str, region: str = "") -> str:
    """The canonical value of a handle of `kind`; "" when `raw` is not one."""
    if kind == EMAIL:
        return normalize_email(raw)
    if kind == PHONE:
        return normalize_phone(raw, region)
    if kind == XMPP:
        return normalize_jid(raw)
    if kind == MATRIX:
        return normalize_matrix(raw)
    if kind == MASTODON:
        return normalize_mastodon(raw)
    return unicodedata.normalize("NFC", raw.strip())  # kinds later channels bring


def guess_handle(raw: str, region: str = "") -> tuple[str, str] | None:
    """(kind, value) of something a user typed, or None.

    "user@host" is read as e-mail (an XMPP address looks the same; say
    "xmpp:" to mean one); "@user@host" is a fediverse account and
    "@user:host" a Matrix id.
    """
    text = raw.strip()
    folded = text.casefold()
    if folded.startswith("xmpp:"):
        kind = XMPP
    elif folded.startswith(("matrix:", "https://matrix.to/", "http://matrix.to/")):
        kind = MATRIX
    elif folded.startswith("tel:") or (text and _PHONE_CHARS.match(text)):
        kind = PHONE
    elif text.startswith("@"):
        kind = MASTODON if "@" in text[1:] else MATRIX
    elif re.match(r"^https?://[^/]+/@", folded):
        kind = MASTODON
    elif folded.startswith("mailto:") or "@" in text:
        kind = EMAIL
    else:
        return None
    value = normalize_handle(kind, text, region)
    return (kind, value) if value else None


def name_key(name: str) -> str:
    """A display name reduced for matching people by name: "" when too weak a signal.

    Case, accents, punctuation, word order ("Doe, Ann") are ignored. A single
    word ("Ann") or something that is an address gives "": such names are
    shared by too many people to suggest a merge.
    """
    if "@" in name:
        return ""
    # Case-fold first: some letters fold to two ("ᾀ" -> "ἀι") and would
    # otherwise lose a letter when their marks are stripped.
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = re.findall(r"\w+", plain)
    if len(words) < 2:
        return ""
    return " ".join(sorted(words))


def region_from_locale(locale_name: str) -> str:
    """The country of a locale name ("de_DE.UTF-8" -> "DE"); "" when it names none."""
    match = re.match(r"^[a-z]{2,3}_([A-Z]{2})\b", locale_name or "")
    return match.group(1) if match else ""
