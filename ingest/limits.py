"""Limits that bound the work one input can cause, enforced while streaming."""

from __future__ import annotations

from dataclasses import dataclass, fields

MiB = 1024 * 1024

RFC9990_AUTH_RESULTS = 100
"""RFC 9990 allows at most 100 DKIM results in one row; dmarcwatch applies it to SPF too."""

KEY_FIELD_BYTES = {"org_name": 512, "report_id": 512, "policy_domain": 1024}
"""Most UTF-8 bytes of the fields of a report's key. The key's unique index must hold a
row: PostgreSQL's B-tree refuses one over 2,704 bytes ("index row size exceeds"), and
these add up to 2,048 bytes with the period. A valid domain has at most 253 characters."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds for unpacking and parsing one input.

    ``max_report_bytes`` caps the decompressed XML of one report (RFC 7489 notes a common
    receiver limit of 10 MB compressed; large senders' reports run to tens of MB of XML).
    The ``max_input_*`` budgets hold for one input in all (a mail of twelve reports is one
    input), and ``max_reporter_day_records`` for one reporter's reports of one day in the
    store; beyond a budget the report being read is rejected and the rest of the input is
    not read.
    """

    max_report_bytes: int = 100 * MiB
    # Python's e-mail parser holds a message several times over while it walks the parts;
    # 40 MiB keeps the peak under 300 MB and is four times the receiver limit RFC 7489 notes.
    max_message_bytes: int = 40 * MiB
    max_zip_members: int = 1000
    max_depth: int = 8
    max_mime_parts: int = 2000
    # The e-mail parser keeps each line as an object of its own (about 75 bytes over its text):
    # 40 MiB of one-character lines took 1.5 GB. A million lines (a 40 MiB message of base64
    # has about 540,000) keeps that near 100 MB; forwarded messages share the budget.
    max_message_lines: int = 1_000_000
    max_xml_depth: int = 64
    max_json_depth: int = 64  # TLS reports nest four deep; anything deeper is hostile
    max_records: int = 2_000_000
    # Results beyond this many DKIM (or SPF) results in one record are dropped with a warning.
    max_auth_results: int = RFC9990_AUTH_RESULTS
    # Decompressed bytes of all the reports in one input: two of the largest reports.
    max_input_bytes: int = 200 * MiB
    # CPU seconds spent reading one input (a 100 MiB report takes a few seconds).
    max_input_cpu_seconds: float = 60.0
    # Wall-clock seconds reading one input, writing included, on a busy machine.
    max_input_seconds: float = 600.0
    # Records in all the reports of one input, and of one reporter on one day (UTC, the
    # day the report's period begins) in the store.
    max_input_records: int = 200_000
    max_reporter_day_records: int = 500_000

    def __post_init__(self) -> None:
        for field in fields(self):
            if getattr(self, field.name) <= 0:
                raise ValueError(f"{field.name} must be positive")


DEFAULT_LIMITS = Limits()

CONFIGURABLE = (
    "max_message_bytes",
    "max_report_bytes",
    "max_input_bytes",
    "max_input_cpu_seconds",
    "max_input_seconds",
    "max_input_records",
    "max_reporter_day_records",
)
"""The limits a ``[limits]`` table in the config file may set."""
