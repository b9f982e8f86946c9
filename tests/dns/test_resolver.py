"""The DNS layer's resolver and the test server: answers, negative answers, failures, limits."""

from __future__ import annotations

import ipaddress
import time

import pytest

from dmarcwatch.analysis.dns.lookup import Status
from dmarcwatch.analysis.dns.resolver import (
    Nameserver,
    NameserverError,
    Resolver,
    ResolverConfig,
    parse_nameserver,
)
from tests.servers.dns import DnsTestServer

pytestmark = pytest.mark.dns


def resolver_for(server: DnsTestServer) -> Resolver:
    return Resolver(ResolverConfig((parse_nameserver(server.nameserver),), timeout=1.0))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1", Nameserver("127.0.0.1", 53)),
        ("127.0.0.1:5353", Nameserver("127.0.0.1", 5353)),
        ("::1", Nameserver("::1", 53)),
        ("[::1]:5353", Nameserver("::1", 5353)),
    ],
)
def test_nameserver_forms(text, expected):
    assert parse_nameserver(text) == expected


def test_a_nameserver_name_is_resolved_to_the_systems_first_address():
    # Debian's /etc/hosts names both loopbacks "localhost"; which comes first is the system's
    # choice (::1 on a stock install, 127.0.0.1 where only that line is present).
    nameserver = parse_nameserver("localhost:5353")
    assert ipaddress.ip_address(nameserver.address).is_loopback
    assert nameserver.port == 5353


@pytest.mark.parametrize("text", ["127.0.0.1:0", "127.0.0.1:x", "[::1", "no-such-host.invalid"])
def test_bad_nameservers_are_refused(text):
    with pytest.raises(NameserverError):
        parse_nameserver(text)


def test_nodata_nxdomain_and_answers_are_told_apart(dns_server):
    dns_server.add_txt("res-a.example.test", "hello")
    resolver = resolver_for(dns_server)
    assert resolver.txt("res-a.example.test").values == ("hello",)
    assert resolver.query("res-a.example.test", "MX").status is Status.NODATA
    assert resolver.query("example.test", "TXT").status is Status.NODATA  # empty non-terminal
    assert resolver.txt("res-none.example.test").status is Status.NXDOMAIN


def test_multi_string_txt_is_joined_without_spaces(dns_server):
    dns_server.add('res-b.example.test. 60 IN TXT "v=spf1 " "ip4:192.0.2.1 -all"\n')
    lookup = resolver_for(dns_server).txt("res-b.example.test")
    assert lookup.values == ("v=spf1 ip4:192.0.2.1 -all",)


def test_cname_chains_are_followed_and_reported(dns_server):
    dns_server.add(
        "res-c.example.test. 60 IN CNAME res-d.example.test.\n"
        "res-d.example.test. 60 IN CNAME res-e.example.test.\n"
        'res-e.example.test. 60 IN TXT "end"\n'
        "res-f.example.test. 60 IN CNAME res-gone.example.test.\n"
    )
    resolver = resolver_for(dns_server)
    lookup = resolver.txt("res-c.example.test")
    assert lookup.values == ("end",) and lookup.canonical == "res-e.example.test"
    assert resolver.query("res-c.example.test", "CNAME").values == ("res-d.example.test",)
    assert resolver.txt("res-f.example.test").status is Status.NXDOMAIN


def test_servfail_is_an_error_value_not_an_exception(dns_server):
    dns_server.fail("res-broken.example.test")
    dns_server.add_txt("res-fine.example.test", "fine")
    resolver = resolver_for(dns_server)
    failures = [resolver.query("res-broken.example.test", t) for t in ("TXT", "MX", "A", "AAAA")]
    assert all(lk.status is Status.ERROR and "SERVFAIL" in lk.error for lk in failures)
    assert resolver.unreachable  # nothing answered yet
    assert resolver.txt("res-fine.example.test").values == ("fine",)  # still asked after that
    assert resolver.failed == 4 and not resolver.unreachable


def test_answers_are_cached_per_check(dns_server):
    dns_server.add_txt("res-cache.example.test", "one")
    resolver = resolver_for(dns_server)
    resolver.txt("res-cache.example.test")
    resolver.txt("RES-CACHE.example.test.")
    assert resolver.answered == 1


def test_an_unreachable_server_stops_being_asked():
    resolver = Resolver(ResolverConfig((Nameserver("127.0.0.1", 9),), timeout=0.2, retries=0))
    started = time.monotonic()
    lookups = [resolver.txt(f"n{i}.example.test") for i in range(20)]
    assert all(lk.status is Status.ERROR for lk in lookups)
    assert "not sent" in lookups[-1].error
    assert resolver.unreachable
    assert time.monotonic() - started < 5


def test_the_deadline_cuts_the_query_in_flight_and_stops_the_run():
    config = ResolverConfig((Nameserver("127.0.0.1", 9),), timeout=5.0, retries=0, deadline=0.5)
    resolver = Resolver(config)
    started = time.monotonic()
    first = resolver.txt("dl-a.example.test")
    assert first.status is Status.ERROR and first.error == "timed out"
    assert time.monotonic() - started < 2  # not the 5 s of the try: the deadline came first
    later = resolver.txt("dl-b.example.test")
    assert later.error == "not sent: past the deadline of 0.5 s"
    assert resolver.expired


def test_a_run_without_deadline_never_expires(dns_server):
    resolver = resolver_for(dns_server)
    assert resolver.time_left is None and not resolver.expired


def test_a_run_sends_at_most_its_query_budget(dns_server):
    dns_server.add_txt("res-budget.example.test", "x")
    config = ResolverConfig((parse_nameserver(dns_server.nameserver),), timeout=1.0, max_queries=2)
    resolver = Resolver(config)
    assert resolver.txt("res-budget.example.test").ok
    assert resolver.query("res-budget.example.test", "A").ok
    refused = resolver.query("res-budget.example.test", "MX")
    assert refused.error == "not sent: over 2 queries for one run"
    assert resolver.txt("res-budget.example.test").ok  # answers already had stay cached


def test_ptr_answers_are_names_without_the_final_dot(dns_server):
    dns_server.add("9.2.0.192.in-addr.arpa. PTR Mail.Example.TEST.")
    lookup = resolver_for(dns_server).query("9.2.0.192.in-addr.arpa", "PTR")
    assert lookup.values == ("mail.example.test",)
