"""Matrix bridges by rule: which Matrix users are puppets of a remote network, or its bot.

A bridge (mautrix-telegram, -whatsapp, …) makes a Matrix user for every remote
user it relays, in its own namespace: the localpart is its `username_template`
("telegram_{{.}}") over the remote id, and its bot is one fixed localpart
("telegrambot"). `RULES` is one row per bridge, from the default templates
of the bridges' example configs; a puppet's display name may end in the
network ("Olga Petrova (Telegram)", " (WA)"), which is not part of the name.

    bridged("@telegram_123456:example.org", "Olga Petrova (Telegram)")
    -> Bridged(network="telegram", value="user123456", phone="", name="Olga Petrova")

`value` is the handle of kind `network` as unibox's importers write it (a
Telegram export's from_id is "user123456"), so a bridged person joins their
imported history; `phone` (E.164) is the number of a WhatsApp puppet, or of a
Signal puppet whose name is its number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from unibox.core.identity import normalize_phone


@dataclass(frozen=True, slots=True)
class BridgeRule:
    """One bridge: its network, puppet and bot localparts, and how to read a puppet."""

    network: str  # the handle kind and the `via` of its puppets: telegram, whatsapp, …
    title: str  # as the user reads it: "Telegram"
    prefixes: tuple[str, ...]  # puppet localparts start so: "telegram_"
    bots: tuple[str, ...]  # the bridge bot's localparts
    suffixes: tuple[str, ...]  # what a puppet's display name may end in: " (Telegram)"
    value: Callable[[str], str] = lambda rest: rest  # remote id (after the prefix) -> handle
    phone: Callable[[str, str], str] = lambda rest, name: ""  # (remote id, name) -> E.164


@dataclass(frozen=True, slots=True)
class Bridged:
    """A Matrix user that a bridge puppets: who they are on the remote network."""

    network: str
    value: str  # handle of kind `network`
    phone: str  # E.164, or ""
    name: str  # the display name without the network's suffix


def _e164(raw: str) -> str:
    return normalize_phone(raw) if raw else ""


def _whatsapp_phone(rest: str, _name: str) -> str:
    # "4915112345678"; "lid-…" (a hidden number) and "bot-…" are no phone.
    return _e164("+" + rest) if rest.isdigit() else ""


def _name_phone(_rest: str, name: str) -> str:
    # mautrix-signal names a puppet by its number when it has no profile name.
    return _e164(name) if name.startswith("+") else ""


def _slack_user(rest: str) -> str:
    # "t0123abc-u0456def": the Slack user id, as a Slack export writes it ("U0456DEF").
    _team, dash, user = rest.partition("-")
    return user.upper() if dash and user else ""


def _digits(rest: str) -> str:
    return rest if rest.isdigit() else ""


RULES: tuple[BridgeRule, ...] = (
    BridgeRule("telegram", "Telegram", ("telegram_",), ("telegrambot",),
               (" (Telegram)", " (TG)"),
               value=lambda rest: f"user{rest}" if rest.isdigit() else ""),
    BridgeRule("whatsapp", "WhatsApp", ("whatsapp_",), ("whatsappbot",),
               (" (WA)", " (WhatsApp)"),
               value=lambda rest: _whatsapp_phone(rest, "") or rest, phone=_whatsapp_phone),
    BridgeRule("signal", "Signal", ("signal_",), ("signalbot",), (" (Signal)",),
               phone=_name_phone),
    BridgeRule("slack", "Slack", ("slack_",), ("slackbot",), (" (Slack)",), value=_slack_user),
    BridgeRule("discord", "Discord", ("discord_",), ("discordbot",), (" (Discord)",),
               value=_digits),
    BridgeRule("facebook", "Messenger", ("facebook_", "meta_"), ("facebookbot", "metabot"),
               (" (Facebook)", " (Messenger)", " (FB)"), value=_digits),
    BridgeRule("instagram", "Instagram", ("instagram_",), ("instagrambot",),
               (" (Instagram)", " (IG)"), value=_digits),
)  # fmt: skip

TITLES = {r.network: r.title for r in RULES}
_ESCAPE = re.compile(r"=([0-9a-f]{2})|_([a-z_])")


def _localpart(user_id: str) -> str:
    text = user_id.strip()
    if not text.startswith("@") or ":" not in text:
        return ""
    return text[1:].partition(":")[0]


def _unescape(localpart: str) -> str:
    """A localpart as mautrix encodes ids into it ("_a" for "A", "=2f" for "/") decoded."""

    def one(m: re.Match[str]) -> str:
        if m.group(1):
            return chr(int(m.group(1), 16))
        return "_" if m.group(2) == "_" else m.group(2).upper()

    return _ESCAPE.sub(one, localpart)


def bridge_bot(user_id: str) -> BridgeRule | None:
    """The bridge whose bot this Matrix user is, or None."""
    local = _localpart(user_id)
    return next((r for r in RULES if local in r.bots), None)


def _puppet(local: str) -> tuple[BridgeRule, str] | None:
    for rule in RULES:
        for prefix in rule.prefixes:
            if local.startswith(prefix) and len(local) > len(prefix):
                return rule, local[len(prefix) :]
    return None


def strip_suffix(name: str, rule: BridgeRule) -> str:
    """The display name without the network's suffix ("Olga (Telegram)" -> "Olga")."""
    text = name.strip()
    for suffix in rule.suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)].strip()
    return text


def bridged(user_id: str, display_name: str = "") -> Bridged | None:
    """Who a bridged Matrix user is on the remote network; None for anyone else."""
    found = _puppet(_localpart(user_id))
    if found is None:
        return None
    rule, rest = found
    remote = _unescape(rest)
    value = rule.value(remote)
    if not value:
        return None
    name = strip_suffix(display_name, rule)
    return Bridged(rule.network, value, rule.phone(remote, name), name)


def display_name(user_id: str, name: str) -> str:
    """A Matrix user's display name as unibox shows it: a puppet's without its network."""
    found = _puppet(_localpart(user_id))
    return strip_suffix(name, found[0]) if found else name


def via_title(network: str) -> str:
    """A bridged network's name as the user reads it ("telegram" -> "Telegram")."""
    return TITLES.get(network, network.capitalize())
