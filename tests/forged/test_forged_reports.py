"""Forged reporters (issue 19, item 1): reports in mail not signed by their reporter don't count.

Reports are imported as mail inputs through the pipeline with the DKIM verifier the command
line wires in, keys served by the loopback DNS server; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dmarcwatch.analysis.api import Query, analyse
from dmarcwatch.analysis.dns.dkim import DkimVerifier
from dmarcwatch.analysis.dns.resolver import Nameserver, ResolverConfig
from dmarcwatch.analysis.findings import Finding
from dmarcwatch.analysis.read import Reader
from dmarcwatch.cli import main
from dmarcwatch.ingest import schema
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store
from dmarcwatch.ingest.verify import mail_only
from tests.forged.mails import (
    DOMAIN,
    Signer,
    mail,
    report,
    sendgrid_failing,
    sendgrid_passing,
)
from tests.servers.dns import DnsTestServer

pytestmark = pytest.mark.dns

SENDGRID_FAILS = "sendgrid-domain-not-authenticated"


def _verdicts(store: Store) -> list[str]:
    r = schema.reports
    with store.engine.connect() as conn:
        return [str(v) for v in conn.scalars(r.select().with_only_columns(r.c.verification))]


def _findings(store: Store, *, include_unverified: bool = False) -> dict[str, Finding]:
    query = Query(
        domains=(DOMAIN,),
        since=dt.datetime(2025, 10, 1, tzinfo=dt.UTC),
        until=dt.datetime(2025, 10, 2, tzinfo=dt.UTC),
        include_unverified=include_unverified,
    )
    result = analyse(Reader(store.engine), query, now=dt.datetime(2025, 10, 3, tzinfo=dt.UTC))
    return {f.code: f for f in result.findings}


def _real(store: Store, google: Signer, verifier: DkimVerifier) -> None:
    xml = report("real-1", [sendgrid_failing()])
    outcome = import_input(
        store, "imap:real", google.sign(mail(xml, name="real-1")), verifier=verifier
    )
    assert outcome.verdicts == (("verified", 1),)


def _forge(store: Store, verifier: DkimVerifier, count: int = 14) -> None:
    for n in range(count):
        xml = report(f"forged-{n}", [sendgrid_passing()])
        outcome = import_input(
            store, f"imap:forged-{n}", mail(xml, name=f"f{n}"), verifier=verifier
        )
        assert (outcome.stored, outcome.verdicts) == (1, (("unverified", 1),))


def test_forged_unsigned_reports_are_set_aside_and_sendgrid_still_fails(
    store: Store, google: Signer, verifier: DkimVerifier
) -> None:
    _real(store, google, verifier)
    _forge(store, verifier)
    findings = _findings(store)
    assert SENDGRID_FAILS in findings
    assert findings[SENDGRID_FAILS].params["share"] == 100
    set_aside = findings["reports-set-aside"]
    assert (set_aside.params["reports"], set_aside.params["unverified"]) == (14, 14)


def test_the_switch_counts_unverified_reports(
    store: Store, google: Signer, verifier: DkimVerifier
) -> None:
    _real(store, google, verifier)
    _forge(store, verifier, count=2)
    findings = _findings(store, include_unverified=True)
    assert findings[SENDGRID_FAILS].params["messages"] == 40
    assert findings[SENDGRID_FAILS].params["share"] == pytest.approx(4.8, abs=0.1)
    assert "reports-set-aside" not in findings


def test_a_correctly_signed_report_counts(
    store: Store, google: Signer, verifier: DkimVerifier
) -> None:
    _real(store, google, verifier)
    assert _verdicts(store) == ["verified"]
    assert "reports-set-aside" not in _findings(store)


def test_a_bad_signature_or_another_domains_signature_is_failed(
    store: Store, google: Signer, verifier: DkimVerifier, dns_server: DnsTestServer
) -> None:
    signed = google.sign(mail(report("tampered", [sendgrid_passing()]), name="t"))
    tampered = signed.replace(b"This is an aggregate", b"This is a forged aggregate")
    import_input(store, "imap:tampered", tampered, verifier=verifier)
    evil = Signer("evil.example")
    evil.publish(dns_server)
    other = evil.sign(mail(report("other", [sendgrid_passing()]), name="o"))
    import_input(store, "imap:other", other, verifier=verifier)
    no_key = Signer("google.com").sign(mail(report("nokey", [sendgrid_passing()]), name="n"))
    import_input(store, "imap:nokey", no_key, verifier=verifier)
    assert _verdicts(store) == ["failed"] * 3
    assert _findings(store, include_unverified=True)["reports-set-aside"].params["failed"] == 3


def test_files_imported_by_hand_count_as_before(store: Store, verifier: DkimVerifier) -> None:
    xml = report("by-hand", [sendgrid_failing()])
    import_input(store, "report.xml", xml, verifier=mail_only(verifier))
    import_input(store, "by-hand.eml", mail(report("by-hand-2", [sendgrid_failing()]), name="h"))
    assert _verdicts(store) == ["not-applicable"] * 2
    findings = _findings(store)
    assert findings[SENDGRID_FAILS].params["messages"] == 80
    assert "reports-set-aside" not in findings


@pytest.fixture
def silent_nameserver() -> Iterator[Nameserver]:
    """A loopback UDP port that never answers: every query times out."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sink:
        sink.bind(("127.0.0.1", 0))
        yield Nameserver("127.0.0.1", sink.getsockname()[1])


def test_dns_timeouts_leave_a_mail_unverified_within_the_deadline(
    store: Store, google: Signer, silent_nameserver: Nameserver
) -> None:
    slow = DkimVerifier(
        ResolverConfig(nameservers=(silent_nameserver,), timeout=0.4), mail_deadline=1.0
    )
    started = time.monotonic()
    outcome = import_input(
        store, "imap:slow", google.sign(mail(report("slow", [sendgrid_failing()]))), verifier=slow
    )
    assert time.monotonic() - started < 3
    assert outcome.verdicts == (("unverified", 1),)


def test_reparse_keeps_the_verdicts_a_mail_got_when_it_arrived(
    tmp_path: Path, google: Signer, verifier: DkimVerifier, capsys: pytest.CaptureFixture[str]
) -> None:
    """DKIM keys rotate: a reparse a year later must neither fail nor trust old mail anew."""
    db = f"sqlite:///{tmp_path / 'store.db'}"
    with Store.open(db) as store:
        _real(store, google, verifier)
        _forge(store, verifier, count=2)
        import_input(store, "by-hand.xml", report("by-hand", [sendgrid_failing()]))
    config = tmp_path / "config.toml"
    config.write_text('[trust]\nnameservers = ["127.0.0.1:9"]\n')  # no DNS answers now
    assert main(["reparse", "--all", "--db", db, "--config", str(config)]) == 0
    capsys.readouterr()
    with Store.open(db) as store:
        assert sorted(_verdicts(store)) == [
            "not-applicable",
            "unverified",
            "unverified",
            "verified",
        ]
