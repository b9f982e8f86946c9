"""Names, and the one tree walk over live DNS and over known records (no DNS)."""

from __future__ import annotations

import pytest

from dmarcwatch.analysis.dns.discovery import OrgDomains, tree_walk, tree_walk_org_domain
from dmarcwatch.analysis.dns.names import (
    InvalidDomain,
    normalise_domain,
    psl_org_domain,
    reverse_name,
)
from dmarcwatch.analysis.dns.resolver import Resolver, ResolverConfig, parse_nameserver
from dmarcwatch.analysis.errors import AnalysisError


def test_domain_names_are_lower_case_a_labels_without_the_final_dot():
    assert normalise_domain(" Praxis-Müller.CH. ") == "xn--praxis-mller-klb.ch"


@pytest.mark.parametrize("text", ["", "a..ch", "-a.ch", "a" * 64 + ".ch", "a b.ch"])
def test_bad_names_raise_an_analysis_error_that_is_a_value_error(text):
    with pytest.raises(InvalidDomain) as caught:
        normalise_domain(text)
    assert isinstance(caught.value, AnalysisError) and isinstance(caught.value, ValueError)


def test_reverse_names_of_both_address_families():
    assert reverse_name("192.0.2.5") == "5.2.0.192.in-addr.arpa"
    assert reverse_name("2001:db8::1").endswith(".8.b.d.0.1.0.0.2.ip6.arpa")
    assert reverse_name("not-an-ip") is None


def test_the_psl_org_domain_is_cached_once_per_name():
    psl_org_domain.cache_clear()
    for _ in range(3):
        assert psl_org_domain("a.b.example.co.uk") == "example.co.uk"
    assert psl_org_domain.cache_info().hits == 2


@pytest.mark.dns
def test_the_tree_walk_finds_the_same_org_domain_over_dns_and_over_known_records(dns_server):
    records = {
        "tw.example-walk.ch": ["v=DMARC1; p=none"],
        "example-walk.ch": ["v=DMARC1; p=reject", "not dmarc"],
        "ps.example-walk.ch": ["v=DMARC1; psd=n"],
    }
    for name, texts in records.items():
        dns_server.add_txt(f"_dmarc.{name}", *texts)
    resolver = Resolver(ResolverConfig((parse_nameserver(dns_server.nameserver),), timeout=1.0))
    known = OrgDomains(records)
    for name in ("a.b.tw.example-walk.ch", "x.ps.example-walk.ch", "example-walk.ch"):
        live = tree_walk(resolver, name).org_domain
        assert live == tree_walk_org_domain(name, records) == known.tree(name)
    assert known.tree("a.b.tw.example-walk.ch") == "example-walk.ch"
    assert known.tree("x.ps.example-walk.ch") == "ps.example-walk.ch"
