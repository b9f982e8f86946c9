"""``analysis.check.check_domain``: the entry point the HTML report calls."""

from __future__ import annotations

import pytest

from dmarcwatch.analysis.check import CheckFinding, Severity, UnknownSender, check_domain
from dmarcwatch.analysis.dns.names import InvalidDomain
from dmarcwatch.analysis.dns.resolver import ResolverConfig, parse_nameserver
from tests.check.zones import Practice
from tests.servers.dns import DnsTestServer

pytestmark = pytest.mark.dns


def config(dns: DnsTestServer) -> ResolverConfig:
    return ResolverConfig(nameservers=(parse_nameserver(dns.nameserver),), timeout=1.0)


def test_check_domain_returns_findings_worst_first(dns):
    domain = Practice("api-broken.ch", spf=["v=spf1 include:sendgrid.net +all"]).publish(dns)
    findings = check_domain(domain, resolver_config=config(dns), selectors=[], senders=["sendgrid"])
    assert all(isinstance(f, CheckFinding) for f in findings)
    assert findings[0].severity is Severity.CRITICAL
    assert findings[0].code == "spf-permissive-all"
    ranks = [f.severity.rank for f in findings]
    assert ranks == sorted(ranks)


def test_check_domain_speaks_the_language_asked(dns):
    domain = Practice("api-deutsch.ch", spf=[]).publish(dns)
    findings = check_domain(domain, resolver_config=config(dns), language="de")
    missing = next(f for f in findings if f.code == "spf-missing")
    assert "veröffentlicht keinen SPF-Eintrag" in missing.summary


def test_check_domain_refuses_bad_input_before_any_query(dns):
    with pytest.raises(InvalidDomain):
        check_domain("bad domain", resolver_config=config(dns))
    with pytest.raises(UnknownSender):
        check_domain("example.ch", resolver_config=config(dns), senders=["nobody"])
