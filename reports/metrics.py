"""Prometheus text exposition (format 0.0.4) of :class:`~analysis.health.Health`.

For node_exporter's textfile collector: no sample timestamps, ASCII metric names with the
``dmarcwatch_`` prefix, base units (seconds, ratios 0-1), one HELP and TYPE per metric, label
values escaped (a domain name comes from a report). Per domain: messages and DMARC pass ratio
over the period, open findings by severity, the age of the newest report; per mailbox: the
poller's last run, whether it succeeded, and when it last succeeded.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from ..analysis.health import OPEN, Health


@dataclass(frozen=True, slots=True)
class Sample:
    labels: tuple[tuple[str, str], ...]
    value: float


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    help: str
    samples: tuple[Sample, ...]
    kind: str = "gauge"


def exposition(health: Health) -> str:
    """The metrics of *health* as a ``.prom`` file's text (ends with a newline)."""
    lines: list[str] = []
    for metric in metrics(health):
        lines.append(f"# HELP {metric.name} {_help(metric.help)}")
        lines.append(f"# TYPE {metric.name} {metric.kind}")
        lines += [f"{metric.name}{_labels(s.labels)} {_value(s.value)}" for s in metric.samples]
    return "\n".join(lines) + "\n"


def metrics(health: Health) -> list[Metric]:
    domains = health.domains
    polls = health.polls
    return [
        _per_domain(
            "dmarcwatch_messages",
            "Messages reported for the domain over the analysed period (the last days with "
            "reports).",
            ((d.domain, float(d.messages)) for d in domains),
        ),
        _per_domain(
            "dmarcwatch_dmarc_pass_ratio",
            "Share of the domain's messages passing DMARC (recomputed), 0 to 1; NaN without mail.",
            ((d.domain, d.dmarc_pass_share if d.messages else math.nan) for d in domains),
        ),
        Metric(
            "dmarcwatch_open_findings",
            "Open findings of the domain by severity (as dmarcwatch diagnose gives them).",
            tuple(
                Sample((("domain", d.domain), ("severity", str(s))), float(d.open_findings[s]))
                for d in domains
                for s in OPEN
            ),
        ),
        _per_domain(
            "dmarcwatch_newest_report_age_seconds",
            "Seconds since the end of the newest stored report of the domain.",
            ((d.domain, age) for d in domains if (age := d.report_age(health.as_of)) is not None),
        ),
        Metric(
            "dmarcwatch_poll_success",
            "1 when the last poll of the mailbox succeeded, else 0.",
            tuple(Sample((("mailbox", p.mailbox),), float(p.status == "ok")) for p in polls),
        ),
        Metric(
            "dmarcwatch_poll_last_run_timestamp_seconds",
            "When the mailbox was last polled (Unix time).",
            tuple(Sample((("mailbox", p.mailbox),), p.last_run.timestamp()) for p in polls),
        ),
        Metric(
            "dmarcwatch_poll_last_success_timestamp_seconds",
            "When a poll of the mailbox last succeeded (Unix time).",
            tuple(
                Sample((("mailbox", p.mailbox),), p.last_success.timestamp())
                for p in polls
                if p.last_success is not None
            ),
        ),
    ]


def _per_domain(name: str, text: str, values: Iterable[tuple[str, float]]) -> Metric:
    return Metric(name, text, tuple(Sample((("domain", d),), v) for d, v in values))


def _labels(labels: tuple[tuple[str, str], ...]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels) + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _value(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == int(value) and abs(value) < 2**53:
        return str(int(value))
    return repr(value)
