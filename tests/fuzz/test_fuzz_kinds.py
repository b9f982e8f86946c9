"""Property tests for the TLS report and failure report parsers (issue 14): whatever the bytes,
they return a report or raise the project's rejection (:class:`RejectedInput`), nothing else.

Fixed seed (``derandomize``), as in :mod:`tests.fuzz.test_fuzz`.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from dmarcwatch.ingest.arf import parse_failure_report, redact
from dmarcwatch.ingest.errors import RejectedInput
from dmarcwatch.ingest.reading import read_input
from dmarcwatch.ingest.tlsrpt import parse_tls_report
from tests.fuzz.test_fuzz import FUZZ, LIMITS
from tests.poll import mails

KINDS = Path(__file__).resolve().parents[2] / "samples" / "kinds"
TLS_SAMPLE = (KINDS / "tls" / "google.com!physio-muster.ch!1790812800!1790899199.json").read_bytes()
ARF_SAMPLE = (KINDS / "failure" / "yahoo-sendgrid-unauthenticated.eml").read_bytes()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
TLS_KEYS = (
    "organization-name", "date-range", "start-datetime", "end-datetime", "report-id", "policies",
    "policy", "summary", "policy-type", "policy-domain", "policy-string", "mx-host",
    "total-successful-session-count", "total-failure-session-count", "failure-details",
    "result-type", "failed-session-count", "receiving-ip", "sending-mta-ip",
)  # fmt: skip


def tls_or_rejected(data: bytes) -> None:
    try:
        report = parse_tls_report(data, LIMITS)
    except RejectedInput as exc:
        assert "\n" not in exc.reason
        return
    assert all(p.successful >= 0 and p.failed >= 0 for p in report.policies)


def failure_or_rejected(data: bytes) -> None:
    try:
        report = parse_failure_report(data, LIMITS)
    except RejectedInput as exc:
        assert "\n" not in exc.reason
        return
    assert report.header_from is None or report.header_from.startswith("*@")


@FUZZ
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_are_a_tls_report_or_rejected(data: bytes) -> None:
    tls_or_rejected(data)


@FUZZ
@given(json_values)
def test_arbitrary_json_is_a_tls_report_or_rejected(value: object) -> None:
    tls_or_rejected(json.dumps(value).encode())


@FUZZ
@given(st.data())
def test_a_tls_report_with_any_field_replaced_is_read_or_rejected(data: st.DataObject) -> None:
    doc = json.loads(TLS_SAMPLE)
    target = doc if data.draw(st.booleans()) else doc["policies"][0]
    for _ in range(data.draw(st.integers(1, 4))):
        if isinstance(target, dict):
            target[data.draw(st.sampled_from(TLS_KEYS))] = data.draw(json_values)
    tls_or_rejected(json.dumps(doc).encode())


@FUZZ
@given(st.binary(max_size=200), st.integers(0, len(TLS_SAMPLE)), st.integers(0, 200))
def test_a_damaged_tls_report_is_read_or_rejected(insert: bytes, at: int, cut: int) -> None:
    tls_or_rejected(TLS_SAMPLE[:at] + insert + TLS_SAMPLE[at + cut :])


@FUZZ
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_are_a_failure_report_or_rejected(data: bytes) -> None:
    failure_or_rejected(b"Content-Type: message/feedback-report\r\n\r\n" + data)


@FUZZ
@given(st.binary(max_size=300), st.integers(0, len(ARF_SAMPLE)), st.integers(0, 300))
def test_a_damaged_failure_report_is_read_or_rejected(insert: bytes, at: int, cut: int) -> None:
    failure_or_rejected(ARF_SAMPLE[:at] + insert + ARF_SAMPLE[at + cut :])


@FUZZ
@given(st.text(max_size=300))
def test_redaction_leaves_no_local_part_before_an_at_sign(text: str) -> None:
    shown = redact(text)
    for index, char in enumerate(shown):
        if char == "@" and index and shown[index - 1] not in ' \t\r\n<>"(),;:[]\\=':
            follows = shown[index + 1 : index + 2]
            assert shown[index - 1] == "*" or not (follows.isalnum() or follows == "["), shown


@FUZZ
@given(st.sampled_from(["tls-report", "failure-report"]), st.binary(max_size=100), st.data())
def test_report_mails_of_every_kind_are_read_or_rejected_whole(
    kind: str, insert: bytes, data: st.DataObject
) -> None:
    mail = mails.other_mail(kind, 1)
    at = data.draw(st.integers(0, len(mail)))
    for event in read_input(mail[:at] + insert + mail[at:], LIMITS):
        assert event is not None
