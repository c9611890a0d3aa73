"""Which provider hosts an address: by its domain, and by its MX from a real DNS responder."""

from __future__ import annotations

import pytest

from tests.helpers.dns_server import MxResponder
from unibox.services.mail_provider import (
    GOOGLE,
    MICROSOFT,
    Nameserver,
    detect_provider,
    provider_for_domain,
    provider_for_mx,
)


@pytest.mark.parametrize(
    ("address", "provider"),
    [
        ("mira@gmail.com", GOOGLE),
        ("Mira@GoogleMail.com", GOOGLE),
        ("mira@outlook.com", MICROSOFT),
        ("mira@hotmail.co.uk", MICROSOFT),
        ("mira@hotmail.de", MICROSOFT),
        ("mira@live.com", MICROSOFT),
        ("mira@live.fr", MICROSOFT),
        ("mira@outlook.com.br", MICROSOFT),
        ("mira@msn.com", MICROSOFT),
    ],
)
def test_the_providers_own_domains_are_known_without_asking_dns(
    address: str, provider: str
) -> None:
    with MxResponder() as dns:
        assert detect_provider(address, nameserver=Nameserver(dns.host, dns.port)) == provider
        assert dns.queries == []


@pytest.mark.parametrize(
    "domain", ["live.example.org", "hotmail.mycompany.com", "mygmail.com", "outlook.acme.com"]
)
def test_look_alike_domains_are_not_taken_for_the_providers(domain: str) -> None:
    assert provider_for_domain(domain) is None


def test_a_custom_domain_is_found_by_its_mx() -> None:
    mx = {
        "acme-sales.de": [(1, "aspmx.l.google.com"), (5, "alt1.aspmx.l.google.com")],
        "workspace.io": [(1, "smtp.google.com")],
        "contoso.fr": [(0, "contoso-fr.mail.protection.outlook.com")],
        "own-server.net": [(10, "mx.own-server.net")],
        # A filter in front of Google: whose mailbox it is cannot be told.
        "filtered.com": [(10, "eu-smtp-inbound-1.mimecast.com"), (20, "aspmx.l.google.com")],
    }
    with MxResponder(mx) as dns:
        ns = Nameserver(dns.host, dns.port)
        assert detect_provider("anna@acme-sales.de", nameserver=ns) == GOOGLE
        assert detect_provider("anna@workspace.io", nameserver=ns) == GOOGLE
        assert detect_provider("paul@Contoso.FR", nameserver=ns) == MICROSOFT
        assert detect_provider("me@own-server.net", nameserver=ns) is None
        assert detect_provider("me@filtered.com", nameserver=ns) is None
        assert detect_provider("me@no-such-domain.org", nameserver=ns) is None  # NXDOMAIN
        assert dns.queries == [
            "acme-sales.de",
            "workspace.io",
            "contoso.fr",
            "own-server.net",
            "filtered.com",
            "no-such-domain.org",
        ]


def test_a_nameserver_that_does_not_answer_is_no_suggestion() -> None:
    with MxResponder({"slow.org": [(1, "aspmx.l.google.com")]}, silent={"slow.org"}) as dns:
        ns = Nameserver(dns.host, dns.port)
        assert detect_provider("me@slow.org", nameserver=ns, timeout=0.3) is None
        assert dns.queries and set(dns.queries) == {"slow.org"}


def test_names_no_public_dns_knows_are_not_looked_up() -> None:
    with MxResponder() as dns:
        ns = Nameserver(dns.host, dns.port)
        for address in ("me@example.com", "me@host.test", "me@localhost", "not an address"):
            assert detect_provider(address, nameserver=ns) is None
        assert detect_provider("me@corp.org", nameserver=False) is None  # told to ask nobody
        assert dns.queries == []


def test_mx_names_are_matched_whatever_their_case_or_final_dot() -> None:
    assert provider_for_mx(["ASPMX.L.GOOGLE.COM."]) == GOOGLE
    assert provider_for_mx(["x.mail.protection.outlook.com"]) == MICROSOFT
    assert provider_for_mx([]) is None
    assert provider_for_mx(["google.com.evil.org"]) is None


def test_nameserver_text_forms() -> None:
    assert Nameserver.parse("127.0.0.1:5353") == Nameserver("127.0.0.1", 5353)
    assert Nameserver.parse("::1") == Nameserver("::1", 53)
    assert Nameserver.parse("[::1]:5353") == Nameserver("::1", 5353)
