"""DNS check tests: a DNS server of their own for the session, with the providers' zones.

The DNS check tests serve ``sendgrid.net`` and other providers' names exactly as they need
them, so they do not share the session-wide ``dns_server`` (other tests serve those names
differently there).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.check.zones import add_providers
from tests.servers.dns import DnsTestServer, start_dns_server


@pytest.fixture(scope="session")
def dns() -> Iterator[DnsTestServer]:
    """A DNS server serving sendgrid.net and the other providers, for the DNS check tests."""
    with start_dns_server() as server:
        add_providers(server)
        yield server
