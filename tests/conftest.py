"""Session-wide fixtures: TLS material and real servers started once per pytest session."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator

import pytest

from tests.helpers.dns_server import MxResponder
from tests.helpers.dovecot import Dovecot, dovecot_binary
from tests.helpers.mastodon_mock import MastodonMock
from tests.helpers.oidc import Issuer
from tests.helpers.prosody import Prosody, prosody_binary
from tests.helpers.radicale import Radicale
from tests.helpers.synapse import MatrixUser, Synapse, synapse_available
from tests.helpers.tls import TlsFiles, session_tls_files
from unibox.services.mail_provider import NAMESERVER_ENV

_user_counter = itertools.count(1)


def _require_dovecot() -> None:
    """Skip (locally) or fail (in CI) when Dovecot can't run here."""
    problem = None
    if dovecot_binary() is None:
        problem = "Dovecot is not installed: run scripts/install-system-deps.sh"
    elif os.geteuid() != 0:
        problem = "the Dovecot test server needs root"
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)


@pytest.fixture(scope="session", autouse=True)
def loopback_dns() -> Iterator[MxResponder]:
    """Every MX look-up of the tests goes to a responder on loopback, never the system's DNS.

    It knows no domain unless a test adds one (``loopback_dns.mx[domain] = [...]``).
    """
    with MxResponder() as responder:
        old = os.environ.get(NAMESERVER_ENV)
        os.environ[NAMESERVER_ENV] = responder.address
        try:
            yield responder
        finally:
            if old is None:
                os.environ.pop(NAMESERVER_ENV, None)
            else:
                os.environ[NAMESERVER_ENV] = old


@pytest.fixture(scope="session")
def tls_files() -> TlsFiles:
    """One throwaway CA + ``localhost``/127.0.0.1 server certificate per session."""
    return session_tls_files()


@pytest.fixture(scope="session")
def dovecot(tls_files: TlsFiles) -> Iterator[Dovecot]:
    """A real Dovecot (IMAP with STARTTLS, IMAPS, POP3) shared by the whole session.

    Any user name logs in with ``dovecot.password``: use ``mail_user`` for isolation.
    """
    _require_dovecot()
    server = Dovecot(tls=tls_files).start()
    try:
        yield server
    finally:
        # Nothing to keep unless UNIBOX_KEEP_DOVECOT is set: then stop gracefully (full log).
        server.stop(graceful=server.keep_dir)


@pytest.fixture(scope="session")
def dovecot_no_starttls(tls_files: TlsFiles) -> Iterator[Dovecot]:
    """A second Dovecot with ``ssl = no`` (no STARTTLS, no IMAPS); started only if asked for."""
    _require_dovecot()
    server = Dovecot(tls=tls_files, starttls=False).start()
    try:
        yield server
    finally:
        # Nothing to keep unless UNIBOX_KEEP_DOVECOT is set: then stop gracefully (full log).
        server.stop(graceful=server.keep_dir)


@pytest.fixture(scope="session")
def oauth_issuer() -> Iterator[Issuer]:
    """oidc-provider-mock on a loopback port: the OAuth2/OpenID issuer of the sign-in tests."""
    with Issuer() as started:
        yield started


@pytest.fixture(scope="session")
def oauth_dovecot(oauth_issuer: Issuer, tls_files: TlsFiles) -> Iterator[Dovecot]:
    """A Dovecot that also takes XOAUTH2/OAUTHBEARER, each token checked with `oauth_issuer`."""
    _require_dovecot()
    server = Dovecot(tls=tls_files, oauth2_introspection_url=oauth_issuer.userinfo_url).start()
    try:
        yield server
    finally:
        server.stop(graceful=server.keep_dir)


@pytest.fixture
def mail_user_factory(request: pytest.FixtureRequest) -> Callable[[], str]:
    """Makes fresh, unique mail user names derived from the test's name."""
    base = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:48] or "user"

    def make() -> str:
        return f"{base}-{next(_user_counter)}"

    return make


@pytest.fixture
def mail_user(mail_user_factory: Callable[[], str]) -> str:
    """A mail user name no other test uses (so its mailbox starts empty)."""
    return mail_user_factory()


def _require_prosody() -> None:
    """Skip (locally) or fail (in CI) when Prosody can't run here."""
    problem = None
    if prosody_binary() is None:
        problem = "Prosody is not installed: run scripts/install-system-deps.sh"
    elif os.geteuid() != 0:
        problem = "the Prosody test server needs root"
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)


@pytest.fixture(scope="session")
def prosody(tls_files: TlsFiles) -> Iterator[Prosody]:
    """A real Prosody (XMPP, MAM, carbons, rooms on conference.localhost) for the session.

    Register a fresh user per test (``xmpp_user``) so each archive starts empty.
    """
    _require_prosody()
    server = Prosody(tls=tls_files).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def prosody_no_mam(tls_files: TlsFiles) -> Iterator[Prosody]:
    """A second Prosody that keeps no message archive; started only if asked for."""
    _require_prosody()
    server = Prosody(tls=tls_files, mam=False).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def xmpp_user_factory(prosody: Prosody, request: pytest.FixtureRequest) -> Callable[[], str]:
    """Registers fresh users on the session's Prosody; each call returns a new bare JID."""
    base = re.sub(r"[^a-z0-9]+", "", request.node.name.lower())[:24] or "user"

    def make() -> str:
        return prosody.register(f"{base}{next(_user_counter)}")

    return make


@pytest.fixture(scope="session")
def mastodon_mock() -> Iterator[MastodonMock]:
    """mastodon-mock (a fake of Mastodon's REST API, not a real Mastodon) for the session.

    Make fresh users per test (``mastodon_user_factory``) so each one's history starts empty.
    """
    server = MastodonMock().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mastodon_user_factory(
    mastodon_mock: MastodonMock, request: pytest.FixtureRequest
) -> Callable[[str], tuple[str, str]]:
    """Makes fresh accounts on the session's mastodon-mock: (username, access token)."""
    base = re.sub(r"[^a-z0-9]+", "", request.node.name.lower())[:16] or "user"

    def make(role: str) -> tuple[str, str]:
        username = f"{role}{base}{next(_user_counter)}"
        return username, mastodon_mock.user(username, role.title())

    return make


def _require_synapse() -> None:
    """Skip (locally) or fail (in CI) when Synapse is not installed."""
    if not synapse_available():
        problem = "matrix-synapse is not installed: run scripts/venv.sh test"
        if os.environ.get("CI"):
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)


@pytest.fixture(scope="session")
def synapse() -> Iterator[Synapse]:
    """A real Synapse (Matrix, SQLite, no federation, rate limits off) for the session.

    Register fresh users per test (``matrix_user_factory``) so each history starts empty.
    """
    _require_synapse()
    server = Synapse().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def matrix_user_factory(
    synapse: Synapse, request: pytest.FixtureRequest
) -> Callable[[str], MatrixUser]:
    """Registers fresh users on the session's Synapse: ``make("alice")`` -> MatrixUser."""
    base = re.sub(r"[^a-z0-9]+", "", request.node.name.lower())[:16] or "user"

    def make(role: str) -> MatrixUser:
        return synapse.register(f"{role}{base}{next(_user_counter)}")

    return make


@pytest.fixture(scope="module")
def radicale() -> Iterator[Radicale]:
    """A Radicale of the test module's own (its tests share it), for address books."""
    with Radicale() as server:
        yield server


@pytest.fixture(scope="session")
def radicale_server() -> Iterator[Radicale]:
    """One Radicale for the session (each test adds its own user); calendars whose
    name starts with "locked" are read-only for their owner."""
    with Radicale(locked=True) as server:
        yield server
