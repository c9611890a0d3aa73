"""Where and how to reach a mail server: the same for IMAP, POP3 and SMTP."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServerEndpoint:
    """Where and how to reach a server (the password travels separately).

    Each protocol has its own kind (ImapEndpoint, Pop3Endpoint, SmtpEndpoint),
    so that one is never handed to another's client.
    """

    host: str
    port: int
    security: str  # "ssl" | "starttls" | "plain"
    username: str
    ca_file: str = ""
    fingerprint: str = ""  # SHA-256 of the server certificate, hex (colons allowed)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"
