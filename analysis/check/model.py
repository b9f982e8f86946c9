"""Value types of the DNS check: observations, findings and their vocabulary.

An :class:`Observation` is what a checker module (``spf``, ``dmarc``, ``dkim``) concludes, in
terms of a stable code, a message key and its parameters. :mod:`analysis.check.findings`
renders it into a :class:`CheckFinding`, the same shape as the findings of ``diagnose``
(code, severity, domain, summary, fix, actor, evidence), in the language asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..severity import Actor as Actor
from ..severity import Severity as Severity

Params = Mapping[str, str | int | tuple[str, ...]]  # a tuple is a list


@dataclass(frozen=True, slots=True)
class Observation:
    """One conclusion of a checker, before it is put into words.

    ``key`` names the message (``code`` or ``code.variant``) in :mod:`analysis.check.messages`;
    ``params`` fills its placeholders; ``evidence`` lists the DNS answers it rests on.
    """

    code: str
    severity: Severity
    key: str
    params: Params = field(default_factory=dict)
    evidence: tuple[str, ...] = ()
    actor: Actor = Actor.PRACTICE
    sender: str | None = None


@dataclass(frozen=True, slots=True)
class CheckFinding:
    """A finding of ``dmarcwatch check``, in the shape of the findings of ``diagnose``."""

    code: str
    severity: Severity
    domain: str
    summary: str
    fix: str
    actor: Actor
    evidence: tuple[str, ...] = ()
    sender: str | None = None
    sender_name: str | None = None
    params: Params = field(default_factory=dict)
    key: str = ""  # the message key (``code`` or ``code.variant``), to put it into words again

    def to_json(self) -> dict[str, object]:
        """The finding as a JSON-ready mapping, with the keys ``diagnose --json`` uses.

        ``evidence`` is a mapping as in ``diagnose``: the message parameters, and under
        ``dns`` the DNS answers the finding rests on.
        """
        return {
            "code": self.code,
            "severity": str(self.severity),
            "domain": self.domain,
            "sender": self.sender,
            "sender_name": self.sender_name,
            "actor": str(self.actor),
            "summary": self.summary,
            "fix": self.fix,
            "evidence": {**self.params, "dns": list(self.evidence)},
        }
