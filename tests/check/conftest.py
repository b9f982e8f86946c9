"""Posture tests: one DNS server for the session, with the providers' zones loaded once."""

from __future__ import annotations

import pytest

from tests.check.zones import add_providers
from tests.servers.dns import DnsTestServer


@pytest.fixture(scope="session")
def dns(dns_server: DnsTestServer) -> DnsTestServer:
    """The session's DNS server, serving sendgrid.net and the other providers."""
    add_providers(dns_server)
    return dns_server
