"""Rules on hand-built rows: the edge cases the scenario files do not cover."""

from __future__ import annotations

import datetime as dt

import pytest

from dmarcwatch.analysis import columns as c
from dmarcwatch.analysis.api import prepare
from dmarcwatch.analysis.catalogue import load_catalogue
from dmarcwatch.analysis.findings import Severity
from dmarcwatch.analysis.languages import LANGUAGES
from dmarcwatch.analysis.messages import render
from dmarcwatch.analysis.rules import Context, diagnose
from tests.analysis.frames import DAY0, row, rows

D = "email.physio.ch"
SIGNED = f"{D}|s1|pass sendgrid.info|smtpapi|pass"
NOW = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)


def _findings(*items, records=(D,)):
    catalogue = load_catalogue()
    frame = prepare(None, rows(*items), catalogue, list(records))
    ctx = Context(
        domain=D,
        rows=frame,
        history=frame,
        catalogue=catalogue,
        activity=None,
        store_last_begin=None,
        last_begin=None,
        now=NOW,
    )
    return [f for f in diagnose(ctx) if f.code != "no-reports"], frame


def _codes(findings):
    return {(f.code, str(f.severity)) for f in findings}


def test_srs_forwarder_with_unaligned_spf_pass_is_forwarding_not_an_unknown_sender():
    findings, frame = _findings(
        row("149.72.1.1", D, dkim=SIGNED, spf=f"em1234.{D}|mfrom|pass"),
        row("198.51.100.20", D, dkim=SIGNED, spf="srs.forwarder.example|mfrom|pass"),
    )
    assert list(frame[c.FORWARDED]) == [False, True]
    codes = {f.code for f in findings}
    assert "forwarding" in codes and "unknown-sender-passing" not in codes


def test_sendgrid_return_path_on_another_domain_without_own_signature_is_other_domain():
    findings, _ = _findings(
        row(
            "149.72.1.1",
            D,
            dkim="sendgrid.info|smtpapi|pass",
            spf="em5678.vendor-mailer.ch|mfrom|pass",
            pe=("fail", "fail"),
        )
    )
    assert ("sendgrid-authenticated-other-domain", "critical") in _codes(findings)
    assert "sendgrid-domain-not-authenticated" not in {f.code for f in findings}


def test_unauthenticated_sendgrid_without_spf_result_is_still_recognised():
    findings, _ = _findings(
        row("149.72.1.1", D, dkim="sendgrid.net|smtpapi|pass", pe=("fail", "fail"))
    )
    assert ("sendgrid-domain-not-authenticated", "critical") in _codes(findings)


def test_strict_dkim_with_parent_signature_and_strict_spf_fails_critically():
    findings, _ = _findings(
        row(
            "149.72.1.1",
            D,
            adkim="s",
            aspf="s",
            dkim="physio.ch|s1|pass",
            spf=f"em1234.{D}|mfrom|pass",
            pe=("fail", "fail"),
        )
    )
    assert ("sendgrid-strict-spf", "critical") in _codes(findings)


def test_spoofing_blocked_by_receivers_is_information_only():
    findings, _ = _findings(
        row("149.72.1.1", D, dkim=SIGNED, spf=f"em1234.{D}|mfrom|pass", p="reject"),
        row(
            "185.220.101.9",
            D,
            spf=f"{D}|mfrom|fail",
            pe=("fail", "fail"),
            p="reject",
            disposition="reject",
        ),
    )
    assert ("spoofing", "info") in _codes(findings)
    assert not [f for f in findings if f.severity is Severity.CRITICAL]


def test_spoofed_mail_that_receivers_blocked_is_told_once_by_the_spoofing_finding():
    findings, _ = _findings(
        row("149.72.1.1", D, dkim=SIGNED, spf=f"em1234.{D}|mfrom|pass", p="quarantine"),
        *[
            row(
                "185.220.101.9",
                D,
                spf=f"{D}|mfrom|fail",
                pe=("fail", "fail"),
                p="quarantine",
                disposition="quarantine",
                receiver=receiver,
                messages=48,
            )
            for receiver in ("google.com", "Mimecast")
        ],
    )
    assert [f.code for f in findings if f.sender == "unknown"] == ["spoofing"]
    (spoofing,) = [f for f in findings if f.code == "spoofing"]
    assert spoofing.evidence.messages == 96
    assert "google.com" in render(spoofing).summary and "Mimecast" in render(spoofing).summary


def _spoofed(p: str, disposition: str, messages: int, day: int, pct: int = 100) -> dict:
    return row(
        "185.220.101.9",
        D,
        spf=f"{D}|mfrom|fail",
        pe=("fail", "fail"),
        p=p,
        pct=pct,
        disposition=disposition,
        messages=messages,
        day=DAY0 + day,
    )


def test_spoofing_before_the_policy_was_enforced_is_not_counted_against_it():
    findings, _ = _findings(
        row(
            "149.72.1.1", D, dkim=SIGNED, spf=f"em1234.{D}|mfrom|pass", p="quarantine", day=DAY0 + 9
        ),
        _spoofed("none", "none", 46, day=0),
        _spoofed("quarantine", "quarantine", 96, day=9),
    )
    (spoofing,) = [f for f in findings if f.code == "spoofing"]
    assert spoofing.severity is Severity.INFO
    assert (spoofing.params["unprotected"], spoofing.params["blocked"]) == (46, 96)
    assert spoofing.params["blocked_pct"] == 100
    text = render(spoofing)
    assert "46 of them came while p=none was published" in text.summary
    assert "pct" not in text.fix
    for lang in LANGUAGES:
        assert "{" not in render(spoofing, lang).summary


def test_spoofing_let_through_under_a_partial_pct_names_the_pct():
    findings, _ = _findings(
        row("149.72.1.1", D, dkim=SIGNED, spf=f"em1234.{D}|mfrom|pass", p="quarantine"),
        _spoofed("quarantine", "quarantine", 50, day=0, pct=50),
        _spoofed("quarantine", "none", 50, day=0, pct=50),
    )
    (spoofing,) = [f for f in findings if f.code == "spoofing"]
    assert spoofing.severity is Severity.WARNING
    assert "pct=50" in render(spoofing).fix
    assert "pct=50" in render(spoofing, "de").fix


def test_spoofing_let_through_under_pct_100_does_not_advise_checking_pct():
    findings, _ = _findings(
        row("149.72.1.1", D, dkim=SIGNED, spf=f"em1234.{D}|mfrom|pass", p="quarantine"),
        _spoofed("quarantine", "quarantine", 50, day=0),
        _spoofed("quarantine", "none", 50, day=0),
    )
    (spoofing,) = [f for f in findings if f.code == "spoofing"]
    assert spoofing.severity is Severity.WARNING
    assert "pct" not in render(spoofing).fix


@pytest.mark.parametrize(
    ("policy", "advice"),
    [("none", "move the DMARC policy to p=quarantine"), ("quarantine", "move to p=reject"),
     ("reject", "keep p=reject")],
)  # fmt: skip
def test_spoofing_let_through_gets_advice_for_the_policy_already_published(
    policy: str, advice: str
) -> None:
    findings, _ = _findings(
        row("149.72.1.1", D, dkim=SIGNED, spf=f"em1234.{D}|mfrom|pass", p=policy),
        row("185.220.101.9", D, spf=f"{D}|mfrom|fail", pe=("fail", "fail"), p=policy),
    )
    (spoofing,) = [f for f in findings if f.code == "spoofing"]
    assert spoofing.severity is Severity.WARNING
    fixes = {lang: render(spoofing, lang).fix for lang in LANGUAGES}
    assert advice in fixes["en"]
    assert len(set(fixes.values())) == len(LANGUAGES)  # each language has its own text
    if policy != "none":
        assert "p=quarantine and" not in fixes["en"]


def test_legitimate_mail_rejected_is_critical_and_names_the_sender():
    findings, _ = _findings(
        row(
            "40.107.1.1",
            D,
            dkim="t.onmicrosoft.com|selector1|pass",
            spf=f"{D}|mfrom|permerror",
            pe=("fail", "fail"),
            p="reject",
            disposition="reject",
        )
    )
    (rejected,) = [f for f in findings if f.code == "receiver-rejected"]
    assert rejected.severity is Severity.CRITICAL
    assert rejected.sender == "microsoft365"
    assert rejected.params["kind"] == "legitimate"


def test_readiness_needs_fourteen_days_and_names_blockers():
    days = [
        row("149.72.1.1", D, dkim=SIGNED, spf=f"em1234.{D}|mfrom|pass", day=20_000 + i)
        for i in range(14)
    ]
    (ready,) = [f for f in _findings(*days)[0] if f.code == "policy-readiness"]
    assert (ready.severity, ready.params["state"], ready.params["next"]) == (
        Severity.OK,
        "ready",
        "quarantine",
    )
    (short,) = [f for f in _findings(*days[:5])[0] if f.code == "policy-readiness"]
    assert short.params["state"] == "not-enough-data"
    bad = row(
        "40.107.1.1",
        D,
        dkim="t.onmicrosoft.com|selector1|pass",
        spf=f"{D}|mfrom|fail",
        pe=("fail", "fail"),
        day=20_010,
    )
    (blocked,) = [f for f in _findings(*days, bad)[0] if f.code == "policy-readiness"]
    assert blocked.severity is Severity.WARNING
    assert "Microsoft 365" in str(blocked.params["blockers"])


def test_clean_sendgrid_and_m365_with_dkim_give_only_ok():
    findings, _ = _findings(
        *[
            row("149.72.1.1", D, dkim=SIGNED, spf=f"em1234.{D}|mfrom|pass", day=20_000 + i)
            for i in range(14)
        ],
        row("40.107.1.1", D, dkim=f"{D}|selector1|pass", spf=f"{D}|mfrom|pass"),
    )
    assert {str(f.severity) for f in findings} == {"ok"}
    assert {f.sender for f in findings if f.code == "sender-aligned"} == {
        "sendgrid",
        "microsoft365",
    }


def test_microsoft_signing_with_the_parent_domain_warns_about_the_tree_walk():
    findings, _ = _findings(
        row(
            "40.107.1.1",
            D,
            dkim="physio.ch|selector1|pass",
            spf="physio.ch|mfrom|fail",
            pe=("pass", "fail"),
        )
    )
    (differs,) = [f for f in findings if f.code == "tree-walk-differs"]
    assert differs.severity is Severity.WARNING
    assert differs.params["identities"][0] == "physio.ch"


def test_spoofing_rows_of_zero_messages_do_not_divide_by_zero():
    findings, _ = _findings(_spoofed("quarantine", "none", 0, day=0))
    (spoofing,) = [f for f in findings if f.code == "spoofing"]
    assert spoofing.params["messages"] == 0
