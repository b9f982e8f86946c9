"""Who sent each row: a catalogue sender id, or ``unknown`` (never guessed).

Evidence, strongest first (reference §5, "classification approach"):

1. the source IP lies in a sender's networks;
2. the reverse-DNS name ends in a sender's suffix (only when rDNS was looked up);
3. SPF passed for an envelope domain that matches a sender's pattern (``em1234.<domain>``,
   ``sendgrid.net``, …): the sender's SPF authorised this IP;
4. a passing DKIM signature by the sender's own domain (``d=sendgrid.net``, ``sendgrid.info``,
   ``*.onmicrosoft.com``, ``*.gappssmtp.com``, …), or a selector the sender uses on customer
   domains (``s1``/``s2``, ``selector1``…, low confidence: used only to name a signer).

A row is **forwarded** when someone other than the delivering host vouches for it (a signer
that differs from the delivering sender, or the reporter's forwarding override reason) while
SPF did not pass (reference §2.4 and §4.3 d). Its sender is then the signer. Lookups run once
per distinct IP / name / signature; rows get their values back through numpy indexing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import columns as c
from .catalogue import Catalogue, Sender
from .distinct import Distinct, map_distinct, map_unique
from .dns.names import psl_org_domain
from .read import DkimResult, SpfResult

UNKNOWN = "unknown"
FORWARD_REASONS = frozenset({"forwarded", "trusted_forwarder", "mailing_list"})


@dataclass(frozen=True, slots=True)
class Signers:
    """What the DKIM results of a row say about who signed."""

    strong: str | None  # a passing signature by a sender's own domain
    weak: str | None  # a passing signature with a sender's customer-domain selector
    failed_provider: str | None  # a failing signature by a sender's own domain
    failed_any: str | None  # a failing signature by a sender's domain or selector
    pass_domains: tuple[str, ...]
    fail_domains: tuple[str, ...]


def dkim_signers(catalogue: Catalogue, results: tuple[DkimResult, ...]) -> Signers:
    passing = [s for s in results if s.result == "pass"]
    failing = [s for s in results if s.result != "pass"]
    failed_provider = _first(catalogue, failing, provider=True)
    return Signers(
        strong=_first(catalogue, passing, provider=True),
        weak=_first(catalogue, passing, provider=False),
        failed_provider=failed_provider,
        failed_any=failed_provider or _first(catalogue, failing, provider=False),
        pass_domains=tuple(s.domain for s in passing),
        fail_domains=tuple(s.domain for s in failing),
    )


def _first(catalogue: Catalogue, sigs: list[DkimResult], provider: bool) -> str | None:
    for sig in sigs:
        for sender in catalogue.senders:
            for fact in sender.dkim:
                if fact.provider == provider and fact.matches(sig.domain, sig.selector):
                    return sender.id
    return None


def spf_checked(results: tuple[SpfResult, ...]) -> tuple[str, str]:
    """``(domain, result)`` of the SPF check DMARC uses: the ``mfrom`` one, else the first.

    RFC 7489 §3.1.2: only the MAIL FROM identity counts (HELO stands in for a null path, and
    reporters then give scope ``helo``; it is used when it is all there is).
    """
    if not results:
        return "", "none"
    chosen = next((r for r in results if r.scope in ("mfrom", "")), results[0])
    return chosen.domain, chosen.result


def rdns_sender(catalogue: Catalogue, name: str) -> str | None:
    """The sender whose rDNS suffix is the longest match for *name*."""
    name = name.lower().rstrip(".")
    best: tuple[int, str] | None = None
    for sender in catalogue.senders:
        for fact in sender.rdns:
            if name == fact.suffix or name.endswith("." + fact.suffix):
                candidate = (len(fact.suffix), sender.id)
                best = max(best, candidate) if best else candidate
    return best[1] if best else None


def envelope_sender(catalogue: Catalogue, *values: str) -> str | None:
    """The sender whose envelope pattern matches the first of *values* (the envelope-from
    domain, then the SPF domain) that one matches."""
    for value in values:
        if not value:
            continue
        for sender in catalogue.senders:
            if any(re.search(f.regex, value) for f in sender.envelope):
                return sender.id
    return None


def classify(
    rows: pd.DataFrame, catalogue: Catalogue, rdns: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Add SPF/DKIM fields and the sender columns (see :mod:`analysis.columns`) to *rows*."""
    out = with_spf(rows)
    signers = _SignerColumns(out[c.DKIM_RESULTS], catalogue)
    out[c.DKIM_PASS_DOMAINS] = signers.column("pass_domains")
    ip_sender = _by_ip(out[c.SOURCE_IP], catalogue)
    known = rdns or {}
    out[c.RDNS] = map_unique(out[c.SOURCE_IP], lambda ip: known.get(ip, ""))
    by_rdns = map_unique(out[c.RDNS], lambda n: rdns_sender(catalogue, n) if n else None)
    by_envelope = map_distinct(
        lambda envelope, spf_domain: envelope_sender(catalogue, envelope, spf_domain),
        out[c.ENVELOPE_FROM].astype(str),
        out[c.SPF_DOMAIN].astype(str),
    )
    spf_pass = out[c.SPF_RESULT].to_numpy() == "pass"
    by_envelope = _only_where(spf_pass, by_envelope)
    path = _first_known(ip_sender, by_rdns, by_envelope)
    _decide(
        out,
        by_ip=ip_sender,
        by_rdns=by_rdns,
        by_envelope=by_envelope,
        signers=signers,
        spf_pass=spf_pass,
        spf_own=spf_pass & _same_org(out[c.SPF_DOMAIN], out[c.HEADER_FROM]),
        aligned_pass=_aligned_pass(out[c.DKIM_PASS_DOMAINS], out[c.HEADER_FROM]),
        mailbox_path=map_unique(
            pd.Series(path, dtype=object), lambda p: sender_kind(catalogue, p) == "mailbox"
        ).astype(bool),
    )
    return out


def with_spf(rows: pd.DataFrame) -> pd.DataFrame:
    """*rows* with :data:`columns.SPF_DOMAIN` and :data:`columns.SPF_RESULT`: the one SPF
    result DMARC checks (the ``mfrom`` one, else ``helo``), all alignment needs of SPF."""
    out = rows.copy()
    spf = map_distinct(spf_checked, out[c.SPF_RESULTS])
    out[c.SPF_DOMAIN] = [d for d, _ in spf]
    out[c.SPF_RESULT] = [r for _, r in spf]
    return out


Labels = npt.NDArray[np.object_]


class _SignerColumns:
    """:class:`Signers` fields as row-aligned arrays, computed once per distinct DKIM results."""

    def __init__(self, results: pd.Series, catalogue: Catalogue) -> None:
        self._distinct = Distinct(results)
        self._cache: dict[tuple[DkimResult, ...], Signers] = {}
        self._catalogue = catalogue

    def of(self, results: tuple[DkimResult, ...]) -> Signers:
        if results not in self._cache:
            self._cache[results] = dkim_signers(self._catalogue, results)
        return self._cache[results]

    def column(self, name: str) -> Labels:
        return self._distinct.map(lambda results: getattr(self.of(results), name))


def _by_ip(ips: pd.Series, catalogue: Catalogue) -> Labels:
    """One :func:`numpy.searchsorted` over the distinct addresses, mapped back to the rows."""
    codes, uniques = pd.factorize(ips.fillna("").astype(str), use_na_sentinel=False)
    labels = catalogue.ranges.lookup([str(u) for u in uniques])
    return labels[codes] if len(codes) else np.empty(0, dtype=object)


def _same_org(left: pd.Series, right: pd.Series) -> npt.NDArray[np.bool_]:
    """Whether the two domains share the PSL organisational domain (RFC 7489 §3.2)."""
    same = map_distinct(
        lambda a, b: psl_org_domain(a) == psl_org_domain(b), left.astype(str), right.astype(str)
    )
    return same.astype(bool)


def _aligned_pass(pass_domains: pd.Series, header_from: pd.Series) -> npt.NDArray[np.bool_]:
    """Whether a passing DKIM signature shares the From's organisational domain.

    Only such a signature vouches for a copy as forwarded (reference 2.4): a forger's mail
    signed with the forger's own unrelated domain is not a forwarded copy of anyone's.
    """

    def aligned(domains: tuple[str, ...], author: str) -> bool:
        org = psl_org_domain(author)
        return any(psl_org_domain(d) == org for d in domains if d)

    return map_distinct(aligned, pass_domains, header_from.astype(str)).astype(bool)


def _only_where(mask: npt.NDArray[np.bool_], labels: Labels) -> Labels:
    result = np.full(len(labels), None, dtype=object)
    result[mask] = labels[mask]
    return result


def _known(labels: Labels) -> npt.NDArray[np.bool_]:
    return np.array([v is not None for v in labels], dtype=bool)


def _first_known(*choices: Labels, default: str | None = None) -> Labels:
    """Element-wise the first non-``None`` label among *choices*."""
    result = np.full(len(choices[0]), default, dtype=object)
    for labels in reversed(choices):
        result = np.where(_known(labels), labels, result)
    return result


def _decide(
    out: pd.DataFrame,
    *,
    by_ip: Labels,
    by_rdns: Labels,
    by_envelope: Labels,
    signers: _SignerColumns,
    spf_pass: npt.NDArray[np.bool_],
    spf_own: npt.NDArray[np.bool_],
    aligned_pass: npt.NDArray[np.bool_],
    mailbox_path: npt.NDArray[np.bool_],
) -> None:
    strong = signers.column("strong")
    signer = _first_known(strong, signers.column("weak"))
    failed = signers.column("failed_provider")
    path = _first_known(by_ip, by_rdns, by_envelope)
    forward_reason = map_distinct(
        lambda reasons: bool(FORWARD_REASONS.intersection(reasons)), out[c.REASONS]
    ).astype(bool)
    vouched = _known(signer) | _known(failed) | aligned_pass
    vouching = _first_known(signer, failed)
    differs = ~_known(path) | (_known(vouching) & (vouching != path))
    # A mailbox provider (Google, Microsoft) signs its customers' mail with its own domain or
    # selector; a signature from neither, with SPF failing, is someone else's mail it forwards.
    differs |= mailbox_path & ~_known(vouching) & aligned_pass & ~spf_pass
    # A catalogue signer other than the delivering host vouches for it (forwarder, SRS or not);
    # otherwise an aligned passing signature counts only while SPF failed (reference §2.4).
    forwarded = (
        forward_reason | (_known(signer) & differs & ~spf_own) | (vouched & differs & ~spf_pass)
    )
    sender = np.where(
        forwarded,
        _first_known(signer, failed, default=UNKNOWN),
        _first_known(path, strong, default=UNKNOWN),
    )
    by = np.select(
        [forwarded, _known(by_ip), _known(by_rdns), _known(by_envelope), _known(strong)],
        ["dkim", "ip", "rdns", "envelope", "dkim"],
        default="",
    )
    out[c.PATH_SENDER] = _first_known(path, default="")
    out[c.SIGNER] = _first_known(signer, default="")
    out[c.FORWARDED] = forwarded
    out[c.SENDER] = sender
    out[c.SENDER_BY] = np.where(sender == UNKNOWN, "", by)
    _mark_damaged_copies(out, signers)


def _mark_damaged_copies(out: pd.DataFrame, signers: _SignerColumns) -> None:
    """Copies whose DKIM signature failed although the same ``d=`` verifies on the domain's
    other mail, from a known host and without SPF pass: altered on the way (a forward or a
    list), not a broken setup. Unknown hosts are left alone: a forger may copy a signature.
    """
    passing = pd.DataFrame({"domain": out[c.DOMAIN], "d": out[c.DKIM_PASS_DOMAINS]}).explode("d")
    verified = set(zip(passing["domain"].tolist(), passing["d"].tolist(), strict=True))

    def broken_on_the_way(domain: str, results: tuple[DkimResult, ...]) -> bool:
        s = signers.of(results)
        return not s.pass_domains and any((domain, d) in verified for d in s.fail_domains)

    damaged = map_distinct(broken_on_the_way, out[c.DOMAIN].astype(str), out[c.DKIM_RESULTS])
    damaged = damaged.astype(bool)
    damaged &= (out[c.PATH_SENDER] != "").to_numpy()
    damaged &= (out[c.SPF_RESULT] != "pass").to_numpy() & ~out[c.FORWARDED].to_numpy()
    if not damaged.any():
        return
    origin = signers.column("failed_any")
    out.loc[damaged, c.FORWARDED] = True
    out.loc[damaged, c.SENDER] = _first_known(origin, default=UNKNOWN)[damaged]
    out.loc[damaged, c.SENDER_BY] = "dkim"


def sender_kind(catalogue: Catalogue, sender_id: str) -> str | None:
    sender: Sender | None = catalogue.by_id.get(sender_id)
    return sender.kind if sender else None
