"""What every rule gets, and small helpers shared by the rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .. import columns as c
from ..catalogue import Catalogue
from ..classify import UNKNOWN
from ..findings import Finding
from ..inventory import Inventory
from ..read import DomainActivity, SetAside
from ..read.rows import Folded

READINESS_DAYS = 14
READINESS_SHARE = 0.99


@dataclass(frozen=True)
class Context:
    """One policy domain's classified and aligned rows, and what else the rules may need.

    ``rows`` covers the requested window; ``history`` at least the last
    :data:`READINESS_DAYS` days of data up to the same end (for policy readiness and the
    reporters' usual cadence). ``as_of_moment`` is the end of the analysed period, which
    freshness (``no-reports``, ``reports-stopped``) is measured against.
    """

    domain: str
    rows: pd.DataFrame
    history: pd.DataFrame
    catalogue: Catalogue
    activity: DomainActivity | None
    store_last_begin: int | None  # begin of the newest report of any domain
    last_begin: int | None  # begin of this domain's newest report
    now: dt.datetime
    no_reports_days: int = 7
    set_aside: SetAside | None = None  # reports the trust rule left out, disputed keys
    as_of_moment: dt.datetime | None = None  # freshness is measured here (default: now)

    @property
    def as_of(self) -> dt.datetime:
        """The end of the analysed period, against which freshness is measured."""
        return self.as_of_moment or self.now

    inventory: Inventory | None = None  # the senders approved for the domain, if any
    folded: Folded | None = None  # rows folded to keep the domain within the row budget

    def sender_name(self, sender: str) -> str:
        return "unknown" if sender == UNKNOWN else self.catalogue.name(sender)

    @property
    def policy(self) -> str:
        """The ``p=`` of the most recent report in the window (``none`` without data)."""
        return latest(self.rows, c.P, "none")


Rule = Callable[[Context], list[Finding]]


def latest(rows: pd.DataFrame, column: str, default: str) -> str:
    if rows.empty:
        return default
    position = int(rows[c.REPORT_END].to_numpy().argmax())
    return str(rows[column].iloc[position]).lower()


def direct(rows: pd.DataFrame, sender: str) -> pd.DataFrame:
    """Rows *sender* delivered itself (forwarded copies excluded)."""
    return rows[(rows[c.SENDER] == sender) & ~rows[c.FORWARDED]]


def legitimate(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows from a known sender, delivered directly."""
    return rows[(rows[c.SENDER] != UNKNOWN) & ~rows[c.FORWARDED]]


def spoofed(rows: pd.DataFrame) -> pd.Series:
    """Which rows are spoofing: an unknown source, delivered directly, failing DMARC.

    The ``spoofing`` finding tells these rows, including what receivers did with them.
    """
    return (rows[c.SENDER] == UNKNOWN) & ~rows[c.FORWARDED] & ~rows[c.DMARC_PASS]


def source_count(rows: pd.DataFrame) -> int:
    """Distinct source IPs of *rows* (rows folded past the row budget have none: not counted)."""
    ips = rows[c.SOURCE_IP]
    return int(ips[ips != ""].nunique())


def messages(rows: pd.DataFrame) -> int:
    return int(rows[c.MESSAGES].to_numpy().sum())  # numpy: the rules sum thousands of times


def pass_share(rows: pd.DataFrame, column: str = c.DMARC_PASS) -> float:
    """The share of messages whose *column* is true (without filtering the frame)."""
    counts = rows[c.MESSAGES].to_numpy()
    total = int(counts.sum())
    return int(counts[rows[column].to_numpy(dtype=bool)].sum()) / total if total else 0.0


def percent(share: float) -> float:
    """A share as a percentage rounded down to one decimal (99.96 % is not 100 %)."""
    return int(share * 1000) / 10


def joined(values: pd.Series, limit: int = 5) -> tuple[str, ...]:
    """Distinct non-empty values, most frequent first, at most *limit*; the last one says how
    many more there are (``c (+2)``). The texts write the list as the reader's language lists."""
    counts: dict[str, int] = {}
    for value in values.dropna().tolist():
        text = str(value)
        if text:
            counts[text] = counts.get(text, 0) + 1
    ordered = sorted(counts, key=lambda text: -counts[text])  # stable, as value_counts
    names = ordered[:limit]
    more = len(ordered) - len(names)
    if more > 0:
        names[-1] += f" (+{more})"
    return tuple(names)


def exploded_domains(rows: pd.DataFrame) -> pd.Series:
    """The passing DKIM d= domains of *rows*, one per row and signature."""
    return rows[c.DKIM_PASS_DOMAINS].explode().dropna()
