"""Selectors, senders and SendGrid return paths seen in stored reports are checked too.

A report is imported with ``dmarcwatch import`` into a real SQLite store, then
``dmarcwatch check --db`` reads what it says about the domain.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from dmarcwatch.cli import main
from tests.check.keys import dkim_record
from tests.check.zones import SENDGRID_USER, Practice
from tests.servers.dns import DnsTestServer

pytestmark = pytest.mark.dns

REPORT = """<?xml version="1.0" encoding="UTF-8"?>
<feedback>
  <report_metadata>
    <org_name>google.com</org_name>
    <email>noreply-dmarc-support@google.com</email>
    <report_id>{report_id}</report_id>
    <date_range><begin>{begin}</begin><end>{end}</end></date_range>
  </report_metadata>
  <policy_published>
    <domain>{domain}</domain><adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct>
  </policy_published>
  <record>
    <row>
      <source_ip>149.72.123.4</source_ip><count>12</count>
      <policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated>
    </row>
    <identifiers><header_from>{domain}</header_from></identifiers>
    <auth_results>
      <dkim><domain>{domain}</domain><selector>{selector}</selector><result>pass</result></dkim>
      <dkim><domain>sendgrid.info</domain><selector>smtpapi</selector><result>pass</result></dkim>
      <spf><domain>em4321.{domain}</domain><result>pass</result></spf>
    </auth_results>
  </record>
</feedback>
"""


def import_report(tmp_path: Path, domain: str, selector: str) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    now = int(time.time())
    xml = REPORT.format(
        report_id=f"r-{domain}", begin=now - 2 * 86400, end=now - 86400, domain=domain,
        selector=selector,
    )  # fmt: skip
    path = tmp_path / f"google.com!{domain}!{now - 2 * 86400}!{now - 86400}.xml"
    path.write_text(xml, encoding="utf-8")
    assert main(["import", str(path), "--db", url, "-q"]) == 0
    return url


def check(capsys: pytest.CaptureFixture[str], dns: DnsTestServer, domain: str, url: str) -> list:
    code = main(["check", domain, "--db", url, "--nameserver", dns.nameserver, "--json"])
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def test_selectors_senders_and_return_paths_come_from_the_reports(tmp_path, capsys, dns):
    practice = Practice("learnt.ch")
    practice.extra = f"em4321.$D. 60 IN CNAME {SENDGRID_USER}.\n"
    domain = practice.publish(dns)
    dns.add_txt(f"custom1._domainkey.{domain}", dkim_record(2048, seed=21))
    capsys.readouterr()
    url = import_report(tmp_path, domain, "custom1")
    findings = check(capsys, dns, domain, url)
    oks = " ".join(f["summary"] for f in findings if f["severity"] == "ok")
    assert f"custom1._domainkey.{domain}" in oks
    assert f"s1._domainkey.{domain}" in oks and f"s2._domainkey.{domain}" in oks
    assert f"em4321.{domain}" in oks  # the return path named by the report's SPF domain
    assert {f["severity"] for f in findings} <= {"ok", "info"}


def test_a_selector_seen_in_reports_without_a_key_is_critical(tmp_path, capsys, dns):
    domain = Practice("learnt-missing.ch").publish(dns)
    capsys.readouterr()
    url = import_report(tmp_path, domain, "gone")
    findings = check(capsys, dns, domain, url)
    missing = [f for f in findings if f["code"] == "dkim-missing"]
    assert [f["severity"] for f in missing] == ["critical"]
    assert f"gone._domainkey.{domain}" in missing[0]["summary"]


def test_an_explicit_store_that_does_not_exist_is_an_error(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'absent.db'}"
    code = main(["check", "example.ch", "--db", url, "--nameserver", "127.0.0.1:9"])
    assert code == 66  # EX_NOINPUT: nothing to read, and nothing was created
    assert "absent.db" in capsys.readouterr().err


def test_a_sender_seen_only_in_the_reports_must_be_in_the_spf_record(tmp_path, capsys, dns):
    practice = Practice("seen-only.ch", spf=["v=spf1 ~all"], s1=None, s2=None, return_path=None)
    domain = practice.publish(dns)
    capsys.readouterr()
    url = import_report(tmp_path, domain, "custom1")
    findings = check(capsys, dns, domain, url)
    covered = [f for f in findings if f["code"] == "spf-sender-not-covered"]
    assert [f["evidence"]["found_by"] for f in covered] == ["reports"]
    assert "stored reports" in covered[0]["summary"]
