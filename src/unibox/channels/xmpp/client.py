"""Opening an XMPP session with slixmpp: security settings, login, and failures in words.

TLS is verified by default (the system's CAs, or the account's CA file)
against the JID's domain, as RFC 6120 asks. "starttls" refuses to log in
when the server offers no STARTTLS (never a silent downgrade); "plain" is
allowed only to loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from slixmpp import ClientXMPP

from unibox.channels.base import ChannelAccount
from unibox.channels.imap_conn import is_loopback
from unibox.channels.tls import tls_context, transport_error, unreachable
from unibox.core.errors import AuthError, ChannelError, ConnectionLost, SecurityError

log = logging.getLogger("unibox.xmpp")

LOGIN_TIMEOUT = 30.0
DEFAULT_PORTS = {"tls": 5223, "starttls": 5222, "plain": 5222}
PLUGINS = (
    "xep_0030",  # service discovery: does the server keep an archive?
    "xep_0045",  # group chats
    "xep_0048",  # bookmarks (rooms to join)
    "xep_0049",
    "xep_0059",
    "xep_0199",  # ping: a barrier after a send, so a bounce is seen before we report success
    "xep_0203",  # delayed delivery stamps
    "xep_0280",  # carbons
    "xep_0297",
    "xep_0313",  # the message archive
    "xep_0359",  # origin-id and stanza-id
)


def where(account: ChannelAccount) -> str:
    host = account.host or account.address.partition("@")[2]
    port = account.port or DEFAULT_PORTS.get(account.security or "starttls", 5222)
    return f"The XMPP server {host}:{port}"


def make_client(account: ChannelAccount) -> ClientXMPP:
    """A client for the account, its security set; nothing is sent yet."""
    security = account.security or "starttls"
    if security not in DEFAULT_PORTS:
        raise ChannelError(f"Unknown security “{security}” for XMPP.", retryable=False)
    if security == "plain" and not is_loopback(account.host):
        raise SecurityError(
            "Unencrypted XMPP is allowed only to this computer (localhost); choose starttls or tls."
        )
    if "@" not in account.address:
        raise ChannelError(f"“{account.address}” is not a JID (user@domain).", retryable=False)
    mechanisms: dict[str, Any] = {}
    if security == "plain":
        mechanisms["unencrypted_scram"] = True
    client = ClientXMPP(
        account.address,
        account.secret,
        plugin_config={"feature_mechanisms": mechanisms},
    )
    client.enable_direct_tls = security == "tls"
    client.enable_starttls = security == "starttls"
    client.enable_plaintext = security == "plain"
    if security != "plain":
        client.ssl_context = tls_context(account.ca_file, "")
    client.whitespace_keepalive_interval = 60
    for plugin in PLUGINS:
        client.register_plugin(plugin)
    return client


async def login(client: ClientXMPP, account: ChannelAccount) -> None:
    """Connect and authenticate; raises AuthError, SecurityError or ConnectionLost in words."""
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[ChannelError | None] = loop.create_future()
    place = where(account)
    host = account.host or account.address.partition("@")[2]
    tried: list[str] = []

    def settle(result: ChannelError | None) -> None:
        if not outcome.done():
            outcome.set_result(result)

    def failed(exc: Any) -> None:
        if isinstance(exc, BaseException):
            settle(
                # Refused, no such host: trying again at once would not help.
                unreachable(exc, host, place)
                or transport_error(exc, host, place)
                or ConnectionLost(f"{place}: {exc}.")
            )
        else:
            settle(ConnectionLost(f"{place} could not be reached ({exc})."))

    def bad_chain(exc: Any) -> None:
        reason = getattr(exc, "verify_message", "") or getattr(exc, "reason", "") or str(exc)
        settle(
            SecurityError(
                f"The certificate of {host} could not be verified ({reason}). "
                "For your own server, give its CA file."
            )
        )

    def no_auth(_event: Any) -> None:
        if client.enable_starttls and not tried:
            settle(
                SecurityError(f"{place} did not offer STARTTLS; unibox did not send the password.")
            )

    def all_failed(_event: Any) -> None:
        if tried:
            settle(AuthError(f"The XMPP server refused the password for {account.address}."))
        else:
            settle(
                SecurityError(
                    f"{place} offered no way to log in that unibox trusts "
                    "over this connection; the password was not sent."
                )
            )

    def stream_error(error: Any) -> None:
        text = error["text"] if error is not None else ""
        condition = error["condition"] if error is not None else ""
        settle(ChannelError(f"{place} ended the session ({text or condition}).", retryable=True))

    handlers = {
        "session_start": lambda _e: settle(None),
        "connection_failed": failed,
        "ssl_invalid_chain": bad_chain,
        "failed_auth": lambda _e: tried.append("x"),
        "no_auth": no_auth,
        "failed_all_auth": all_failed,
        "stream_error": stream_error,
        "disconnected": lambda reason: settle(
            (isinstance(reason, BaseException) and transport_error(reason, host, place))
            or ConnectionLost(f"{place} closed the connection before the login finished.")
        ),
    }
    for event, handler in handlers.items():
        client.add_event_handler(event, handler)
    try:
        if account.host:
            client.connect(
                account.host, account.port or DEFAULT_PORTS[account.security or "starttls"]
            )
        else:
            client.connect()
        try:
            result = await asyncio.wait_for(outcome, LOGIN_TIMEOUT)
        except TimeoutError:
            result = ConnectionLost(f"{place} did not answer in time.")
    finally:
        for event, handler in handlers.items():
            client.del_event_handler(event, handler)
    if result is not None:
        client.cancel_connection_attempt()
        client.abort()
        await settle_tasks(client)
        raise result


async def settle_tasks(client: ClientXMPP) -> None:
    """Let the client's own tasks finish their cancellation (a closing loop warns otherwise)."""
    task = getattr(client, "_run_out_filters", None)
    if isinstance(task, asyncio.Future) and not task.done():
        task.cancel()
    if isinstance(task, asyncio.Future):
        with contextlib.suppress(BaseException):
            await task
        client._run_out_filters = None  # its __del__ would cancel it again on a closed loop
