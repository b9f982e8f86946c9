"""Recompute DMARC alignment per row from the raw auth results (reference §2).

- DKIM is aligned when a signature **passed** and its ``d=`` is aligned with the From domain;
  SPF is aligned when SPF **passed** and its (MAIL FROM) domain is aligned (RFC 7489 §3.1,
  DMARCbis §4.4). One aligned passing signature is enough.
- strict (``s``): the two domains are equal; relaxed (``r``, the default): they share the
  Organizational Domain (RFC 7489 §3.1.1-3.1.2).
- DMARC passes when aligned DKIM or aligned SPF passes (RFC 7489 §6.6.2 step 5).

Everything is computed twice: with the Public Suffix List (RFC 7489 §3.2, what most receivers
still do) and with the RFC 9989 tree walk over the DMARC records we know of. The reporter's own
verdict (``policy_evaluated``) is kept beside ours, and rows where they differ are marked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import columns as c
from .distinct import Distinct
from .dns.discovery import OrgDomains
from .dns.names import normalise
from .read import DkimResult

OrgFn = Callable[[str], str]


def is_aligned(domain: str, header_from: str, mode: str, org: OrgFn) -> bool:
    """Whether an authenticated *domain* aligns with *header_from* under *mode* (s or r)."""
    domain, header_from = normalise(domain), normalise(header_from)
    if not domain or not header_from:
        return False
    if domain == header_from:
        return True
    if mode.strip().lower() == "s":
        return False
    return org(domain) == org(header_from)


def any_aligned(domains: Iterable[str], header_from: str, mode: str, org: OrgFn) -> bool:
    return any(is_aligned(d, header_from, mode, org) for d in domains)


def align(rows: pd.DataFrame, orgs: OrgDomains) -> pd.DataFrame:
    """Add the alignment columns of :mod:`analysis.columns` to classified *rows*."""
    out = rows.copy()
    hf = out[c.HEADER_FROM].astype(str)
    dkim_keys = Distinct(hf, out[c.ADKIM].astype(str), out[c.DKIM_RESULTS])
    spf_ok = out[c.SPF_RESULT].astype(str) == "pass"
    spf_keys = Distinct(hf, out[c.ASPF].astype(str), out[c.SPF_DOMAIN].astype(str))
    for suffix, org in (("", orgs.psl), ("_tree", orgs.tree)):
        dkim = dkim_keys.map(_dkim_aligned(org))
        spf = spf_keys.map(_spf_aligned(org))
        out[c.DKIM_ALIGNED + suffix] = dkim.astype(bool)
        out[c.SPF_ALIGNED + suffix] = spf.astype(bool) & spf_ok.to_numpy()
        out[c.DMARC_PASS + suffix] = out[c.DKIM_ALIGNED + suffix] | out[c.SPF_ALIGNED + suffix]
    pe_dkim = out[c.PE_DKIM].astype(str).str.lower() == "pass"
    pe_spf = out[c.PE_SPF].astype(str).str.lower() == "pass"
    if c.FOLDED in out and out[c.FOLDED].any():
        _receivers_verdict(out, out[c.FOLDED].to_numpy(dtype=bool), pe_dkim, pe_spf)
    out[c.REPORTER_PASS] = (pe_dkim | pe_spf).to_numpy()
    out[c.DISAGREES] = out[c.DMARC_PASS] != out[c.REPORTER_PASS]
    out[c.TREE_DIFFERS] = out[c.DMARC_PASS] != out[c.DMARC_PASS_TREE]
    return out


def _receivers_verdict(
    out: pd.DataFrame, folded: npt.NDArray[np.bool_], pe_dkim: pd.Series, pe_spf: pd.Series
) -> None:
    """Folded rows (see :mod:`analysis.read.rows`) keep no results to recompute from: their
    alignment is the receiver's own verdict."""
    for suffix in ("", "_tree"):
        for column, verdict in ((c.DKIM_ALIGNED, pe_dkim), (c.SPF_ALIGNED, pe_spf)):
            out.loc[folded, column + suffix] = verdict.to_numpy()[folded]
        passing = out[c.DKIM_ALIGNED + suffix] | out[c.SPF_ALIGNED + suffix]
        out[c.DMARC_PASS + suffix] = passing


def _dkim_aligned(org: OrgFn) -> Callable[[str, str, tuple[DkimResult, ...]], bool]:
    def aligned(header_from: str, mode: str, results: tuple[DkimResult, ...]) -> bool:
        passing = (s.domain for s in results if s.result == "pass")
        return any_aligned(passing, header_from, mode, org)

    return aligned


def _spf_aligned(org: OrgFn) -> Callable[[str, str, str], bool]:
    def aligned(header_from: str, mode: str, domain: str) -> bool:
        return is_aligned(domain, header_from, mode, org)

    return aligned


def share(mask: pd.Series, weights: pd.Series) -> float:
    """Message-weighted share of rows where *mask* holds (0.0 for no messages)."""
    total = float(weights.sum())
    return float(weights[mask.to_numpy()].sum()) / total if total else 0.0
