"""Reports as JSON-ready dicts: the shape ``dmarcwatch parse`` prints (one object per line).

Every object has a ``kind``: ``aggregate``, ``tls`` (RFC 8460) or ``failure`` (RFC 6591), and
times as epoch seconds. A failure report shows only its redacted fields.
"""

from __future__ import annotations

from typing import Any

from dmarcwatch.ingest.arf import FailureReport
from dmarcwatch.ingest.model import AggregateReport, Record
from dmarcwatch.ingest.tlsrpt import TlsReport


def report_to_dict(report: AggregateReport, source: str, location: str = "") -> dict[str, Any]:
    """The documented ``parse`` object: metadata, policy, warnings and every record."""
    meta = report.metadata
    policy = report.policy
    data = _head("aggregate", source, location)
    data |= {
        "schema": report.schema,
        "version": report.header.version,
        "org_name": meta.org_name,
        "org_email": meta.email,
        "extra_contact_info": meta.extra_contact_info,
        "report_id": meta.report_id,
        "begin": meta.begin,
        "end": meta.end,
        "errors": list(meta.errors),
        "generator": meta.generator,
        "policy": {
            "domain": policy.domain,
            "adkim": policy.adkim,
            "aspf": policy.aspf,
            "p": policy.p,
            "sp": policy.sp,
            "np": policy.np,
            "pct": policy.pct,
            "fo": policy.fo,
            "testing": policy.testing,
            "discovery_method": policy.discovery_method,
        },
        "warnings": list(report.warnings),
        "record_count": len(report.records),
        "message_count": report.message_count,
        "records": [record_to_dict(r) for r in report.records],
    }
    return data


def record_to_dict(record: Record) -> dict[str, Any]:
    return {
        "source_ip": record.source_ip,
        "count": record.count,
        "disposition": record.disposition,
        "dkim": record.dkim,
        "spf": record.spf,
        "reasons": [{"type": r.type, "comment": r.comment} for r in record.reasons],
        "header_from": record.header_from,
        "envelope_from": record.envelope_from,
        "envelope_to": record.envelope_to,
        "dkim_results": [
            {
                "domain": d.domain,
                "selector": d.selector,
                "result": d.result,
                "human_result": d.human_result,
            }
            for d in record.dkim_results
        ],
        "spf_results": [
            {
                "domain": s.domain,
                "scope": s.scope,
                "result": s.result,
                "human_result": s.human_result,
            }
            for s in record.spf_results
        ],
    }


def _head(kind: str, source: str, location: str) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": kind, "source": source}
    if location:
        data["location"] = location
    return data


def tls_to_dict(report: TlsReport, source: str, location: str = "") -> dict[str, Any]:
    """The ``parse`` object of an SMTP TLS report."""
    data = _head("tls", source, location)
    data |= {
        "org_name": report.org_name,
        "report_id": report.report_id,
        "begin": report.begin,
        "end": report.end,
        "policies": [
            {
                "policy_type": p.policy_type,
                "policy_domain": p.policy_domain,
                "policy_strings": list(p.policy_strings),
                "mx_host": list(p.mx_hosts),
                "successful": p.successful,
                "failed": p.failed,
                "failures": [
                    {
                        "result_type": f.result_type,
                        "sending_mta_ip": f.sending_mta_ip,
                        "receiving_mx_hostname": f.receiving_mx_hostname,
                        "receiving_ip": f.receiving_ip,
                        "failed_session_count": f.failed_session_count,
                        "additional_information": f.additional_information,
                    }
                    for f in p.failures
                ],
            }
            for p in report.policies
        ],
    }
    return data


def failure_to_dict(report: FailureReport, source: str, location: str = "") -> dict[str, Any]:
    """The ``parse`` object of a failure report: redacted fields only."""
    data = _head("failure", source, location)
    data |= {
        "feedback_type": report.feedback_type,
        "auth_failure": report.auth_failure,
        "identity_alignment": report.identity_alignment,
        "reported_domain": report.reported_domain,
        "source_ip": report.source_ip,
        "arrival_date": report.arrival_date,
        "dkim_domain": report.dkim_domain,
        "dkim_selector": report.dkim_selector,
        "spf_dns": list(report.spf_dns),
        "delivery_result": report.delivery_result,
        "header_from": report.header_from,
    }
    return data
