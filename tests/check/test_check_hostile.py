"""``dmarcwatch check`` against hostile DNS data and forged reports (issue 19, items 10 and 12),
on the real loopback DNS server: an SPF include fan-out, slow answers, a forged report naming
2,000 DKIM selectors, and DNS text full of control and invisible characters."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dmarcwatch.cli import main
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store
from tests.check.keys import dkim_record
from tests.ingest.reportxml import Report, Row
from tests.servers.dns import DnsTestServer, start_dns_server

pytestmark = pytest.mark.dns

Findings = list[dict[str, Any]]


def run_check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, Findings]:
    code = main(["check", *argv, "--json"])
    out = capsys.readouterr().out
    return code, out, json.loads(out)


def publish_fan_out(dns: DnsTestServer, domain: str) -> None:
    """11 names, each including the next six times: 6**10 evaluations if walked naively."""
    names = [f"n{i}.{domain}" for i in range(11)]
    dns.add_txt(domain, f"v=spf1 include:{names[0]} ~all")
    for name, following in zip(names, [*names[1:], None], strict=True):
        terms = f"include:{following} " * 6 if following else "ip4:192.0.2.1 "
        dns.add_txt(name, f"v=spf1 {terms}~all")
    dns.add_txt(f"_dmarc.{domain}", "v=DMARC1; p=none")


def test_an_spf_include_fan_out_walks_each_name_once(capsys, dns):
    domain = "email.fanout.ch"
    publish_fan_out(dns, domain)
    started = time.monotonic()
    code, _, findings = run_check(capsys, domain, "--nameserver", dns.nameserver, "--no-store")
    assert code == 0
    assert time.monotonic() - started < 15
    limit = [f for f in findings if f["code"] == "spf-too-many-lookups"]
    assert len(limit) == 1 and limit[0]["severity"] == "critical"
    assert len(findings) < 20


class SlowRelay:
    """A UDP relay to the test DNS server that holds every answer back *delay* seconds: slow
    answers that still arrive within the per-try timeout."""

    def __init__(self, upstream: str, delay: float) -> None:
        host, _, port = upstream.rpartition(":")
        self.upstream = (host, int(port))
        self.delay = delay
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.nameserver = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.closed = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.closed.is_set():
            try:
                query, client = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._answer, args=(query, client), daemon=True).start()

    def _answer(self, query: bytes, client: tuple[str, int]) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as up:
            up.settimeout(2)
            up.sendto(query, self.upstream)
            answer = up.recv(65535)
        time.sleep(self.delay)
        if not self.closed.is_set():
            self.sock.sendto(answer, client)

    def close(self) -> None:
        self.closed.set()
        self.sock.close()


@pytest.fixture
def slow_dns() -> Iterator[tuple[DnsTestServer, SlowRelay]]:
    with start_dns_server() as dns:
        relay = SlowRelay(dns.nameserver, delay=1.2)
        try:
            yield dns, relay
        finally:
            relay.close()


def test_slow_answers_stop_at_the_check_deadline(capsys, slow_dns):
    dns, relay = slow_dns
    domain = "email.slow.ch"
    publish_fan_out(dns, domain)  # a dozen names, each answered after 1.2 s
    started = time.monotonic()
    code, _, findings = run_check(
        capsys, domain, "--nameserver", relay.nameserver, "--no-store", "--deadline", "4"
    )
    took = time.monotonic() - started
    assert took < 10, took
    assert code == 0
    errors = [f for f in findings if f["code"] == "dns-error"]
    assert errors and any("deadline" in json.dumps(f) for f in errors)


def test_check_refuses_a_deadline_out_of_range(capsys):
    assert main(["check", "example.ch", "--deadline", "0", "--no-store"]) == 64
    assert "--deadline" in capsys.readouterr().err


def _report(report_id: str, org: str, domain: str, selectors: list[str], begin: int) -> bytes:
    rows = [
        Row(
            header_from=domain,
            envelope_from=domain,
            dkim_results=[(domain, s, "pass") for s in selectors[i : i + 100]],
            spf_results=[(domain, "mfrom", "pass")],
        )
        for i in range(0, len(selectors), 100)
    ]
    report = Report(
        org=org,
        email=f"dmarc@{org}",
        report_id=report_id,
        begin=str(begin),
        end=str(begin + 86399),
        domain=domain,
        rows=rows,
    )
    return report.xml().encode()


def test_a_forged_report_naming_2000_selectors_cannot_crowd_out_the_real_one(
    capsys, dns, tmp_path: Path
):
    domain = "email.selectors.ch"
    dns.add_txt(domain, "v=spf1 ip4:192.0.2.1 -all")
    dns.add_txt(f"_dmarc.{domain}", "v=DMARC1; p=none")
    dns.add_txt(f"real1._domainkey.{domain}", dkim_record(2048, seed=21))
    begin = int(time.time()) - 3 * 86400
    db = tmp_path / "store.db"
    forged = [f"f{i:04d}" for i in range(2000)]
    with Store.open(str(db)) as store:
        for n, org in enumerate(("google.com", "outlook.com", "yahoo.com")):
            real = _report(f"real-{n}", org, domain, ["real1"], begin)
            assert not import_input(store, f"real{n}.xml", real).rejected
        data = _report("forged-1", "google.com", domain, forged, begin + 86400)
        assert not import_input(store, "forged.xml", data).rejected

    code, _, findings = run_check(capsys, domain, "--nameserver", dns.nameserver, "--db", str(db))
    assert code == 0
    assert len(findings) < 30, len(findings)
    ok = [f for f in findings if f["code"] == "dkim-ok"]
    assert any("real1" in json.dumps(f) for f in ok), findings
    capped = [f for f in findings if f["code"] == "dkim-selectors-capped"]
    assert len(capped) == 1 and "1991" in capped[0]["summary"]  # 2001 seen, 10 checked


def test_json_output_is_ascii_without_control_characters(capsys, dns):
    domain = "email.evil-txt.ch"
    evil = "\x1b]0;owned\x07\x1b[2J\u202egro.elgoog\u200e\u2060\ufeff\U000e0041\x7f"
    dns.add_txt(domain, f"v=spf1 include:{evil}.example ~all", f"v=spf1 {evil} -all")
    dns.add_txt(f"_dmarc.{domain}", f"v=DMARC1; p=none; rua=mailto:{evil}@example.net")
    _, out, findings = run_check(capsys, domain, "--nameserver", dns.nameserver, "--no-store")
    assert findings
    assert out.isascii()
    assert not [c for c in out if (ord(c) < 32 and c != "\n") or ord(c) == 0x7F]
