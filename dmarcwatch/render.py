"""Reports as JSON-ready dicts: the shape ``dmarcwatch parse`` prints (one object per line)."""

from __future__ import annotations

from typing import Any

from dmarcwatch.ingest.model import AggregateReport, Record


def report_to_dict(report: AggregateReport, source: str, location: str = "") -> dict[str, Any]:
    """The documented ``parse`` object: metadata, policy, warnings and every record."""
    meta = report.metadata
    policy = report.policy
    data: dict[str, Any] = {"source": source}
    if location:
        data["location"] = location
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
