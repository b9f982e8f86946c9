"""SMTP TLS reports (RFC 8460 §4.4): JSON bytes in, a frozen :class:`TlsReport` out, purely.

The JSON is I-JSON (RFC 7493). It is bounded before :mod:`json` sees it: its size by the caller
(``max_report_bytes`` while unpacking), its nesting depth here (``max_json_depth``, checked by a
scan that never recurses) and the number of policies and failure details (``max_records``).

Real reporters omit more than the RFC allows (reference-turn2 §1.6): every ``failure-details``
field is optional, ``mx-host`` may be missing or a string, values may carry an ``mx: `` prefix,
``contact-info`` may be ``null``, and Microsoft has sent a TLSA ``policy-string`` whose one
element is itself a JSON array. Unknown result types are kept verbatim.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from .errors import LimitExceeded, RejectClass, ReportParseError, quote
from .limits import Limits

__all__ = ["POLICY_TYPES", "TlsFailure", "TlsPolicy", "TlsReport", "parse_tls_report"]

POLICY_TYPES = ("sts", "tlsa", "no-policy-found")
_MALFORMED = RejectClass.MALFORMED_JSON
_INVALID = RejectClass.INVALID_REPORT


@dataclass(frozen=True, slots=True)
class TlsFailure:
    """One ``failure-details`` entry: sessions with one result between two hosts."""

    result_type: str
    sending_mta_ip: str | None
    receiving_mx_hostname: str | None
    receiving_ip: str | None
    failed_session_count: int
    additional_information: str | None
    failure_reason_code: str | None = None


@dataclass(frozen=True, slots=True)
class TlsPolicy:
    """One applied policy with its session counts (``policies[]``)."""

    policy_type: str
    policy_domain: str
    policy_strings: tuple[str, ...]
    mx_hosts: tuple[str, ...]
    successful: int
    failed: int
    failures: tuple[TlsFailure, ...]


@dataclass(frozen=True, slots=True)
class TlsReport:
    """A whole TLS report; times are epoch seconds (UTC)."""

    org_name: str
    report_id: str
    begin: int
    end: int
    contact_info: str | None
    policies: tuple[TlsPolicy, ...]

    @property
    def key(self) -> tuple[str, str, int, int]:
        """What a report is unique on: reporter, report id and period (RFC 8460 §5.5)."""
        return (self.org_name, self.report_id, self.begin, self.end)

    @property
    def domain(self) -> str:
        """The first policy's domain (reports are per policy domain in practice)."""
        return self.policies[0].policy_domain if self.policies else ""


def parse_tls_report(data: bytes, limits: Limits) -> TlsReport:
    """Parse one JSON TLS report; one-line :class:`ReportParseError` or :class:`LimitExceeded`."""
    if len(data) > limits.max_report_bytes:
        limit = limits.max_report_bytes
        raise LimitExceeded(f"report is larger than {limit} bytes decompressed (max_report_bytes)")
    text = _decoded(data)
    _check_depth(text, limits.max_json_depth)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise ReportParseError(f"malformed JSON TLS report ({quote(reason)})", _MALFORMED) from None
    if not isinstance(document, dict):
        raise _invalid("the JSON is not an object")
    return _report(document, limits)


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportParseError(f"TLS report is not UTF-8 (byte {exc.start})", _MALFORMED) from None


def _check_depth(text: str, limit: int) -> None:
    """Refuse arrays and objects nested deeper than *limit*, before :mod:`json` recurses."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                raise LimitExceeded(f"JSON nested more than {limit} deep (max_json_depth)")
        elif char in "]}":
            depth -= 1


def _invalid(problem: str) -> ReportParseError:
    return ReportParseError(f"not a valid TLS report: {problem}", _INVALID)


def _report(doc: dict[str, Any], limits: Limits) -> TlsReport:
    dates = doc.get("date-range")
    if not isinstance(dates, dict):
        raise _invalid("'date-range' is missing")
    policies = doc.get("policies")
    if not isinstance(policies, list):
        raise _invalid("'policies' is missing or not an array")
    if len(policies) > limits.max_records:
        raise LimitExceeded(f"TLS report has more than {limits.max_records} policies")
    budget = [limits.max_records]
    return TlsReport(
        org_name=_required(doc, "organization-name"),
        report_id=_required(doc, "report-id"),
        begin=_time(dates, "start-datetime"),
        end=_time(dates, "end-datetime"),
        contact_info=_optional(doc, "contact-info"),
        policies=tuple(_policy(item, budget) for item in policies),
    )


def _required(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _invalid(f"{quote(key)} is missing or empty")
    return value.strip()


def _optional(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _time(obj: dict[str, Any], key: str) -> int:
    """An RFC 3339 time as epoch seconds; a time without offset is taken as UTC."""
    text = _required(obj, key)
    try:
        moment = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise _invalid(f"{quote(key)} is not an RFC 3339 time ({quote(text)})") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp())


def _count(obj: dict[str, Any], key: str) -> int:
    value = obj.get(key, 0)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _invalid(f"{quote(key)} is not a count ({quote(str(value))})")
    return value


def _policy(item: object, budget: list[int]) -> TlsPolicy:
    if not isinstance(item, dict):
        raise _invalid("a policy entry is not an object")
    policy = item.get("policy")
    summary = item.get("summary")
    if not isinstance(policy, dict) or not isinstance(summary, dict):
        raise _invalid("a policy entry lacks 'policy' or 'summary'")
    details = item.get("failure-details") or []
    if not isinstance(details, list):
        raise _invalid("'failure-details' is not an array")
    budget[0] -= len(details)
    if budget[0] < 0:
        raise LimitExceeded("TLS report has too many failure details (max_records)")
    return TlsPolicy(
        policy_type=_required(policy, "policy-type").lower(),
        policy_domain=_required(policy, "policy-domain").rstrip(".").lower(),
        policy_strings=_policy_strings(policy.get("policy-string")),
        mx_hosts=tuple(_strip_mx(host) for host in _strings(policy.get("mx-host"))),
        successful=_count(summary, "total-successful-session-count"),
        failed=_count(summary, "total-failure-session-count"),
        failures=tuple(_failure(detail) for detail in details),
    )


def _strings(value: object) -> list[str]:
    """A string or an array of strings (anything else left out) as a list."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def _strip_mx(host: str) -> str:
    return host[3:].strip() if host.lower().startswith("mx:") else host


def _policy_strings(value: object) -> tuple[str, ...]:
    """Policy lines; a lone element that is itself a JSON array of strings is opened."""
    strings = _strings(value)
    if len(strings) == 1 and strings[0].startswith("["):
        try:
            inner = json.loads(strings[0])
        except (ValueError, RecursionError):
            return tuple(strings)
        return tuple(_strings(inner)) or tuple(strings)
    return tuple(strings)


def _failure(detail: object) -> TlsFailure:
    if not isinstance(detail, dict):
        raise _invalid("a failure detail is not an object")
    return TlsFailure(
        result_type=(_optional(detail, "result-type") or "unknown").lower(),
        sending_mta_ip=_optional(detail, "sending-mta-ip"),
        receiving_mx_hostname=_optional(detail, "receiving-mx-hostname"),
        receiving_ip=_optional(detail, "receiving-ip"),
        failed_session_count=_count(detail, "failed-session-count"),
        additional_information=_optional(detail, "additional-information"),
        failure_reason_code=_optional(detail, "failure-reason-code"),
    )
