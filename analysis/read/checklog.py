"""The DNS check's history in the store: write one run, read the latest runs per domain.

``dmarcwatch check`` writes through :class:`CheckLog`; the analysis reads runs through
:meth:`Reader.check_runs <analysis.read.reader.Reader.check_runs>`. Values only (no check
types), so the read layer stays below the check.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ...ingest import schema
from ...ingest.database import write_transaction


@dataclass(frozen=True, slots=True)
class StoredRecord:
    kind: str  # spf | dmarc | dkim
    name: str
    text: str | None  # None: no record published there


@dataclass(frozen=True, slots=True)
class StoredFinding:
    code: str
    severity: str
    key: str
    sender: str | None
    actor: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CheckRun:
    """One recorded run of the check of one domain."""

    domain: str
    checked_at: dt.datetime
    answered: int
    failed: int
    records: tuple[StoredRecord, ...] = ()
    findings: tuple[StoredFinding, ...] = ()


class CheckLog:
    """Writes check runs into one store."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, run: CheckRun) -> None:
        """Store *run*, its records and its findings in one transaction."""
        runs = schema.check_runs
        with write_transaction(self._engine) as conn:
            values = {
                "domain": run.domain,
                "checked_at": run.checked_at,
                "answered": run.answered,
                "failed": run.failed,
            }
            pk = conn.execute(runs.insert().values(values).returning(runs.c.id)).scalar_one()
            if run.records:
                rows = [{"run_pk": pk, "kind": r.kind, "name": r.name, "text": r.text}
                        for r in run.records]  # fmt: skip
                conn.execute(schema.check_records.insert(), rows)
            if run.findings:
                conn.execute(schema.check_findings.insert(), _finding_rows(pk, run.findings))


def _finding_rows(pk: int, findings: Iterable[StoredFinding]) -> list[dict[str, object]]:
    return [
        {
            "run_pk": pk,
            "seq": seq,
            "code": f.code,
            "severity": f.severity,
            "message_key": f.key,
            "sender": f.sender,
            "actor": f.actor,
            "params": json.dumps(dict(f.params), sort_keys=True, ensure_ascii=False),
        }
        for seq, f in enumerate(findings)
    ]


def checked_domains(conn: Connection) -> list[str]:
    """Every domain with a recorded check run, sorted."""
    runs = schema.check_runs
    return sorted(str(d) for d in conn.scalars(sa.select(runs.c.domain).distinct()))


def latest_runs(
    conn: Connection, domains: Iterable[str], as_of: dt.datetime | None, per_domain: int = 2
) -> dict[str, list[CheckRun]]:
    """Per domain (all when *domains* is empty), its latest *per_domain* runs up to *as_of*,
    newest first."""
    runs = schema.check_runs
    stmt = sa.select(runs).order_by(runs.c.domain, runs.c.checked_at.desc(), runs.c.id.desc())
    wanted = [d.lower().rstrip(".") for d in domains]
    if wanted:
        stmt = stmt.where(runs.c.domain.in_(wanted))
    if as_of is not None:
        stmt = stmt.where(runs.c.checked_at <= as_of)
    chosen: dict[str, list[sa.Row[tuple[object, ...]]]] = {}
    for row in conn.execute(stmt):
        kept = chosen.setdefault(str(row.domain), [])
        if len(kept) < per_domain:
            kept.append(row)
    pks = [int(row.id) for rows in chosen.values() for row in rows]
    records, findings = _records(conn, pks), _findings(conn, pks)
    return {
        domain: [
            CheckRun(
                domain,
                _aware(row.checked_at),
                int(row.answered),
                int(row.failed),
                records.get(int(row.id), ()),
                findings.get(int(row.id), ()),
            )
            for row in rows
        ]
        for domain, rows in chosen.items()
    }


def _records(conn: Connection, pks: list[int]) -> dict[int, tuple[StoredRecord, ...]]:
    t = schema.check_records
    found: dict[int, list[StoredRecord]] = {}
    if pks:
        stmt = sa.select(t).where(t.c.run_pk.in_(pks)).order_by(t.c.kind, t.c.name)
        for row in conn.execute(stmt):
            found.setdefault(int(row.run_pk), []).append(
                StoredRecord(str(row.kind), str(row.name), row.text)
            )
    return {pk: tuple(rows) for pk, rows in found.items()}


def _findings(conn: Connection, pks: list[int]) -> dict[int, tuple[StoredFinding, ...]]:
    t = schema.check_findings
    found: dict[int, list[StoredFinding]] = {}
    if pks:
        stmt = sa.select(t).where(t.c.run_pk.in_(pks)).order_by(t.c.run_pk, t.c.seq)
        for row in conn.execute(stmt):
            params = json.loads(row.params)
            found.setdefault(int(row.run_pk), []).append(
                StoredFinding(
                    str(row.code),
                    str(row.severity),
                    str(row.message_key),
                    row.sender,
                    str(row.actor),
                    {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()},
                )
            )
    return {pk: tuple(rows) for pk, rows in found.items()}


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
