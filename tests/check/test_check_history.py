"""``dmarcwatch check`` keeps each run in the store; a record edited between two runs is a
``dns-changed`` finding, and the latest run's critical findings are read back as findings.

Against the real loopback DNS server, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from dmarcwatch.analysis.check.history import stored_findings
from dmarcwatch.analysis.messages import render
from dmarcwatch.analysis.read import Reader
from dmarcwatch.cli import main
from dmarcwatch.ingest.store import Store
from tests.check.test_check_store import REPORT
from tests.check.zones import Practice
from tests.servers.dns import DnsTestServer

pytestmark = pytest.mark.dns

OLD_SPF = "v=spf1 include:sendgrid.net ~all"
NEW_SPF = "v=spf1 include:sendgrid.net -all"


def _import(tmp_path: Path, url: str, domain: str, selector: str = "s1") -> None:
    now = int(time.time())
    xml = REPORT.format(
        report_id=f"r-{domain}", begin=now - 2 * 86400, end=now - 86400, domain=domain,
        selector=selector,
    )  # fmt: skip
    path = tmp_path / f"google.com!{domain}!{now}.xml"
    path.write_text(xml, encoding="utf-8")
    assert main(["import", str(path), "--db", url, "-q"]) == 0


def _check(capsys, dns: DnsTestServer, url: str, *target: str) -> list[dict[str, object]]:
    code = main(["check", *target, "--db", url, "--nameserver", dns.nameserver, "--json"])
    assert code == 0
    found: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return found


def test_a_changed_spf_record_is_told_with_before_and_after(tmp_path, capsys, dns, store_url):
    domain = Practice(f"drift-{tmp_path.name[-8:].lower()}.ch").publish(dns)
    _import(tmp_path, store_url, domain)
    first = _check(capsys, dns, store_url, domain)
    assert "dns-changed" not in {f["code"] for f in first}
    dns.replace_txt(domain, NEW_SPF)
    second = _check(capsys, dns, store_url, domain)
    changed = [f for f in second if f["code"] == "dns-changed"]
    assert len(changed) == 1
    evidence = changed[0]["evidence"]
    assert evidence["kind"] == "SPF" and evidence["name"] == domain
    assert (evidence["before"], evidence["after"]) == (OLD_SPF, NEW_SPF)
    assert f"Before: {OLD_SPF} Now: {NEW_SPF}" in str(changed[0]["summary"])
    third = _check(capsys, dns, store_url, domain)  # unchanged since: nothing to tell
    assert "dns-changed" not in {f["code"] for f in third}


def test_stored_findings_give_the_change_and_critical_findings(tmp_path, capsys, dns, store_url):
    domain = Practice(f"crit-{tmp_path.name[-8:].lower()}.ch").publish(dns)
    _import(tmp_path, store_url, domain, selector="gone")  # no key behind it: critical
    _check(capsys, dns, store_url, domain)
    dns.replace_txt(f"_dmarc.{domain}", "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.ch")
    _check(capsys, dns, store_url, domain)
    with Store.open(store_url, create=False) as store:
        found = stored_findings(Reader(store.engine), [domain])
        earlier = stored_findings(Reader(store.engine), [domain], as_of=_long_ago())
    codes = [(f.code, str(f.severity)) for f in found]
    assert ("dns-changed", "warning") in codes
    assert ("dkim-missing", "critical") in codes
    changed = next(f for f in found if f.code == "dns-changed")
    assert changed.params["kind"] == "DMARC" and changed.sender == f"dmarc:_dmarc.{domain}"
    missing = next(f for f in found if f.code == "dkim-missing")
    assert f"gone._domainkey.{domain}" in render(missing, "de").summary
    assert earlier == []


def test_check_all_checks_every_domain_of_the_store(tmp_path, capsys, dns):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    domains = [Practice(f"all{n}-{tmp_path.name[-6:].lower()}.ch").publish(dns) for n in (1, 2)]
    for domain in domains:
        _import(tmp_path, url, domain)
    found = _check(capsys, dns, url, "--all")
    assert {f["domain"] for f in found} == set(domains)
    with Store.open(url, create=False) as store:
        assert set(Reader(store.engine).check_runs(domains)) == set(domains)


def test_check_all_needs_a_store_and_no_domain(tmp_path, capsys):
    assert main(["check", "--all", "example.ch", "--no-store"]) == 64
    url = f"sqlite:///{tmp_path / 'absent.db'}"
    assert main(["check", "--all", "--db", url]) == 66


def test_without_a_store_nothing_is_recorded_and_the_check_still_runs(capsys, dns):
    domain = Practice("nostore-drift.ch").publish(dns)
    assert main(["check", domain, "--no-store", "--nameserver", dns.nameserver, "--json"]) == 0


def _long_ago():
    import datetime as dt

    return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def test_a_rotated_dkim_key_of_a_selector_from_the_reports_is_a_change(tmp_path, capsys, dns):
    from tests.check.keys import dkim_record

    url = f"sqlite:///{tmp_path / 'store.db'}"
    domain = Practice(f"dkim-{tmp_path.name[-8:].lower()}.ch").publish(dns)
    selector = f"custom1._domainkey.{domain}"
    dns.add_txt(selector, dkim_record(2048, seed=31))
    _import(tmp_path, url, domain, selector="custom1")
    _check(capsys, dns, url, domain)
    dns.replace_txt(selector, dkim_record(2048, seed=32))
    changed = [f for f in _check(capsys, dns, url, domain) if f["code"] == "dns-changed"]
    assert [(f["evidence"]["kind"], f["evidence"]["name"]) for f in changed] == [("DKIM", selector)]
    assert changed[0]["evidence"]["before"] == dkim_record(2048, seed=31)
