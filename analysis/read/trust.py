"""What the trust rule (:func:`.selection.trusted`) set aside: counts per policy domain.

The analysis says how many reports it left out and why, so a forged report that was set aside
is visible instead of silently gone, and so is a disputed key that left both reports out.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...ingest import schema
from .selection import Selection, rank, scope_filter, trusted


@dataclass(frozen=True, slots=True)
class SetAside:
    """One policy domain's reports left out of the analysis, and its disputed keys.

    ``unverified`` and ``failed`` count reports left out for their DKIM verdict; ``outranked``
    those left out because another report claiming their key counts or is trusted alike;
    ``disputed`` keys claimed by several different reports, ``undecided`` of them those where
    none counts; ``reporters`` the org names of the disputed keys.
    """

    domain: str
    unverified: int = 0
    failed: int = 0
    outranked: int = 0
    disputed: int = 0
    undecided: int = 0
    reporters: tuple[str, ...] = ()

    @property
    def reports(self) -> int:
        return self.unverified + self.failed + self.outranked


_KEY = ("org_name", "report_id", "policy_domain", "begin_ts", "end_ts")


def set_aside(conn: Connection, sel: Selection) -> dict[str, SetAside]:
    """Per policy domain of *sel*: what the trust rule left out (domains with nothing omitted)."""
    counts: dict[str, dict[str, int]] = {}
    for domain, reason, number in conn.execute(_left_out(sel)):
        counts.setdefault(str(domain), {})[str(reason)] = int(number)
    disputes: dict[str, tuple[int, int, set[str]]] = {}
    for org, domain, counted in conn.execute(_disputed(sel)):
        keys, undecided, names = disputes.get(str(domain), (0, 0, set()))
        names.add(str(org))
        disputes[str(domain)] = (keys + 1, undecided + (not counted), names)
    found = {}
    for domain in sorted(set(counts) | set(disputes)):
        by_reason = counts.get(domain, {})
        keys, undecided, names = disputes.get(domain, (0, 0, set()))
        found[domain] = SetAside(
            domain,
            unverified=by_reason.get("unverified", 0),
            failed=by_reason.get("failed", 0),
            outranked=by_reason.get("outranked", 0),
            disputed=keys,
            undecided=undecided,
            reporters=tuple(sorted(names)),
        )
    return found


def _left_out(sel: Selection) -> sa.Select[str, str, int]:
    r = schema.reports
    reason = sa.case(
        (rank(r, sel.include_unverified) > 0, "outranked"),
        (r.c.verification == "unverified", "unverified"),
        else_="failed",
    ).label("reason")
    return (
        sa.select(r.c.policy_domain, reason, sa.func.count())
        .where(*scope_filter(sel), ~trusted(sel.include_unverified))
        .group_by(r.c.policy_domain, reason)
    )


def _disputed(sel: Selection) -> sa.Select[str, str, bool]:
    """One row per disputed key: its reporter, domain, and whether one of its reports counts."""
    r = schema.reports
    counts = sa.case((trusted(sel.include_unverified), 1), else_=0)
    key = [r.c[name] for name in _KEY]
    return (
        sa.select(r.c.org_name, r.c.policy_domain, sa.func.max(counts) > 0)
        .where(*scope_filter(sel))
        .group_by(*key)
        .having(sa.func.count() > 1)
    )
