"""The SPF walker's RFC 7208 limits: 10 DNS-querying terms, 2 void look-ups, loops, targets once.

Most tests walk records served by the real loopback DNS server; the fan-out tests use a fake
that counts the queries, which the resolver's cache would otherwise hide.
"""

from __future__ import annotations

from collections import Counter

import pytest

from dmarcwatch.analysis.dns.lookup import Lookup, Status
from dmarcwatch.analysis.dns.resolver import Resolver, ResolverConfig, parse_nameserver
from dmarcwatch.analysis.dns.spf import parse_spf
from dmarcwatch.analysis.dns.spfwalk import SpfWalk, walk_spf
from tests.servers.dns import DnsTestServer


def resolver_for(server: DnsTestServer) -> Resolver:
    return Resolver(ResolverConfig((parse_nameserver(server.nameserver),), timeout=1.0))


def walk(server: DnsTestServer, domain: str, text: str) -> SpfWalk:
    return walk_spf(resolver_for(server), domain, parse_spf(text), addresses=True)


def includes(server: DnsTestServer, zone: str, count: int) -> str:
    """*count* include targets, the i-th authorising 192.0.2.i; their include terms."""
    for i in range(1, count + 1):
        server.add_txt(f"l{i}.{zone}", f"v=spf1 ip4:192.0.2.{i} -all")
    return " ".join(f"include:l{i}.{zone}" for i in range(1, count + 1))


@pytest.mark.dns
def test_ten_dns_querying_terms_are_within_the_limit(dns_server):
    terms = includes(dns_server, "walk-ten.test", 10)
    found = walk(dns_server, "walk-ten.test", f"v=spf1 {terms} -all")
    assert found.lookup_count == 10
    assert not found.over_limits
    assert found.networks == [f"192.0.2.{i}/32" for i in range(1, 11)]


@pytest.mark.dns
def test_the_eleventh_dns_querying_term_exceeds_the_limit_and_authorises_nothing(dns_server):
    terms = includes(dns_server, "walk-eleven.test", 11)
    found = walk(dns_server, "walk-eleven.test", f"v=spf1 {terms} ip4:198.51.100.0/24 -all")
    assert found.lookup_count == 11
    assert found.over_limits
    # A receiver stops with permerror at the 11th term: nothing from there on is authorised.
    assert found.networks == [f"192.0.2.{i}/32" for i in range(1, 11)]


@pytest.mark.dns
def test_a_third_void_lookup_exceeds_the_limit(dns_server):
    dns_server.add("host.walk-void.test. A 203.0.113.1")
    two = "a:gone1.walk-void.test a:gone2.walk-void.test"
    within = walk(dns_server, "walk-void.test", f"v=spf1 {two} ip4:192.0.2.0/24 -all")
    assert within.void_count == 2 and not within.over_limits
    assert within.networks == ["192.0.2.0/24"]
    three = f"v=spf1 {two} a:host.walk-void.test a:gone3.walk-void.test ip4:192.0.2.0/24 -all"
    over = walk(dns_server, "walk-void.test", three)
    assert over.void_count == 3 and over.over_limits
    gone = "a:gone3.walk-void.test (gone3.walk-void.test: no such name)"
    assert over.voids[-1] == f"walk-void.test: {gone}"
    assert over.networks == ["203.0.113.1/32"]  # met before the third void look-up


@pytest.mark.dns
def test_an_include_loop_is_cut_and_reported(dns_server):
    dns_server.add_txt("a.walk-loop.test", "v=spf1 include:b.walk-loop.test -all")
    dns_server.add_txt("b.walk-loop.test", "v=spf1 ip4:192.0.2.9 include:a.walk-loop.test -all")
    found = walk(dns_server, "a.walk-loop.test", "v=spf1 include:b.walk-loop.test -all")
    assert found.broken == [
        "b.walk-loop.test: include:a.walk-loop.test loops back to a.walk-loop.test"
    ]
    assert found.lookup_count == 2
    assert found.networks == ["192.0.2.9/32"]


@pytest.mark.dns
def test_a_redirect_loop_is_cut_too(dns_server):
    dns_server.add_txt("walk-redirect.test", "v=spf1 redirect=walk-redirect.test")
    found = walk(dns_server, "walk-redirect.test", "v=spf1 redirect=walk-redirect.test")
    loop = "redirect=walk-redirect.test loops back to walk-redirect.test"
    assert found.broken == [f"walk-redirect.test: {loop}"]
    assert found.final_all is None


@pytest.mark.dns
def test_only_pass_terms_reached_through_pass_includes_are_authorised(dns_server):
    dns_server.add_txt("soft.walk-q.test", "v=spf1 ip4:198.51.100.0/24 -all")
    dns_server.add("web.walk-q.test. A 203.0.113.7\nweb.walk-q.test. AAAA 2001:db8::7")
    dns_server.add("walk-q.test. MX 10 mx.walk-q.test.\nmx.walk-q.test. A 203.0.113.25")
    record = (
        "v=spf1 -ip4:192.0.2.1 ~include:soft.walk-q.test a:web.walk-q.test/24//64 mx "
        "ip6:2001:db8:1::/48 -all"
    )
    found = walk(dns_server, "walk-q.test", record)
    expected = ["203.0.113.0/24", "2001:db8::/64", "203.0.113.25/32", "2001:db8:1::/48"]
    assert found.networks == expected


@pytest.mark.dns
def test_the_check_walk_asks_only_what_a_receiver_asks(dns_server):
    """Without ``addresses`` the walk sends no address queries for mx hosts or AAAA after A."""
    dns_server.add("walk-plain.test. A 203.0.113.8\nwalk-plain.test. MX 10 mx.walk-plain.test.")
    resolver = resolver_for(dns_server)
    found = walk_spf(resolver, "walk-plain.test", parse_spf("v=spf1 a mx -all"))
    assert found.lookup_count == 2 and found.networks == []
    assert resolver.answered == 2  # A and MX, nothing else


class CountingFake:
    """TXT records from a dict, no cache: every query is counted."""

    def __init__(self, records: dict[str, str]) -> None:
        self.records = records
        self.asked: Counter[tuple[str, str]] = Counter()

    def query(self, name: str, rdtype: str) -> Lookup:
        self.asked[(name, rdtype)] += 1
        if rdtype == "TXT" and name in self.records:
            return Lookup(name, rdtype, Status.ANSWER, (self.records[name],))
        return Lookup(name, rdtype, Status.NODATA)

    def txt(self, name: str) -> Lookup:
        return self.query(name, "TXT")


def test_a_target_reached_twice_is_fetched_once_but_counted_twice():
    fake = CountingFake(
        {
            "m1.test": "v=spf1 include:shared.test -all",
            "m2.test": "v=spf1 include:shared.test -all",
            "shared.test": "v=spf1 ip4:192.0.2.0/24 exists:x.test -all",
        }
    )
    found = walk_spf(fake, "root.test", parse_spf("v=spf1 include:m1.test include:m2.test -all"))
    assert fake.asked[("shared.test", "TXT")] == 1
    assert fake.asked[("x.test", "A")] == 1
    # root: 2 includes; m1 and m2: 1 include each; shared: exists, evaluated twice.
    assert found.lookup_count == 6
    assert found.void_count == 2  # exists:x.test answers nothing, each time it is evaluated
    assert len(found.lookups) == 5  # evidence: each term walked once
    assert found.networks == ["192.0.2.0/24"]


def test_a_doubling_include_tree_cannot_make_the_walk_fan_out():
    depth = 20  # 2**20 visits if every include were walked again
    twice = "v=spf1 include:d{0}.test include:d{0}.test -all"
    records = {f"d{i}.test": twice.format(i + 1) for i in range(depth)}
    records[f"d{depth}.test"] = "v=spf1 -all"
    fake = CountingFake(records)
    found = walk_spf(fake, "d0.test", parse_spf(records["d0.test"]))
    # Depth first: the first include of each level is the next look-up, up to the 11th (d10's);
    # the second include of d0..d10 is counted without asking DNS.
    assert found.stopped == "d10.test: include:d11.test"
    assert found.lookup_count == 11 + 11
    assert sum(fake.asked.values()) == 10
    assert max(fake.asked.values()) == 1


def test_nothing_is_asked_of_dns_past_the_eleventh_lookup():
    records = {f"t{i}.test": f"v=spf1 include:u{i}.test -all" for i in range(1, 13)}
    records |= {f"u{i}.test": f"v=spf1 ip4:192.0.2.{i} -all" for i in range(1, 13)}
    terms = " ".join(f"include:t{i}.test" for i in range(1, 13))
    fake = CountingFake(records)
    found = walk_spf(fake, "root.test", parse_spf(f"v=spf1 {terms} a mx -all"))
    # t1, u1, …, t5, u5 are the first ten look-ups; include:t6 is the 11th, where a receiver
    # stops; t7..t12, a and mx of the root are counted, never asked.
    assert found.over_limits
    assert found.stopped == "root.test: include:t6.test"
    assert found.lookup_count == 11 + 6 + 2
    assert set(fake.asked) == {(f"{p}{i}.test", "TXT") for p in "tu" for i in range(1, 6)}
