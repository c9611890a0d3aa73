"""Handles normalize so the same person is always found under the same key."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unibox.core.identity import (
    EMAIL,
    MASTODON,
    MATRIX,
    PHONE,
    XMPP,
    guess_handle,
    name_key,
    normalize_email,
    normalize_jid,
    normalize_mastodon,
    normalize_matrix,
    normalize_phone,
    plus_base,
    region_from_locale,
)

local_parts = st.from_regex(r"[a-z][a-z0-9._]{0,12}", fullmatch=True)
domains = st.from_regex(r"[a-z][a-z0-9]{0,8}\.(org|com|de|social)", fullmatch=True)
names = st.text(
    alphabet=st.characters(categories=("L",), exclude_characters="İı"), min_size=1, max_size=8
)
REGIONS = ("DE", "US", "GB", "FR", "JP", "BR", "IN", "CH")


def _swap_case(text: str, mask: list[bool]) -> str:
    return "".join(c.upper() if m else c for c, m in zip(text, mask, strict=False))


@given(local_parts, domains, st.lists(st.booleans(), min_size=30, max_size=30))
def test_email_ignores_case_and_brackets_and_is_idempotent(
    local: str, domain: str, mask: list[bool]
) -> None:
    canonical = f"{local}@{domain}"
    written = f" <{_swap_case(canonical, mask)}> "
    assert normalize_email(written) == canonical
    assert normalize_email(normalize_email(written)) == canonical


@given(local_parts, st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True), domains)
def test_plus_addresses_stay_separate_handles_but_share_a_base(
    local: str, tag: str, domain: str
) -> None:
    tagged = normalize_email(f"{local}+{tag}@{domain}")
    assert tagged != normalize_email(f"{local}@{domain}")
    assert plus_base(tagged) == f"{local}@{domain}"
    assert plus_base(f"{local}@{domain}") == ""


@settings(max_examples=60)
@given(st.sampled_from(REGIONS), st.sampled_from(["mobile", "fixed"]))
def test_a_phone_number_written_any_way_has_one_e164_form(region: str, kind: str) -> None:
    kinds = {
        "mobile": phonenumbers.PhoneNumberType.MOBILE,
        "fixed": phonenumbers.PhoneNumberType.FIXED_LINE,
    }
    number = phonenumbers.example_number_for_type(region, kinds[kind])
    assert number is not None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    fmt = phonenumbers.PhoneNumberFormat
    written = [
        phonenumbers.format_number(number, fmt.INTERNATIONAL),
        phonenumbers.format_number(number, fmt.RFC3966),
        "00" + e164[1:],
        e164,
    ]
    for text in written:
        assert normalize_phone(text, "") == e164, text
    # Written the national way, the user's region places it.
    national = phonenumbers.format_number(number, fmt.NATIONAL)
    assert normalize_phone(national, region) == e164
    assert normalize_phone(e164, region) == e164  # idempotent


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("030 1234567", "DE", "+49301234567"),
        ("030 1234567", "", ""),  # no country code and no region: cannot be placed
        ("(202) 555-0143 ext. 12", "US", "+12025550143"),
        ("tel:+1-202-555-0143;ext=5", "", "+12025550143"),
        ("0049 (0)30 1234567", "", "+49301234567"),
        ("12", "DE", ""),
        ("call me", "DE", ""),
        ("2024-01-05", "", ""),
    ],
)
def test_phone_examples(raw: str, region: str, expected: str) -> None:
    assert normalize_phone(raw, region) == expected


@given(local_parts, domains, st.text(min_size=0, max_size=10), st.lists(st.booleans(), min_size=30))
def test_jids_are_bare_and_case_insensitive(
    local: str, domain: str, resource: str, mask: list[bool]
) -> None:
    bare = f"{local}@{domain}"
    full = _swap_case(bare, mask) + (f"/{resource}" if resource else "")
    assert normalize_jid(full) == bare
    assert normalize_jid("xmpp:" + full) == bare
    assert normalize_jid(bare) == bare


def test_a_server_jid_is_not_a_person() -> None:
    assert normalize_jid("conference.example.org") == ""
    assert normalize_jid("ann@") == ""


@given(st.from_regex(r"[a-z0-9._=\-]{1,12}", fullmatch=True), domains)
def test_matrix_ids_from_every_written_form_agree(local: str, server: str) -> None:
    mxid = f"@{local}:{server}"
    assert normalize_matrix(mxid.upper()) == mxid
    assert normalize_matrix(f"https://matrix.to/#/{mxid}") == mxid
    assert normalize_matrix(f"matrix:u/{local}:{server}?action=chat") == mxid
    assert normalize_matrix(mxid) == mxid


@given(st.from_regex(r"[a-z0-9_]{1,12}", fullmatch=True), domains)
def test_fediverse_accounts_from_every_written_form_agree(user: str, instance: str) -> None:
    acct = f"{user}@{instance}"
    assert normalize_mastodon(f"@{user.upper()}@{instance}") == acct
    assert normalize_mastodon(f"https://{instance}/@{user}") == acct
    assert normalize_mastodon(acct) == acct


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Ann@Example.org", (EMAIL, "ann@example.org")),
        ("mailto:ann@example.org", (EMAIL, "ann@example.org")),
        ("xmpp:ann@example.org/phone", (XMPP, "ann@example.org")),
        ("@ann:matrix.org", (MATRIX, "@ann:matrix.org")),
        ("@ann@mastodon.social", (MASTODON, "ann@mastodon.social")),
        ("https://mastodon.social/@ann", (MASTODON, "ann@mastodon.social")),
        ("+49 30 1234567", (PHONE, "+49301234567")),
        ("Ann", None),
    ],
)
def test_what_a_user_types_is_read_as_the_right_kind(
    typed: str, expected: tuple[str, str] | None
) -> None:
    assert guess_handle(typed, "DE") == expected


@given(names, names, st.booleans())
def test_name_keys_ignore_order_case_and_accents(first: str, last: str, comma: bool) -> None:
    written = f"{last}, {first}" if comma else f"{first} {last}"
    assert name_key(written) == name_key(f"{first.upper()} {last.lower()}")
    assert name_key(written) == name_key(name_key(written))


def test_weak_names_give_no_key() -> None:
    assert name_key("Ann") == ""
    assert name_key("ann.doe@example.org") == ""
    assert name_key("Zoë Müller") == name_key("zoe muller")


def test_region_from_locale() -> None:
    assert region_from_locale("de_DE.UTF-8") == "DE"
    assert region_from_locale("C.UTF-8") == ""
    assert region_from_locale("") == ""
