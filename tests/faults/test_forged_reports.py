"""Forged reporters as an attacker would send them (issue 19, items 1 and 2), end to end.

Anyone can mail the rua address. ``import --verify-mail`` (what ``poll`` does for every
message) keeps every forged report, but the analysis sets them aside: ``diagnose`` keeps saying
SendGrid fails, says how many reports it set aside, and reports the disputed key. Signatures
by the hundred and oversized keys cost a bounded number of look-ups.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from dmarcwatch.analysis.dns.dkim import MAX_SIGNATURES, DkimVerifier
from dmarcwatch.analysis.dns.resolver import Nameserver, ResolverConfig
from dmarcwatch.cli import main
from tests.forged.mails import DOMAIN, Signer, mail, report, sendgrid_failing, sendgrid_passing
from tests.servers.dns import DnsTestServer

pytestmark = pytest.mark.dns

KEY_ID = "17395550000002"


@pytest.fixture
def config(tmp_path: Path, dns_server: DnsTestServer) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[trust]\nnameservers = ["{dns_server.nameserver}"]\n')
    return path


def _maildir(root: Path, messages: list[bytes]) -> Path:
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    for n, data in enumerate(messages):
        (root / "new" / f"{n:04d}.mail").write_bytes(data)
    return root


def _readiness(findings: dict[str, dict[str, Any]]) -> str:
    return str(findings["policy-readiness"]["evidence"]["state"])


def test_fourteen_forged_google_reports_do_not_make_the_domain_ready(
    tmp_path: Path,
    config: Path,
    dns_server: DnsTestServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    google = Signer("google.com")
    google.publish(dns_server)
    real = [
        google.sign(mail(report(f"{KEY_ID}{d}", [sendgrid_failing()], day=d), name=f"r{d}"))
        for d in range(14)
    ]
    forged = [mail(report(f"{KEY_ID}0", [sendgrid_passing()]), name="f-key")]
    forged += [
        mail(report(f"f{d}", [sendgrid_passing()], day=d), name=f"f{d}") for d in range(1, 14)
    ]
    inbox = _maildir(tmp_path / "Maildir", [*forged, *real])
    db = f"sqlite:///{tmp_path / 'store.db'}"
    common = ["--config", str(config), "--db", db]

    assert main(["import", *common, "--verify-mail", str(inbox)]) == 0
    out, err = capsys.readouterr()
    assert "28 reports stored" in out and "14 DKIM-verified, 14 not (set aside)" in out
    assert "1 disputing a stored report's key" in out
    assert "dmarcwatch: disputed " in err

    diagnose = ["diagnose", *common, "--domain", DOMAIN, "--since", "2025-10-01", "--json"]
    assert main(diagnose) == 0
    findings = {f["code"]: f for f in json.loads(capsys.readouterr().out)}
    assert findings["sendgrid-domain-not-authenticated"]["evidence"]["share"] == 100
    assert findings["reports-set-aside"]["evidence"]["reports"] == 14
    assert findings["report-key-disputed"]["evidence"]["state"] == "decided"
    assert _readiness(findings) == "blocked"

    assert main([*diagnose, "--include-unverified"]) == 0  # what the attack did before
    fooled = {f["code"]: f for f in json.loads(capsys.readouterr().out)}
    assert fooled["sendgrid-domain-not-authenticated"]["evidence"]["share"] < 10

    assert main(diagnose[:-1]) == 0
    assert "14 reports for email.physio-muster.ch were set aside" in capsys.readouterr().out


def test_hundreds_of_signatures_cost_a_bounded_number_of_look_ups(
    dns_server: DnsTestServer,
) -> None:
    signers = [Signer(f"n{n}.evil.example") for n in range(3)]
    message = mail(report("many", [sendgrid_passing()]))
    for signer in signers:
        message = signer.sign(message)
    header = message[: message.index(b"\r\n") + 2]
    bomb = header * 300 + message
    server = Nameserver(dns_server.address, dns_server.port)
    verifier = DkimVerifier(ResolverConfig(nameservers=(server,), timeout=0.5))
    started = time.monotonic()
    checked = verifier(bomb)
    assert time.monotonic() - started < 10
    assert len(checked.signatures) == MAX_SIGNATURES
    assert checked.verdict("noreply-dmarc-support@google.com", "google.com") == "failed"


def test_an_oversized_key_record_is_refused(dns_server: DnsTestServer) -> None:
    google = Signer("google.com")
    dns_server.add_txt(f"{google.selector}._domainkey.google.com.", google.record() + " " * 5000)
    server = Nameserver(dns_server.address, dns_server.port)
    verifier = DkimVerifier(ResolverConfig(nameservers=(server,), timeout=0.5))
    checked = verifier(google.sign(mail(report("big-key", [sendgrid_failing()]))))
    assert checked.verdict("noreply-dmarc-support@google.com", "google.com") == "failed"
