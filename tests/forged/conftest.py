"""Fixtures of the forged-report tests: a store per backend, the DKIM verifier the command
line wires in (keys served by the loopback DNS server), and google.com's signing key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dmarcwatch.analysis.dns.dkim import DkimVerifier
from dmarcwatch.analysis.dns.resolver import Nameserver, ResolverConfig
from dmarcwatch.ingest.store import Store
from tests.forged.mails import Signer
from tests.servers.dns import DnsTestServer


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        yield opened


@pytest.fixture
def verifier(dns_server: DnsTestServer) -> DkimVerifier:
    server = Nameserver(dns_server.address, dns_server.port)
    return DkimVerifier(ResolverConfig(nameservers=(server,), timeout=1.0))


@pytest.fixture
def google(dns_server: DnsTestServer) -> Signer:
    signer = Signer("google.com")
    signer.publish(dns_server)
    return signer
