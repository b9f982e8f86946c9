"""Findings as JSON objects and back, so a stored event can be worded again in any language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..findings import Actor, Evidence, Finding, Param, Severity


def to_json(finding: Finding) -> dict[str, Any]:
    return finding.as_dict()


def from_json(data: dict[str, Any]) -> Finding:
    evidence = Evidence(
        messages=int(data.get("messages") or 0),
        sources=tuple(data.get("sources") or ()),
        source_count=int(data.get("source_count") or 0),
        receivers=tuple(data.get("receivers") or ()),
        first_seen=_day(data.get("first_seen")),
        last_seen=_day(data.get("last_seen")),
    )
    actor = data.get("actor")
    return Finding(
        code=str(data["code"]),
        severity=Severity(data["severity"]),
        domain=str(data["domain"]),
        sender=data.get("sender"),
        actor=Actor(actor) if actor else None,
        evidence=evidence,
        params={str(k): _param(v) for k, v in (data.get("evidence") or {}).items()},
    )


def _param(value: Any) -> Param:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, str | int | float):
        return value
    return str(value)


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else None
