"""Which big mail provider hosts an address: from its domain, else from the domain's MX records.

The account dialog uses it to offer "Sign in with Google / Microsoft". A
guess, never a rule: any failure (no such domain, no answer in time, no
network) is "no suggestion", and the person can always sign in another way.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger("unibox.services.mail_provider")

GOOGLE = "google"
MICROSOFT = "microsoft"
PROVIDER_NAMES = {GOOGLE: "Google", MICROSOFT: "Microsoft"}

# host:port of the DNS server to ask instead of the system's (tests point it at a
# responder on loopback; "off" asks nobody).
NAMESERVER_ENV = "UNIBOX_NAMESERVER"
MX_TIMEOUT = 3.0  # seconds for the whole lookup: a hint must not keep anyone waiting

_GOOGLE_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
_MICROSOFT_DOMAINS = frozenset({"msn.com", "passport.com", "windowslive.com"})
# hotmail.co.uk, live.de, outlook.com.br, …: these names followed by a country's suffix.
_MICROSOFT_BRANDS = frozenset({"hotmail", "live", "outlook"})
_MX_SUFFIXES = (
    (".google.com", GOOGLE),  # aspmx.l.google.com, smtp.google.com (Workspace)
    (".googlemail.com", GOOGLE),
    (".protection.outlook.com", MICROSOFT),  # contoso-com.mail.protection.outlook.com
)
# Names that never reach the internet's DNS (RFC 2606, RFC 6761, mDNS).
_RESERVED_TLDS = frozenset({"example", "invalid", "localhost", "test", "local"})
_RESERVED_DOMAINS = frozenset({"example.com", "example.net", "example.org"})


@dataclass(frozen=True, slots=True)
class Nameserver:
    """The DNS server to ask; None everywhere means the system's resolver."""

    host: str
    port: int = 53

    @classmethod
    def parse(cls, text: str) -> Nameserver:
        """ "127.0.0.1:5353", "::1" or "[::1]:5353"."""
        text = text.strip()
        if text.startswith("["):
            host, _, rest = text[1:].partition("]")
            return cls(host, int(rest[1:]) if rest.startswith(":") else 53)
        if text.count(":") == 1:
            host, port = text.split(":")
            return cls(host, int(port))
        return cls(text)


def domain_of(address: str) -> str:
    """The domain of an e-mail address, lower case, without a trailing dot; "" if none."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local:
        return ""
    return domain.strip().rstrip(".").lower()


def _country_suffix(rest: str) -> bool:
    parts = rest.split(".")
    if len(parts) == 1:
        return parts[0] == "com" or (len(parts[0]) == 2 and parts[0].isalpha())
    if len(parts) == 2:
        return parts[0] in {"co", "com"} and len(parts[1]) == 2 and parts[1].isalpha()
    return False


def provider_for_domain(domain: str) -> str | None:
    """GOOGLE or MICROSOFT for the providers' own consumer domains, else None."""
    domain = domain.lower().rstrip(".")
    if domain in _GOOGLE_DOMAINS:
        return GOOGLE
    if domain in _MICROSOFT_DOMAINS:
        return MICROSOFT
    brand, _, rest = domain.partition(".")
    if brand in _MICROSOFT_BRANDS and _country_suffix(rest):
        return MICROSOFT
    return None


def provider_for_mx(hosts: Iterable[str]) -> str | None:
    """The provider whose servers take the domain's mail, when all of them are one's."""
    found = set()
    for host in hosts:
        name = host.lower().rstrip(".")
        match = next((p for suffix, p in _MX_SUFFIXES if name.endswith(suffix)), None)
        found.add(match)
    if len(found) == 1:
        return found.pop()
    return None  # none, or mixed with a filter service in front: no guess


def worth_asking(domain: str) -> bool:
    """False for names no public DNS answers for (example.com, *.test, a bare host)."""
    if "." not in domain or domain in _RESERVED_DOMAINS:
        return False
    return domain.rpartition(".")[2] not in _RESERVED_TLDS


def configured_nameserver() -> Nameserver | Literal[False] | None:
    """The nameserver $UNIBOX_NAMESERVER names; None for the system's; False for "off"."""
    value = os.environ.get(NAMESERVER_ENV, "").strip()
    if not value:
        return None
    if value.lower() == "off":
        return False
    return Nameserver.parse(value)


def lookup_mx(
    domain: str, *, nameserver: Nameserver | None = None, timeout: float = MX_TIMEOUT
) -> list[str]:
    """The MX host names of a domain, best first; raises dns.exception.DNSException."""
    import dns.resolver  # only when a domain is looked up: the window starts without it

    resolver = dns.resolver.Resolver(configure=nameserver is None)
    if nameserver is not None:
        resolver.nameservers = [nameserver.host]
        resolver.port = nameserver.port
    resolver.lifetime = timeout
    resolver.timeout = timeout
    answer = resolver.resolve(domain, "MX", search=False)
    records = sorted(answer, key=lambda r: r.preference)
    return [r.exchange.to_text(omit_final_dot=True) for r in records]


def detect_provider(
    address: str,
    *,
    nameserver: Nameserver | Literal[False] | None = None,
    timeout: float = MX_TIMEOUT,
) -> str | None:
    """GOOGLE, MICROSOFT or None for an address; may ask DNS, so call it off the GUI thread.

    `nameserver` None asks the system's resolver, False asks nobody (the domain alone).
    Never raises: a lookup that fails is no suggestion.
    """
    domain = domain_of(address)
    if not domain:
        return None
    known = provider_for_domain(domain)
    if known is not None or nameserver is False or not worth_asking(domain):
        return known
    try:
        hosts = lookup_mx(domain, nameserver=nameserver, timeout=timeout)
    except Exception as exc:  # NXDOMAIN, timeout, no network, a broken answer: no hint
        log.debug("no MX answer for %s: %s", domain, type(exc).__name__)
        return None
    return provider_for_mx(hosts)
