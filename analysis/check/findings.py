"""Observations into findings: words in the asked language, duplicates merged, worst first.

A :class:`~analysis.check.model.CheckFinding` has the fields of a ``diagnose`` finding
(code, severity, domain, sender, actor, summary, fix) plus ``evidence``, the DNS answers it
rests on, quoted as the server gave them; a line repeated (20 queries not sent to a dead
nameserver) is told once, where it first appears, with its count: ``… (×20)``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .messages import render
from .model import CheckFinding, Observation
from .senders import sender_name


def to_finding(observation: Observation, domain: str, language: str) -> CheckFinding:
    params = {"domain": domain, **observation.params}
    summary, fix = render(observation.key, language, params)
    return CheckFinding(
        code=observation.code,
        severity=observation.severity,
        domain=domain,
        summary=summary,
        fix=fix,
        actor=observation.actor,
        evidence=collapsed(observation.evidence),
        sender=observation.sender,
        sender_name=sender_name(observation.sender) if observation.sender else None,
        params=dict(observation.params),
        key=observation.key,
    )


def collapsed(lines: Iterable[str]) -> tuple[str, ...]:
    """Each distinct line once, in order of first appearance, ``(×n)`` after a repeated one."""
    counts = Counter(lines)
    return tuple(line if n == 1 else f"{line} (\u00d7{n})" for line, n in counts.items())


def unique(observations: Iterable[Observation]) -> list[Observation]:
    """Drop repeats (the same key with the same parameters), keeping the first."""
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    kept = []
    for obs in observations:
        marker = (obs.key, tuple(sorted((k, str(v)) for k, v in obs.params.items())))
        if marker not in seen:
            seen.add(marker)
            kept.append(obs)
    return kept


def render_findings(
    observations: Iterable[Observation], domain: str, language: str
) -> list[CheckFinding]:
    """Findings for *domain*, worst first; within a severity in the order they were made."""
    findings = [to_finding(obs, domain, language) for obs in unique(observations)]
    return sorted(findings, key=lambda f: f.severity.rank)
