"""Signs that a sender or a link pretends to be someone else, in words a person reads.

Two tricks cover most impostor mail: a display name holding another address
("paypal@paypal.com" <evil@x.ru>, where many clients show only the name), and
letters of another alphabet that look Latin ("Pаypal" with a Cyrillic "а",
"раураl.com" written wholly in Cyrillic). The check is small on purpose: the
script of each letter from unicodedata, and the Cyrillic and Greek letters that
look like Latin ones; no confusables table, no dependency.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
import urllib.parse

_ADDRESS_IN_NAME = re.compile(r"[^\s@<>\"'(),;:]+@([^\s@<>\"'(),;:]+\.[^\s@<>\"'(),;:.]{2,})")
_WORD = re.compile(r"[^\W\d_]+(?:[-.'][^\W\d_]+)*")
# Cyrillic and Greek letters drawn like Latin ones (lower and upper case).
_LOOKALIKES = frozenset("аеорсухіјѕԁһӏԛԝАВЕКМНОРСТХІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοιкνρτυχ")
_NAMED_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE")


def _script(ch: str) -> str:
    """The script of a letter as its Unicode name starts ("LATIN", "CYRILLIC", …)."""
    name = unicodedata.name(ch, "")
    for script in _NAMED_SCRIPTS:
        if name.startswith(script):
            return script.capitalize()
    if "FULLWIDTH LATIN" in name or name.startswith("MATHEMATICAL"):
        return "Lookalike"
    return name.split(" ", 1)[0].capitalize() if name else ""


def confusable(word: str) -> str:
    """Why `word` (a name's word or a domain label) may imitate a Latin one, else ""."""
    if word.isascii():
        return ""
    scripts = {_script(ch) for ch in word if ch.isalpha()}
    if "Lookalike" in scripts:
        return f"“{word}” is written with look-alike letters"
    scripts.discard("")
    if "Latin" in scripts and scripts & {"Cyrillic", "Greek", "Armenian", "Cherokee"}:
        other = sorted(scripts - {"Latin"})[0]
        return f"“{word}” mixes Latin and {other} letters"
    letters = [ch for ch in word if ch.isalpha()]
    if len(letters) >= 3 and all(ch in _LOOKALIKES for ch in letters):
        return f"“{word}” is written in {sorted(scripts)[0]} letters that look Latin"
    return ""


def _domain_labels(domain: str) -> list[str]:
    labels = []
    for label in domain.lower().split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError, ValueError):
                label = label.encode("ascii").decode("idna")
        labels.append(label)
    return labels


def domain_warning(domain: str) -> str:
    """Why a domain name (ASCII "xn--" or Unicode) may imitate another, else ""."""
    for label in _domain_labels(domain):
        why = confusable(label)
        if why:
            return why
    return ""


def sender_warnings(name: str, email: str) -> list[str]:
    """Sentences saying how the sender "name <email>" may be pretending, or []."""
    warnings = []
    domain = email.rpartition("@")[2].lower()
    for match in _ADDRESS_IN_NAME.finditer(name):
        shown = match.group(0).lower()
        if shown != email.lower():
            warnings.append(
                f"The sender's name shows the address {match.group(0)}, "
                f"but the message comes from {email}."
            )
            break
    for word in _WORD.findall(name):
        why = confusable(word)
        if why:
            warnings.append(f"The sender's name may imitate another: {why}.")
            break
    why = domain_warning(domain)
    if why:
        warnings.append(f"The sender's address may imitate another: {why}.")
    return warnings


def host_of(url: str) -> str:
    """The host a URL goes to, lower case, without "www."; "" when it has none."""
    try:
        host = urllib.parse.urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return host


_HOSTLIKE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?((?:[^\W_]|-)+(?:\.(?:[^\W_]|-)+)+)", re.I)


def link_mismatch(href: str, text: str) -> str:
    """The host a link's text claims when its real target is elsewhere, else "".

    "paypal.com" in the text and https://paypal.com.evil.ru/ as the target is a
    mismatch; so is a text naming "pаypal.com" (Cyrillic "а") for a target that
    is its punycode, since the person reads it as paypal.com.
    """
    shown = text.strip()
    found = _HOSTLIKE.match(shown)
    if not found or " " in shown:
        return ""
    claimed = found.group(1).lower().removeprefix("www.")
    actual = host_of(href)
    if not actual:
        return ""
    if confusable(claimed.split(".")[0]) or domain_warning(actual):
        return claimed
    claimed_ascii, actual_ascii = _ascii_host(claimed), _ascii_host(actual)
    if actual_ascii == claimed_ascii or actual_ascii.endswith("." + claimed_ascii):
        return ""
    return claimed
