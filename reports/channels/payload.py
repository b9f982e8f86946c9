"""The JSON object of one event: what ``alert --json`` prints and the webhook posts.

Fields (all strings unless said): ``event`` (opened, worsened, improved, resolved, reminder),
``code``, ``severity`` (critical, warning), ``previous_severity`` (or null), ``domain``,
``sender`` (catalogue key, ``unknown`` or null), ``sender_name``, ``actor`` (practice, vendor,
mail-provider or null), ``day`` and ``first_seen`` (ISO dates), ``summary`` and ``fix`` (in
the channel's language), ``channels`` (list of target names).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...analysis.alerting.events import Event
from ...analysis.messages import render
from .model import SenderNames


def sender_name(event: Event, names: SenderNames) -> str | None:
    sender = event.finding.sender
    if sender is None:
        return None
    return "unknown" if sender == "unknown" else names(sender)


def event_object(
    event: Event, lang: str, names: SenderNames, channels: Sequence[str] = ()
) -> dict[str, Any]:
    finding = event.finding
    text = render(finding, lang, sender_name(event, names))
    return {
        "event": str(event.kind),
        "code": finding.code,
        "severity": str(event.severity),
        "previous_severity": str(event.previous) if event.previous else None,
        "domain": event.key.domain,
        "sender": finding.sender,
        "sender_name": sender_name(event, names),
        "actor": str(finding.actor) if finding.actor else None,
        "day": event.day.isoformat(),
        "first_seen": event.first_seen.isoformat(),
        "summary": text.summary,
        "fix": text.fix,
        "channels": list(channels),
    }
