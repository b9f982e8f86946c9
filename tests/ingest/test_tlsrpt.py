"""The SMTP TLS report parser (RFC 8460 §4.4): bytes in, a frozen TlsReport out."""

from __future__ import annotations

import json

import pytest

from dmarcwatch.ingest.errors import LimitExceeded, RejectClass, ReportParseError
from dmarcwatch.ingest.limits import DEFAULT_LIMITS, Limits
from dmarcwatch.ingest.tlsrpt import parse_tls_report

RFC_EXAMPLE = {
    "organization-name": "Company-X",
    "date-range": {
        "start-datetime": "2016-04-01T00:00:00Z",
        "end-datetime": "2016-04-01T23:59:59Z",
    },
    "contact-info": "sts-reporting@company-x.example",
    "report-id": "5065427c-23d3-47ca-b6e0-946ea0e8c4be",
    "policies": [
        {
            "policy": {
                "policy-type": "sts",
                "policy-string": ["version: STSv1", "mode: testing", "max_age: 86400"],
                "policy-domain": "company-y.example",
                "mx-host": ["*.mail.company-y.example"],
            },
            "summary": {
                "total-successful-session-count": 5326,
                "total-failure-session-count": 303,
            },
            "failure-details": [
                {
                    "result-type": "certificate-expired",
                    "sending-mta-ip": "2001:db8:abcd:0012::1",
                    "receiving-mx-hostname": "mx1.mail.company-y.example",
                    "failed-session-count": 100,
                },
                {
                    "result-type": "validation-failure",
                    "sending-mta-ip": "198.51.100.62",
                    "receiving-ip": "203.0.113.58",
                    "receiving-mx-hostname": "mx-backup.mail.company-y.example",
                    "failed-session-count": 3,
                    "failure-reason-code": "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED",
                },
            ],
        }
    ],
}


def parse(doc: object, limits: Limits = DEFAULT_LIMITS):  # type: ignore[no-untyped-def]
    return parse_tls_report(json.dumps(doc).encode(), limits)


def test_the_rfc_example_parses_with_times_as_epoch_seconds() -> None:
    report = parse(RFC_EXAMPLE)
    assert (report.org_name, report.begin, report.end) == ("Company-X", 1459468800, 1459555199)
    (policy,) = report.policies
    assert (policy.policy_type, policy.policy_domain) == ("sts", "company-y.example")
    assert (policy.successful, policy.failed) == (5326, 303)
    assert [f.result_type for f in policy.failures] == ["certificate-expired", "validation-failure"]
    assert policy.failures[1].failure_reason_code == "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED"
    assert policy.failures[0].receiving_ip is None
    assert report.key == (
        "Company-X",
        "5065427c-23d3-47ca-b6e0-946ea0e8c4be",
        1459468800,
        1459555199,
    )


def test_real_reporters_quirks_are_tolerated() -> None:
    doc = json.loads(json.dumps(RFC_EXAMPLE))
    doc["contact-info"] = None
    policy = doc["policies"][0]["policy"]
    policy["mx-host"] = "mx: mx1.example.org"  # a string, with the policy file's prefix
    policy["policy-string"] = [json.dumps(["3 1 1 ABCD"])]  # Microsoft's nested TLSA string
    doc["policies"][0]["failure-details"] = [{"failed-session-count": 2, "receiving-ip": ""}]
    report = parse(doc)
    (p,) = report.policies
    assert report.contact_info is None
    assert p.mx_hosts == ("mx1.example.org",)
    assert p.policy_strings == ("3 1 1 ABCD",)
    assert p.failures[0].result_type == "unknown" and p.failures[0].receiving_ip is None


@pytest.mark.parametrize(
    ("data", "reject_class", "words"),
    [
        (b'{"policies": [', RejectClass.MALFORMED_JSON, "malformed JSON"),
        (b"\xff\xfe{}", RejectClass.MALFORMED_JSON, "not UTF-8"),
        (b"[1, 2]", RejectClass.INVALID_REPORT, "not an object"),
        (b'{"policies": []}', RejectClass.INVALID_REPORT, "'date-range' is missing"),
    ],
)
def test_broken_reports_are_one_line_rejections(
    data: bytes, reject_class: RejectClass, words: str
) -> None:
    with pytest.raises(ReportParseError) as caught:
        parse_tls_report(data, DEFAULT_LIMITS)
    assert caught.value.reject_class is reject_class
    assert words in caught.value.reason and "\n" not in caught.value.reason


def test_a_negative_or_fractional_count_is_invalid() -> None:
    doc = json.loads(json.dumps(RFC_EXAMPLE))
    doc["policies"][0]["summary"]["total-failure-session-count"] = -1
    with pytest.raises(ReportParseError, match="not a count"):
        parse(doc)


def test_nesting_beyond_the_limit_is_refused_before_json_recurses() -> None:
    data = b'{"policies": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(LimitExceeded, match="max_json_depth"):
        parse_tls_report(data, DEFAULT_LIMITS)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    doc = json.loads(json.dumps(RFC_EXAMPLE))
    doc["organization-name"] = "[" * 200 + '\\"{'
    assert parse(doc, Limits(max_json_depth=5)).org_name.startswith("[[[")


def test_too_many_failure_details_hit_max_records() -> None:
    doc = json.loads(json.dumps(RFC_EXAMPLE))
    with pytest.raises(LimitExceeded, match="max_records"):
        parse(doc, Limits(max_records=1))
