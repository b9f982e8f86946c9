"""pytest plugin: a real authoritative DNS server on loopback, serving zones the tests add.

The server is dnslib's (UDP and TCP, in-process threads; /work/shared/docs/test-servers.md
section 4, option A) with a resolver written here, because dnslib's ``ZoneResolver`` answers
NXDOMAIN where a real server answers NOERROR with no data. This one behaves like an
authoritative server for every name it holds:

- a name with records of the asked type: NOERROR with them (TXT keeps its strings apart);
- a name that exists (it has records, or names below it: an empty non-terminal) but not of
  that type: NOERROR, empty answer, SOA in the authority section (NODATA);
- a CNAME is followed inside the data, up to 8 steps, the chain put in the answer; a chain
  ending at a missing name answers NXDOMAIN with the chain;
- ``*.<parent>`` wildcards answer for names that do not exist (RFC 4592, simplified);
- any other name: NXDOMAIN with SOA;
- names registered with :meth:`DnsTestServer.fail` answer SERVFAIL.

Fixture ``dns_server`` (session): a :class:`DnsTestServer` shared by every test of the session;
each test adds records under names of its own. Records are never removed, so a test that
serves names other tests may serve too (``sendgrid.net``, ``_spf.google.com``) starts its own
server with :func:`start_dns_server` (it starts in milliseconds).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest
from dnslib import QTYPE, RCODE, RR, SOA, TXT, DNSLabel, DNSRecord
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSServer

_CHAIN_LIMIT = 8
_TTL = 60


def _key(name: object) -> str:
    return str(name).lower().rstrip(".") + "."


class ZoneData:
    """Resource records by owner name, and every name that exists (with empty non-terminals)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[str, list[RR]] = {}
        self._names: set[str] = set()
        self._failing: set[str] = set()

    def add(self, records: list[RR]) -> None:
        with self._lock:
            for rr in records:
                owner = _key(rr.rname)
                self._records.setdefault(owner, []).append(rr)
                labels = owner.rstrip(".").split(".")
                self._names.update(".".join(labels[i:]) + "." for i in range(len(labels)))

    def fail(self, name: str) -> None:
        with self._lock:
            self._failing.add(_key(name))

    def remove(self, name: str, qtype: int) -> None:
        """Drop *name*'s records of type *qtype* (the name keeps existing)."""
        with self._lock:
            kept = [rr for rr in self._records.get(_key(name), ()) if rr.rtype != qtype]
            self._records[_key(name)] = kept

    def failing(self, name: str) -> bool:
        return _key(name) in self._failing

    def records(self, name: str) -> list[RR]:
        with self._lock:
            return list(self._records.get(_key(name), ()))

    def exists(self, name: str) -> bool:
        with self._lock:
            return _key(name) in self._names

    def lookup(self, name: str) -> list[RR]:
        """The records of *name*, or those of a ``*.<parent>`` wildcard if it does not exist."""
        return self.records(name) or ([] if self.exists(name) else self._wildcard(name))

    def _wildcard(self, name: str) -> list[RR]:
        """``*.<closest encloser>`` records re-owned by *name* (RFC 4592 §3.3.1)."""
        labels = _key(name).rstrip(".").split(".")
        for start in range(1, len(labels)):
            encloser = ".".join(labels[start:]) + "."
            if self.exists(encloser):
                found = self.records("*." + encloser)
                return [RR(DNSLabel(name), rr.rtype, rr.rclass, rr.ttl, rr.rdata) for rr in found]
        return []


class AuthoritativeResolver(BaseResolver):  # type: ignore[misc]
    """Answers from :class:`ZoneData` the way an authoritative server would."""

    def __init__(self, data: ZoneData) -> None:
        self.data = data

    def resolve(self, request: DNSRecord, handler: DNSHandler) -> DNSRecord:
        reply = request.reply()
        qname, qtype = str(request.q.qname), request.q.qtype
        if self.data.failing(qname):
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        name = self._chase(reply, qname, qtype)
        records = self.data.lookup(name)
        wanted = [rr for rr in records if qtype in (rr.rtype, QTYPE.ANY)]
        for rr in wanted:
            reply.add_answer(rr)
        if not wanted:
            exists = self.data.exists(name) or bool(records)
            reply.header.rcode = RCODE.NOERROR if exists else RCODE.NXDOMAIN
            reply.add_auth(_soa(name))
        return reply

    def _chase(self, reply: DNSRecord, name: str, qtype: int) -> str:
        if qtype == QTYPE.CNAME:
            return name
        for _ in range(_CHAIN_LIMIT):
            records = self.data.lookup(name)
            cname = next((rr for rr in records if rr.rtype == QTYPE.CNAME), None)
            if cname is None:
                return name
            reply.add_answer(cname)
            name = str(cname.rdata.label)
        return name


def _soa(name: str) -> RR:
    apex = ".".join(_key(name).rstrip(".").split(".")[-2:]) + "."
    soa = SOA(f"ns.{apex}", f"hostmaster.{apex}", (1, 3600, 600, 86400, _TTL))
    return RR(apex, QTYPE.SOA, ttl=_TTL, rdata=soa)


def txt_strings(text: str) -> list[str]:
    """Split a long TXT value into the 255-octet strings DNS stores (RFC 7208 §3.3)."""
    return [text[i : i + 255] for i in range(0, len(text), 255)] or [""]


class DnsTestServer:
    """A running server: its address, and methods to add records while it runs."""

    def __init__(self, data: ZoneData, port: int) -> None:
        self.data = data
        self.port = port
        self.address = "127.0.0.1"

    @property
    def nameserver(self) -> str:
        """The ``--nameserver`` value that reaches this server."""
        return f"{self.address}:{self.port}"

    def add(self, zone: str) -> None:
        """Add records written in zone-file syntax (absolute names, ending in a dot)."""
        self.data.add(RR.fromZone(zone, ttl=_TTL))

    def add_txt(self, name: str, *texts: str) -> None:
        """Add one TXT record per text; long texts are split into 255-octet strings."""
        self.data.add([RR(name, QTYPE.TXT, ttl=_TTL, rdata=TXT(txt_strings(t))) for t in texts])

    def replace_txt(self, name: str, *texts: str) -> None:
        """Publish *texts* instead of *name*'s TXT records (a record edited between two runs)."""
        self.data.remove(name, QTYPE.TXT)
        self.add_txt(name, *texts)

    def fail(self, name: str) -> None:
        """Make every query for *name* answer SERVFAIL."""
        self.data.fail(name)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        port: int = udp.getsockname()[1]
    return port


def _start(resolver: AuthoritativeResolver) -> tuple[list[DNSServer], int]:
    quiet = DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data")
    last: OSError | None = None
    for _ in range(5):
        port = _free_port()
        try:
            servers = [
                DNSServer(resolver, address="127.0.0.1", port=port, tcp=tcp, logger=quiet)
                for tcp in (False, True)
            ]
        except OSError as exc:  # the port was taken between probing and binding
            last = exc
            continue
        for server in servers:
            server.start_thread()
        return servers, port
    raise RuntimeError(f"could not bind a DNS test server: {last}")


@contextlib.contextmanager
def start_dns_server() -> Iterator[DnsTestServer]:
    """Run a server of one's own: for tests that serve shared names such as ``sendgrid.net``."""
    data = ZoneData()
    servers, port = _start(AuthoritativeResolver(data))
    try:
        yield DnsTestServer(data, port)
    finally:
        for server in servers:
            server.stop()
            server.server.server_close()


@pytest.fixture(scope="session")
def dns_server() -> Iterator[DnsTestServer]:
    """An authoritative DNS server on 127.0.0.1 (UDP and TCP) shared by the whole session."""
    with start_dns_server() as server:
        yield server
