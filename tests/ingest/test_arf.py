"""The failure report parser (ARF, RFC 6591 / RFC 9991): redacted by design."""

from __future__ import annotations

from pathlib import Path

import pytest

from dmarcwatch.ingest.arf import parse_failure_report, redact
from dmarcwatch.ingest.errors import LimitExceeded, NotAReport
from dmarcwatch.ingest.limits import DEFAULT_LIMITS, Limits

KINDS = Path(__file__).resolve().parents[2] / "samples" / "kinds"
YAHOO = (KINDS / "failure" / "yahoo-sendgrid-unauthenticated.eml").read_bytes()
FORGER = (KINDS / "failure" / "example.com-forger.eml").read_bytes()
LINKEDIN = (KINDS / "failure" / "linkedin-quirks.eml").read_bytes()


def test_feedback_fields_and_returned_headers_are_read() -> None:
    report = parse_failure_report(YAHOO, DEFAULT_LIMITS)
    assert report.reporter == "yahoo.com"
    assert (report.feedback_type, report.auth_failure) == ("auth-failure", "dmarc")
    assert (report.identity_alignment, report.delivery_result) == ("none", "delivered")
    assert (report.reported_domain, report.source_ip) == (
        "email.praxis-beispiel.ch",
        "167.89.101.2",
    )
    assert report.arrival_date == 1789024329  # Thu, 10 Sep 2026 07:12:09 +0000
    assert (report.dkim_domain, report.dkim_selector) == ("sendgrid.net", "smtpapi")
    assert report.dkim_signatures == (("sendgrid.net", "smtpapi"),)
    assert report.from_domain == "email.praxis-beispiel.ch"
    assert report.header_from == "*@email.praxis-beispiel.ch"
    assert report.message_id_sha256 is not None and len(report.message_id_sha256) == 64
    assert report.date == 1789024325


def test_no_local_part_subject_or_body_is_in_the_redacted_fields() -> None:
    for data in (YAHOO, FORGER, LINKEDIN):
        report = parse_failure_report(data, DEFAULT_LIMITS)
        fields = repr([getattr(report, n) for n in report.__slots__ if n != "personal"])
        for secret in ("anna.meier", "termine@", "info@", "patient", "Rechnung", "Erinnerung"):
            assert secret not in fields
    assert "Bitte" not in repr(parse_failure_report(FORGER, DEFAULT_LIMITS))  # the body


def test_what_redaction_removed_is_handed_over_apart() -> None:
    personal = parse_failure_report(YAHOO, DEFAULT_LIMITS).personal
    assert personal.header_from == "Praxis Beispiel <termine@email.praxis-beispiel.ch>"
    assert personal.subject == "Erinnerung: Ihr Termin am 14. September"
    assert personal.original_rcpt_to == ("<anna.meier@yahoo.com>",)


def test_linkedin_quirks_missing_fields_are_none() -> None:
    report = parse_failure_report(LINKEDIN, DEFAULT_LIMITS)
    assert report.arrival_date is None and report.dkim_domain is None
    assert report.reporter == "linkedin.com" and report.incidents == 1


def test_the_same_report_twice_has_the_same_key_and_another_report_another() -> None:
    first = parse_failure_report(YAHOO, DEFAULT_LIMITS)
    assert parse_failure_report(YAHOO.replace(b"\n", b"\r\n"), DEFAULT_LIMITS).key == first.key
    assert parse_failure_report(FORGER, DEFAULT_LIMITS).key != first.key


def test_an_abuse_report_is_not_a_failure_report() -> None:
    data = YAHOO.replace(b"Feedback-Type: auth-failure", b"Feedback-Type: abuse")
    with pytest.raises(NotAReport, match="'abuse'"):
        parse_failure_report(data, DEFAULT_LIMITS)


def test_a_message_over_the_size_limit_is_refused() -> None:
    with pytest.raises(LimitExceeded):
        parse_failure_report(YAHOO, Limits(max_message_bytes=100))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("smtp.mailfrom=bounce@x.example", "smtp.mailfrom=*@x.example"),
        (
            "envelope-from=<bounces+1-2-anna=example.org@sendgrid.net>",
            "envelope-from=<*@sendgrid.net>",
        ),
        ('"Anna Meier" <anna.meier@example.org>', '"Anna Meier" <*@example.org>'),
        ('"a b"@example.org', "*@example.org"),
        ("no address here", "no address here"),
    ],
)
def test_redact_replaces_every_local_part(text: str, shown: str) -> None:
    assert redact(text) == shown
