"""The :class:`Reader`: every read of the store the analysis, exports and checks make.

Callers hand it around instead of a database engine, so nothing outside this package writes
SQL against the store's tables or needs SQLAlchemy. pandas is imported only when frames are
asked for: ``dmarcwatch check`` reads identities and starts without it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from . import approvals as approval_store
from . import (
    checklog,
    failurereports,
    identities,
    overview,
    rdnscache,
    tlsreports,
)
from .checklog import CheckRun
from .failurereports import FailureRow
from .identities import Identities
from .overview import DomainActivity, PollRun
from .selection import Selection
from .tlsreports import TlsFailureRow, TlsTotals
from .trust import SetAside, set_aside

if TYPE_CHECKING:
    import pandas as pd

    from ..inventory import Approval
    from .rows import Loaded


class Reader:
    """Reads of one store (SQLite or PostgreSQL), each in its own short connection."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __repr__(self) -> str:
        return f"Reader({self._engine.url!r})"

    def rows(self, sel: Selection) -> pd.DataFrame:
        """The analysis rows of *sel* (records grouped, see :mod:`.rows`)."""
        from . import rows  # noqa: PLC0415 - pandas

        with self._engine.connect() as conn:
            return rows.load_rows(conn, sel)

    def verdict_rows(self, sel: Selection) -> pd.DataFrame | None:
        """Rows enough for DMARC's verdict per day (:func:`.rows.verdict_statement`), or
        ``None`` where :meth:`rows` would fold a domain's rows (read those instead)."""
        from . import rows  # noqa: PLC0415 - pandas

        with self._engine.connect() as conn:
            if any(n > rows.ROW_BUDGET for n in overview.group_counts(conn, sel).values()):
                return None
            return rows.load_verdicts(conn, sel)

    def analysis_rows(self, sel: Selection, budget: int | None = None) -> Loaded:
        """:meth:`rows`, with what was folded to keep each domain within *budget* rows."""
        from . import rows  # noqa: PLC0415 - pandas

        with self._engine.connect() as conn:
            return rows.read_rows(conn, sel, budget=budget or rows.ROW_BUDGET)

    def records(self, sel: Selection, reports_per_chunk: int) -> Iterator[pd.DataFrame]:
        """The records of *sel* one by one, in frames of *reports_per_chunk* reports."""
        from . import records  # noqa: PLC0415 - pandas

        return records.chunks(self._engine, sel, reports_per_chunk)

    def policy_domains(self, before: int | None = None) -> dict[str, int]:
        """Every policy domain with the begin (epoch s) of its newest report (begun *before*)."""
        with self._engine.connect() as conn:
            return overview.policy_domains(conn, before)

    def latest_end(self, sel: Selection) -> int | None:
        """The latest report end among reports of *sel*'s domains and receivers."""
        with self._engine.connect() as conn:
            return overview.latest_end(conn, sel)

    def reporters(self) -> list[tuple[str, str]]:
        """Every receiver that sent a stored report, as (org_name, email)."""
        with self._engine.connect() as conn:
            return overview.reporters(conn)

    def activity(
        self, domains: Iterable[str] = (), before: int | None = None
    ) -> list[DomainActivity]:
        with self._engine.connect() as conn:
            return overview.activity(conn, domains, before)

    def domains_with_records(self, sel: Selection) -> list[str]:
        with self._engine.connect() as conn:
            return overview.domains_with_records(conn, sel)

    def group_counts(self, sel: Selection) -> dict[str, int]:
        """Per policy domain, the record groups of *sel* (none is read)."""
        with self._engine.connect() as conn:
            return overview.group_counts(conn, sel)

    def identities(self, sel: Selection, max_ips: int | None = None) -> Identities:
        with self._engine.connect() as conn:
            return identities.identities(conn, sel, max_ips)

    def set_aside(self, sel: Selection) -> dict[str, SetAside]:
        """Per policy domain, the reports of *sel* the trust rule left out, and disputed keys."""
        with self._engine.connect() as conn:
            return set_aside(conn, sel)

    def source_ips(self, sel: Selection) -> list[str]:
        with self._engine.connect() as conn:
            return identities.source_ips(conn, sel)

    def first_seen(self, sel: Selection) -> dict[tuple[str, str], int]:
        """When each (domain, source IP) of *sel* first appeared in any stored report."""
        with self._engine.connect() as conn:
            return identities.first_seen(conn, sel)

    def rdns_names(self, ips: Iterable[str]) -> dict[str, str]:
        """Cached reverse-DNS names of *ips* (those that have one)."""
        with self._engine.connect() as conn:
            return rdnscache.names(conn, ips)

    def rdns_entries(self, ips: Iterable[str]) -> dict[str, tuple[str, bool | None]]:
        """Cached reverse-DNS names with their forward-confirmation verdict."""
        with self._engine.connect() as conn:
            return rdnscache.entries(conn, ips)

    def rdns_resolved_after(self, ips: Iterable[str], moment: dt.datetime) -> set[str]:
        """The *ips* whose reverse DNS was looked up (name or none) after *moment*."""
        with self._engine.connect() as conn:
            return rdnscache.resolved_after(conn, ips, moment)

    def tls_totals(self, sel: Selection) -> list[TlsTotals]:
        """SMTP TLS sessions per domain, reporter and policy type (RFC 8460)."""
        with self._engine.connect() as conn:
            return tlsreports.tls_totals(conn, sel)

    def tls_failures(self, sel: Selection) -> list[TlsFailureRow]:
        """Every failure detail of the selected TLS reports."""
        with self._engine.connect() as conn:
            return tlsreports.tls_failures(conn, sel)

    def tls_export_rows(self, sel: Selection) -> list[dict[str, object]]:
        """The selected TLS reports flattened for ``export --kind tls``."""
        with self._engine.connect() as conn:
            return tlsreports.tls_export_rows(conn, sel)

    def failure_reports(self, sel: Selection) -> list[FailureRow]:
        """The redacted failure reports (RFC 6591) of the selected domains and period."""
        with self._engine.connect() as conn:
            return failurereports.failure_reports(conn, sel)

    def check_runs(
        self, domains: Iterable[str] = (), as_of: dt.datetime | None = None, per_domain: int = 2
    ) -> dict[str, list[CheckRun]]:
        """The latest recorded DNS-check runs per domain up to *as_of*, newest first."""
        with self._engine.connect() as conn:
            return checklog.latest_runs(conn, domains, as_of, per_domain)

    def known_domains(self) -> list[str]:
        """Every domain the store knows: policy domains of reports and domains checked."""
        with self._engine.connect() as conn:
            known = set(overview.policy_domains(conn)) | set(checklog.checked_domains(conn))
        return sorted(known)

    def poll_runs(self) -> list[PollRun]:
        """The poller's last run per mailbox (none before the first ``poll``)."""
        with self._engine.connect() as conn:
            return overview.poll_runs(conn)

    def approvals(self, domains: Iterable[str] = ()) -> list[Approval]:
        """The sender inventory stored for *domains* (every domain when empty)."""
        return approval_store.approvals(self._engine, domains)

    def after_fork(self) -> None:
        """In a forked process: forget the parent's connections (never close them)."""
        self._engine.dispose(close=False)
