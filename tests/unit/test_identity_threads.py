from __future__ import annotations

import pytest

from unibox.core.identity import normalize_email
from unibox.core.threads import is_reply_subject, subject_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ann@Example.ORG", "ann@example.org"),
        ("<ann@example.org>", "ann@example.org"),
        (" ann+news@example.org ", "ann+news@example.org"),
        ("ann@xn--mller-kva.de", "ann@müller.de"),
        ("ann@example.org.", "ann@example.org"),
        ("not an address", ""),
        ("@example.org", ""),
        ("ann@", ""),
    ],
)
def test_email_handles_are_normalized(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    ("subject", "key"),
    [
        ("Re: Quote for the website", "quote for the website"),
        ("RE: re: Fwd: Quote for the website", "quote for the website"),
        ("AW: Angebot", "angebot"),
        ("[team] Re: Launch", "launch"),
        ("Re[2]: Launch", "launch"),
        ("Quote  for the   website", "quote for the website"),
    ],
)
def test_subject_keys_ignore_reply_prefixes(subject: str, key: str) -> None:
    assert subject_key(subject) == key


def test_reply_subjects_are_recognized() -> None:
    assert is_reply_subject("Re: Launch")
    assert not is_reply_subject("Launch plan")
