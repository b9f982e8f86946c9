"""Whether a report's carrying mail is from its reporter: the verdicts and the verifier's shape.

Anyone can mail a rua address, so a report that arrives by mail proves nothing by itself. The
pipeline asks a :class:`MailVerifier` about each mail input once and stores a verdict per
report (``reports.verification``):

- ``verified``: a DKIM signature of the mail verifies and its ``d=`` domain is the reporter's
  (the organisational domain of the report's contact address, and of its org name when that
  is a domain name);
- ``failed``: signatures are present, but none both verifies and is the reporter's (a bad
  signature, a missing key, or a valid one by another domain);
- ``unverified``: no usable signature (an unsigned mail; DNS did not answer in time);
- ``not-applicable``: not a mail (a file imported by hand), or no verifier was asked.

Ingest does no DNS: the verifier is handed in by the command line (it lives with the DNS
layer, :mod:`analysis.dns.dkim`). The analysis reads the verdicts through its read layer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal, Protocol

from .model import ReportHeader

Verdict = Literal["verified", "unverified", "failed", "not-applicable"]

VERIFIED: Final = "verified"
UNVERIFIED: Final = "unverified"
FAILED: Final = "failed"
NOT_APPLICABLE: Final = "not-applicable"
VERDICTS: Final = (VERIFIED, UNVERIFIED, FAILED, NOT_APPLICABLE)


class MailCheck(Protocol):
    """The signatures of one mail, checked once; asked for a verdict per report it carries."""

    def verdict(self, reporter_email: str, org_name: str) -> Verdict: ...


class MailVerifier(Protocol):
    """Checks the DKIM signatures of one input; ``None`` when the input is not a mail."""

    def __call__(self, data: bytes) -> MailCheck | None: ...


_NOT_MAIL = (b"\x1f\x8b", b"PK\x03\x04", b"<", b"{")
"""How gzip, zip, XML and JSON inputs begin (after white space): files, not mails."""


def mail_only(verifier: MailVerifier) -> MailVerifier:
    """*verifier* for inputs that are mails; other inputs (files imported by hand) get ``None``.

    A mailbox source hands over mails only and uses the verifier itself.
    """

    def check(data: bytes) -> MailCheck | None:
        return None if data[:64].lstrip().startswith(_NOT_MAIL) else verifier(data)

    return check


@dataclass
class KeptVerdicts:
    """A mail's verdicts as stored before, for ``reparse``: DKIM keys rotate, so a mail that
    verified when it arrived may not verify a year later. A report not stored before gets a
    *fresh* check (made once, when first needed), or ``unverified`` without one."""

    known: Mapping[tuple[str, str], str]
    fresh: Callable[[], MailCheck | None]
    _check: list[MailCheck | None] = field(default_factory=list)

    def verdict(self, reporter_email: str, org_name: str) -> Verdict:
        kept = self.known.get((reporter_email, org_name))
        if kept in VERDICTS:
            return kept  # type: ignore[return-value]
        if not self._check:
            self._check.append(self.fresh())
        check = self._check[0]
        return check.verdict(reporter_email, org_name) if check is not None else UNVERIFIED


def verdict_of(check: MailCheck | None, header: ReportHeader) -> Verdict:
    """The verdict of one report carried by a mail whose check is *check*."""
    if check is None:
        return NOT_APPLICABLE
    return check.verdict(header.metadata.email, header.metadata.org_name)
