"""`unibox account add-mail --auth oauth2` and `unibox account reauth NAME`.

The system browser shows the provider's page (`webbrowser`); with
`--no-browser` the authorization URL is printed on a line of its own, to
open anywhere on this computer (the answer comes back to a loopback port).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import webbrowser
from collections.abc import Callable
from typing import Any

from unibox.cli.context import profile, store_for
from unibox.core.errors import UserError

log = logging.getLogger("unibox.cli")


def add_options(add: Any) -> None:
    """The OAuth2 options of `account add-mail`."""
    add.add_argument(
        "--auth",
        choices=["password", "oauth2"],
        default="password",
        help="sign in with a password (default) or with OAuth2 in the browser",
    )
    add.add_argument("--oauth-provider", choices=["google", "microsoft"])
    add.add_argument("--oauth-issuer", metavar="URL", help="any other OpenID issuer")
    add.add_argument("--oauth-client-id", metavar="ID", default="")
    add.add_argument(
        "--oauth-client-secret",
        metavar="SECRET",
        default="",
        help="for providers whose desktop clients have one (Google); kept in the keyring",
    )
    add_browser_option(add)


def add_browser_option(parser: Any) -> None:
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help="print the sign-in address instead of opening the browser",
    )


def _desktop() -> bool:
    """Whether a graphical browser can open: without one, `webbrowser` would start a
    text browser in this terminal and wait for it to end."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_url_for(args: argparse.Namespace) -> Callable[[str], None]:
    def open_url(url: str) -> None:
        if not args.no_browser and _desktop() and webbrowser.open(url):
            print("Signing in in your browser…", file=sys.stderr, flush=True)
            return
        print("Open this address in a browser on this computer to sign in:", file=sys.stderr)
        print(url, flush=True)

    return open_url


def provider_for(args: argparse.Namespace) -> Any:
    from unibox.services.mail_provider import domain_of, provider_for_domain
    from unibox.services.oauth import provider_named

    if args.oauth_issuer:
        return provider_named(issuer=args.oauth_issuer)
    # By the address's domain only: the command line asks no DNS server.
    key = args.oauth_provider or provider_for_domain(domain_of(args.email)) or ""
    if not key:
        raise UserError(
            "Say who signs you in: --oauth-provider google|microsoft, or --oauth-issuer URL."
        )
    return provider_named(key)


def add_oauth_mail(args: argparse.Namespace) -> int:
    from unibox.config import store_path
    from unibox.secrets import SecretStore
    from unibox.services.mail_setup import IMAP_PORTS, POP3_PORTS, SMTP_PORTS, check_servers
    from unibox.services.oauth import create_oauth_account, mail_settings_for, sign_in
    from unibox.store import accounts
    from unibox.store.accounts import MailServer
    from unibox.sync.credentials import token_source

    name = args.name.strip()
    email = args.email.strip()
    if not name:
        raise UserError("Give the account a name, such as “Work”.")
    provider = provider_for(args)
    imap = smtp = pop3 = None
    if args.account_command == "add-pop3":
        if not args.pop3_host:
            raise UserError("Enter the POP3 server (--pop3-host), such as pop.gmail.com.")
        port = args.pop3_port or POP3_PORTS[args.pop3_security]
        pop3 = MailServer(args.pop3_host.strip(), port, args.pop3_security)
    elif args.imap_host:
        port = args.imap_port or IMAP_PORTS[args.imap_security]
        imap = MailServer(args.imap_host.strip(), port, args.imap_security)
    if args.smtp_host:
        port = args.smtp_port or SMTP_PORTS[args.smtp_security]
        smtp = MailServer(args.smtp_host.strip(), port, args.smtp_security)
    if store_path(profile(args)).exists():  # else a refused sign-in leaves no new profile
        with store_for(args).read() as s:
            if any(a.name == name for a in accounts.list_accounts(s)):
                raise UserError(f"An account named “{name}” already exists.")
    secrets = SecretStore()
    grant = sign_in(
        secrets,
        provider,
        client_id=args.oauth_client_id.strip(),
        client_secret=args.oauth_client_secret.strip(),
        login_hint=email,
        open_url=open_url_for(args),
        expect_email=email,
        secret_ref=f"mail:{name}",  # as a password account's: removing the account removes it
    )
    try:
        settings = mail_settings_for(
            grant,
            imap=imap,
            smtp=smtp,
            username=args.username or "",
            ca_file=args.ca_file,
            pop3=pop3,
            delete_after_days=getattr(args, "delete_after_days", 0),
        )
        if not args.no_check:
            source = token_source(secrets, grant.secret_ref, grant.settings, name)
            log.info("%s", check_servers(settings, source))
        create_oauth_account(
            store_for(args),
            secrets,
            grant,
            name=name,
            settings=settings,
            display_name=args.display_name.strip(),
        )
    except BaseException:
        secrets.delete(grant.secret_ref)
        raise
    print(f"Signed in as {grant.email}; “{name}” is added.", file=sys.stderr)
    return 0


def reauth(args: argparse.Namespace) -> int:
    from unibox.secrets import SecretStore
    from unibox.services.oauth import reauth as sign_in_again

    grant = sign_in_again(store_for(args), SecretStore(), args.name, open_url=open_url_for(args))
    print(f"Signed in again as {grant.email}; the next sync uses it.", file=sys.stderr)
    return 0
