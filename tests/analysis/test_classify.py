import pytest

from dmarcwatch.analysis import columns as c
from dmarcwatch.analysis.catalogue import load_catalogue
from dmarcwatch.analysis.classify import classify
from tests.analysis.frames import row, rows


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def _senders(frame):
    return list(zip(frame[c.SENDER], frame[c.SENDER_BY], frame[c.FORWARDED], strict=True))


def test_sender_is_found_by_ipv4_and_ipv6_networks(catalogue):
    frame = classify(
        rows(row("167.89.44.12"), row("2a01:111:f403::1"), row("2a00:1450:4000::9")), catalogue
    )
    assert _senders(frame) == [
        ("sendgrid", "ip", False),
        ("microsoft365", "ip", False),
        ("google", "ip", False),
    ]


def test_unknown_sources_stay_unknown(catalogue):
    frame = classify(
        rows(
            row("198.51.100.7", dkim="physio.ch|x|fail", spf="physio.ch|mfrom|fail"),
            row("not-an-ip"),
        ),
        catalogue,
    )
    assert list(frame[c.SENDER]) == ["unknown", "unknown"]
    assert list(frame[c.SENDER_BY]) == ["", ""]


def test_provider_dkim_domain_names_the_sender_when_the_ip_is_not_listed(catalogue):
    frame = classify(
        rows(
            row(
                "198.51.100.8",
                dkim="tenant.onmicrosoft.com|selector1|pass",
                spf="physio.ch|mfrom|pass",
            )
        ),
        catalogue,
    )
    assert _senders(frame) == [("microsoft365", "dkim", False)]


def test_sendgrid_return_path_with_spf_pass_names_sendgrid(catalogue):
    bounce = "bounces+1234567-ab12-anna=example.org@em1234.email.physio.ch"
    frame = classify(
        rows(row("198.51.100.9", envelope_from=bounce, spf="em1234.email.physio.ch|mfrom|pass")),
        catalogue,
    )
    assert _senders(frame) == [("sendgrid", "envelope", False)]


def test_envelope_pattern_without_spf_pass_is_not_enough(catalogue):
    frame = classify(
        rows(
            row(
                "198.51.100.9",
                envelope_from="em1234.email.physio.ch",
                spf="em1234.email.physio.ch|mfrom|fail",
            )
        ),
        catalogue,
    )
    assert list(frame[c.SENDER]) == ["unknown"]


def test_reverse_dns_suffix_names_the_sender(catalogue):
    frame = classify(
        rows(row("198.51.100.10"), row("198.51.100.11"), row("198.51.100.12")),
        catalogue,
        rdns={
            "198.51.100.10": "smtp-1a2b.mail.infomaniak.ch",
            "198.51.100.11": "adsl-1.cust.bluewin.ch",
            "198.51.100.12": "mail.notinfomaniak.ch",
        },
    )
    assert _senders(frame) == [
        ("infomaniak", "rdns", False),
        ("swisscom", "rdns", False),
        ("unknown", "", False),
    ]


def test_forwarded_copy_is_credited_to_the_signer_not_the_forwarder(catalogue):
    signed = "email.physio.ch|s1|pass sendgrid.info|smtpapi|pass"
    frame = classify(
        rows(
            row("130.59.31.80", dkim=signed, spf="em1234.email.physio.ch|mfrom|softfail"),
            row("209.85.218.50", dkim=signed, spf="em1234.email.physio.ch|mfrom|softfail"),
            row("149.72.1.1", dkim=signed, spf="em1234.email.physio.ch|mfrom|pass"),
        ),
        catalogue,
    )
    assert _senders(frame) == [
        ("sendgrid", "dkim", True),
        ("sendgrid", "dkim", True),
        ("sendgrid", "ip", False),
    ]
    assert list(frame[c.PATH_SENDER]) == ["", "google", "sendgrid"]


def test_broken_sendgrid_spf_from_a_sendgrid_ip_is_not_forwarding(catalogue):
    signed = "email.physio.ch|s1|pass sendgrid.info|smtpapi|pass"
    frame = classify(
        rows(row("149.72.1.1", dkim=signed, spf="em1234.email.physio.ch|mfrom|none")), catalogue
    )
    assert _senders(frame) == [("sendgrid", "ip", False)]


def test_a_forwarding_reason_marks_a_row_forwarded(catalogue):
    frame = classify(
        rows(
            row(
                "193.5.80.12",
                dkim="physio.ch|k|fail",
                spf="lists.example|mfrom|pass",
                reasons="mailing_list",
            )
        ),
        catalogue,
    )
    assert list(frame[c.FORWARDED]) == [True]
    assert list(frame[c.SENDER]) == ["unknown"]


def test_spf_domain_comes_from_the_mfrom_result(catalogue):
    frame = classify(rows(row(spf="helo.example|helo|pass mail.example|mfrom|fail")), catalogue)
    assert (frame[c.SPF_DOMAIN].iloc[0], frame[c.SPF_RESULT].iloc[0]) == ("mail.example", "fail")


def test_a_mailbox_provider_relaying_someone_elses_signature_with_spf_failing_is_forwarding(
    catalogue,
):
    frame = classify(
        rows(
            row("209.85.220.41", dkim="physio.ch|dkim1|pass", spf="physio.ch|mfrom|softfail"),
            row(
                "209.85.220.41",
                dkim="physio-ch.20230601.gappssmtp.com|20230601|pass",
                spf="physio.ch|mfrom|pass",
            ),
        ),
        catalogue,
    )
    assert _senders(frame) == [("unknown", "", True), ("google", "ip", False)]


def test_a_forger_signing_with_its_own_unrelated_domain_is_not_a_forwarded_copy(catalogue):
    frame = classify(
        rows(
            row(
                "192.0.2.14",
                dkim="bulk.example.org|default|pass",
                spf="bulk.example.org|mfrom|softfail",
            ),
            row("192.0.2.15", dkim="physio.ch|x2026|pass", spf="physio.ch|mfrom|softfail"),
        ),
        catalogue,
    )
    assert list(frame[c.FORWARDED]) == [False, True]
    assert list(frame[c.SENDER]) == ["unknown", "unknown"]
