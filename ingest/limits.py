"""Limits that bound the work one input can cause, enforced while streaming."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds for unpacking and parsing one input.

    ``max_report_bytes`` caps the decompressed XML of one report (RFC 7489 notes a common
    receiver limit of 10 MB compressed; large senders' reports run to tens of MB of XML).
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
    max_auth_results: int = 10_000

    def __post_init__(self) -> None:
        for name in ("max_report_bytes", "max_message_bytes", "max_zip_members", "max_depth"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")


DEFAULT_LIMITS = Limits()
