"""Frozen dataclasses for a DMARC aggregate report (RFC 7489 App. C, RFC 9990, pre-RFC draft).

Names follow the XML element names. Values are normalised (result words lower-cased,
numbers parsed, RFC defaults applied to missing optional policy fields); anything that was
repaired or defaulted in a way a reader should know about is said in the report's warnings.

Optional strings are ``None`` when the element was absent, ``""`` when it was present and empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Schema = Literal["draft", "rfc7489", "rfc9990"]
SCHEMAS: tuple[Schema, ...] = ("draft", "rfc7489", "rfc9990")


@dataclass(frozen=True, slots=True)
class DkimAuthResult:
    """One evaluated DKIM signature (``auth_results/dkim``), uninterpreted for DMARC."""

    domain: str
    selector: str | None
    result: str
    human_result: str | None = None


@dataclass(frozen=True, slots=True)
class SpfAuthResult:
    """The SPF check (``auth_results/spf``); ``scope`` is ``mfrom`` unless it says ``helo``."""

    domain: str
    scope: str | None
    result: str
    human_result: str | None = None


@dataclass(frozen=True, slots=True)
class PolicyOverrideReason:
    """Why the receiver applied a disposition other than the published policy."""

    type: str
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Record:
    """One row of a report: messages from one source with one set of results."""

    source_ip: str
    count: int
    disposition: str
    dkim: str
    spf: str
    reasons: tuple[PolicyOverrideReason, ...]
    header_from: str
    envelope_from: str | None
    envelope_to: str | None
    dkim_results: tuple[DkimAuthResult, ...]
    spf_results: tuple[SpfAuthResult, ...]


@dataclass(frozen=True, slots=True)
class PolicyPublished:
    """The DMARC policy the receiver found, with RFC defaults for what the report left out."""

    domain: str
    adkim: str = "r"
    aspf: str = "r"
    p: str = "none"
    sp: str = "none"
    np: str = "none"
    pct: int | None = 100
    fo: str = "0"
    testing: str | None = None
    discovery_method: str | None = None


@dataclass(frozen=True, slots=True)
class ReportMetadata:
    """Who sent the report, its id and the period it covers (epoch seconds, UTC)."""

    org_name: str
    email: str
    report_id: str
    begin: int
    end: int
    extra_contact_info: str | None = None
    errors: tuple[str, ...] = ()
    generator: str | None = None


@dataclass(frozen=True, slots=True)
class ReportHeader:
    """Everything of a report but its records; yielded before them when streaming."""

    schema: Schema
    version: str | None
    metadata: ReportMetadata
    policy: PolicyPublished
    warnings: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str, str, int, int]:
        """The natural key a report is unique on: org, report id, policy domain, period."""
        m = self.metadata
        return (m.org_name, m.report_id, self.policy.domain, m.begin, m.end)


@dataclass(frozen=True, slots=True)
class ReportEnd:
    """The end of a streamed report: totals and the warnings found after the header."""

    records: int
    messages: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AggregateReport:
    """A whole parsed report."""

    header: ReportHeader
    records: tuple[Record, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def schema(self) -> Schema:
        return self.header.schema

    @property
    def metadata(self) -> ReportMetadata:
        return self.header.metadata

    @property
    def policy(self) -> PolicyPublished:
        return self.header.policy

    @property
    def message_count(self) -> int:
        return sum(r.count for r in self.records)
