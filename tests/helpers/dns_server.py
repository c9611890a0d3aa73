"""A tiny DNS responder on a loopback UDP port chosen at run time: MX answers from a dict.

Real DNS on the wire (dnspython builds the answers), so the code under test
goes through its real resolver; nothing leaves this machine.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


class MxResponder:
    """Answers MX queries for the domains in `mx` ({domain: [(preference, host)]}).

    Any other name is NXDOMAIN; a domain in `silent` gets no answer at all
    (a server that does not respond). `queries` lists the names asked, in order.
    """

    def __init__(
        self,
        mx: dict[str, list[tuple[int, str]]] | None = None,
        silent: set[str] | None = None,
    ) -> None:
        self.mx = {k.lower().rstrip("."): v for k, v in (mx or {}).items()}
        self.silent = {s.lower().rstrip(".") for s in (silent or set())}
        self.queries: list[str] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.host, self.port = self._sock.getsockname()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="dns-responder", daemon=True)

    @property
    def address(self) -> str:
        """host:port, as $UNIBOX_NAMESERVER takes it."""
        return f"{self.host}:{self.port}"

    def start(self) -> MxResponder:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()

    def __enter__(self) -> MxResponder:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                wire, peer = self._sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                query = dns.message.from_wire(wire)
            except Exception:
                continue  # not DNS: a real server drops it too
            answer = self._answer(query)
            if answer is not None:
                self._sock.sendto(answer.to_wire(), peer)

    def _answer(self, query: dns.message.Message) -> dns.message.Message | None:
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        self.queries.append(name)
        if name in self.silent:
            return None
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        records = self.mx.get(name)
        if records is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif question.rdtype == dns.rdatatype.MX:
            texts = [f"{pref} {host.rstrip('.')}." for pref, host in records]
            response.answer.append(
                dns.rrset.from_text_list(question.name, 300, dns.rdataclass.IN, "MX", texts)
            )
        return response
