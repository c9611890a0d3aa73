"""The bridges' rules table: each row reads its puppets and knows its bot."""

from __future__ import annotations

import pytest

from unibox.core.bridges import RULES, Bridged, bridge_bot, bridged, display_name

S = ":example.org"


@pytest.mark.parametrize(
    ("user_id", "name", "expected"),
    [
        ("@telegram_123456" + S, "Olga Petrova (Telegram)",
         Bridged("telegram", "user123456", "", "Olga Petrova")),
        ("@whatsapp_4915112345678" + S, "Jonas Weber (WA)",
         Bridged("whatsapp", "+4915112345678", "+4915112345678", "Jonas Weber")),
        ("@whatsapp_4915112345678" + S, "Jonas Weber (WhatsApp)",
         Bridged("whatsapp", "+4915112345678", "+4915112345678", "Jonas Weber")),
        ("@whatsapp_lid-98765" + S, "Hidden Number (WA)",
         Bridged("whatsapp", "lid-98765", "", "Hidden Number")),
        ("@signal_6e1a2b3c-0000-4000-8000-00000000abcd" + S, "Mara Lind (Signal)",
         Bridged("signal", "6e1a2b3c-0000-4000-8000-00000000abcd", "", "Mara Lind")),
        ("@signal_6e1a2b3c-0000-4000-8000-00000000abcd" + S, "+46701234567",
         Bridged("signal", "6e1a2b3c-0000-4000-8000-00000000abcd", "+46701234567",
                 "+46701234567")),
        ("@slack_t0123abc-u0456def" + S, "Priya Raman",
         Bridged("slack", "U0456DEF", "", "Priya Raman")),
        ("@discord_80351110224678912" + S, "nelly (Discord)",
         Bridged("discord", "80351110224678912", "", "nelly")),
        ("@facebook_100004123456789" + S, "Tom Berg",
         Bridged("facebook", "100004123456789", "", "Tom Berg")),
        ("@instagram_17841400000000000" + S, "ana.s (Instagram)",
         Bridged("instagram", "17841400000000000", "", "ana.s")),
    ],
)  # fmt: skip
def test_a_puppet_is_read_by_its_bridges_row(user_id: str, name: str, expected: Bridged) -> None:
    assert bridged(user_id, name) == expected
    assert bridge_bot(user_id) is None


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.network)
def test_every_bridge_has_a_bot_and_a_namespace(rule: object) -> None:
    from unibox.core.bridges import BridgeRule

    assert isinstance(rule, BridgeRule)
    for bot in rule.bots:
        found = bridge_bot(f"@{bot}{S}")
        assert found is not None and found.network == rule.network
        assert bridged(f"@{bot}{S}") is None  # the bot is nobody on the network
    for prefix in rule.prefixes:
        assert not prefix.endswith("bot")  # a bot never reads as one of the puppets


@pytest.mark.parametrize(
    "user_id",
    ["@olga" + S, "@telegram_" + S, "@telegram_abc" + S, "@whatsapp_" + S, "@slack_nodash" + S,
     "@discord_notanid" + S, "telegram_123", "", "@telegramfan" + S],
)  # fmt: skip
def test_anyone_else_is_not_bridged(user_id: str) -> None:
    assert bridged(user_id, "Someone (Telegram)") is None


def test_the_suffix_goes_only_from_a_puppets_name() -> None:
    assert display_name("@telegram_1" + S, "Olga (Telegram)") == "Olga"
    assert display_name("@olga" + S, "Olga (Telegram)") == "Olga (Telegram)"
    assert display_name("@telegram_1" + S, " (Telegram)") == "(Telegram)"  # nothing else left


def test_a_localpart_escape_is_decoded() -> None:
    # mautrix writes an upper-case letter of a remote id as "_" and the letter.
    assert bridged("@whatsapp_bot-_meta_a_i" + S) == Bridged("whatsapp", "bot-MetaAI", "", "")
