"""DKIM verification of report mails, with the run's DNS bounds: is the mail from its reporter?

:class:`DkimVerifier` is the :class:`ingest.verify.MailVerifier` the command line hands to
ingest. dkimpy checks each ``DKIM-Signature`` (RFC 6376); its key look-ups go through the
:class:`.resolver.Resolver` (a per-try timeout and a deadline per mail, answers cached for the
run, an answer size bound), never through dkimpy's own DNS.

A signature counts for a report when it verifies and its ``d=`` has the organisational domain
(RFC 7489 §3.2, Public Suffix List) of the report's contact address, and of its org name when
that is a domain name: a valid signature by ``evil.example`` proves nothing about a report that
names google.com. The verdicts are :mod:`ingest.verify`'s.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Literal

import dkim

from .lookup import Lookup
from .names import is_valid_domain, psl_org_domain
from .resolver import Resolver, ResolverConfig

MAIL_DEADLINE_S = 8.0
"""All key look-ups of one mail end within this many seconds; then it is ``unverified``."""
MAX_SIGNATURES = 5
"""Signatures checked per mail (a mail with hundreds would otherwise cost as many look-ups)."""
MAX_KEY_BYTES = 4096
"""A key record longer than this is refused (an RSA-4096 key takes about 800 bytes)."""
MIN_KEY_BITS = 1024  # RFC 8301 §3.2: verifiers MUST NOT consider keys below 1024 bits valid

_PASS, _FAIL, _TEMP = "pass", "fail", "temperror"

# dkimpy logs every failed signature at ERROR level; a forged mail is not our error.
logging.getLogger("dkimpy").addHandler(logging.NullHandler())


@dataclass(frozen=True, slots=True)
class Signature:
    """One checked signature: its ``d=`` domain and ``pass``, ``fail`` or ``temperror``."""

    domain: str
    result: str


@dataclass(frozen=True, slots=True)
class MailSignatures:
    """The checked signatures of one mail; a :class:`ingest.verify.MailCheck`."""

    signatures: tuple[Signature, ...]

    def verdict(
        self, reporter_email: str, org_name: str
    ) -> Literal["verified", "failed", "unverified"]:
        """``verified``, ``failed`` or ``unverified`` for a report naming this reporter."""
        wanted = _reporter_orgs(reporter_email, org_name)
        for sig in self.signatures:
            if sig.result == _PASS and wanted and {psl_org_domain(sig.domain)} == wanted:
                return "verified"
        if any(sig.result != _TEMP for sig in self.signatures):
            return "failed"  # a bad signature, a missing key, or another domain's signature
        return "unverified"  # unsigned, or DNS did not answer in time


def _reporter_orgs(email: str, org_name: str) -> set[str]:
    """The organisational domains a report claims: its address's, and its org name's if a name."""
    _, at, domain = email.strip().rpartition("@")
    orgs = {psl_org_domain(domain)} if at and is_valid_domain(domain) else set()
    name = org_name.strip().lower().rstrip(".")
    if "." in name and is_valid_domain(name):
        orgs.add(psl_org_domain(name))
    return orgs


@dataclass
class DkimVerifier:
    """Checks report mails; one per run, so keys fetched for one mail serve the next ones."""

    config: ResolverConfig = field(default_factory=ResolverConfig)
    mail_deadline: float = MAIL_DEADLINE_S
    _keys: dict[str, Lookup] = field(default_factory=dict)

    def __call__(self, data: bytes) -> MailSignatures:
        if _SIGNATURE_FIELD not in _header_section(data).lower():
            return MailSignatures(())  # unsigned: no need to parse (or copy) a large mail
        try:
            message = dkim.DKIM(data, minkey=MIN_KEY_BITS)
        except dkim.DKIMException:
            return MailSignatures(())  # not parseable as a mail: no usable signature
        count = sum(1 for name, _ in message.headers if name.lower() == b"dkim-signature")
        keys = _MailKeys(self._keys, Resolver(self._per_mail()))
        return MailSignatures(
            tuple(_check(message, i, keys) for i in range(min(count, MAX_SIGNATURES)))
        )

    def _per_mail(self) -> ResolverConfig:
        deadline = self.mail_deadline
        if self.config.deadline is not None:
            deadline = min(deadline, self.config.deadline)
        return dataclasses.replace(self.config, deadline=deadline, max_queries=MAX_SIGNATURES)


_SIGNATURE_FIELD = b"dkim-signature"


def _header_section(data: bytes) -> bytes:
    """The header fields of a mail (up to the first empty line), without its body."""
    ends = [at for at in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if at >= 0]
    return data[: min(ends)] if ends else data


@dataclass
class _MailKeys:
    """dkimpy's ``dnsfunc`` for one mail: cached answers, else the bounded resolver."""

    cache: dict[str, Lookup]
    resolver: Resolver
    temporary: bool = False

    def __call__(self, name: bytes, timeout: float = 5) -> bytes | None:
        text = name.decode("ascii", "replace").lower().rstrip(".")
        lookup = self.cache.get(text)
        if lookup is None:
            lookup = self.resolver.txt(text)
            if lookup.ok:
                self.cache[text] = lookup
        if not lookup.ok:
            self.temporary = True
            return None
        record = "".join(lookup.values[:1]).encode("utf-8", "replace")
        return record if len(record) <= MAX_KEY_BYTES else None


def _check(message: dkim.DKIM, index: int, keys: _MailKeys) -> Signature:
    keys.temporary = False
    message.domain = None
    try:
        good = bool(message.verify(idx=index, dnsfunc=keys))
    except dkim.DKIMException:
        good = False
    domain = (message.domain or b"").decode("ascii", "replace").lower()
    if good:
        return Signature(domain, _PASS)
    return Signature(domain, _TEMP if keys.temporary else _FAIL)
