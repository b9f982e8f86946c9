"""The record groups counted in Python at import are the groups the database itself makes.

A store is filled through the importer (generated reports, the scenario samples, and reports
whose identifiers mix cases, non-ASCII letters, escapes, missing selectors and override
reasons, one with 150 groups, one longer than a batch); then its groups are set aside, the
database groups every stored record again (:func:`ingest.groups.fill`, as the migration
does), and the two sets of rows must be equal, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from benchmarks.corpus import PRESETS, generate
from dmarcwatch.ingest import groups, schema
from dmarcwatch.ingest.bulk import BATCH_RECORDS
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store
from tests.analysis.storefill import SCENARIOS
from tests.ingest.reportxml import Report, Row


def _awkward_rows() -> list[Row]:
    return [
        Row(
            ip="192.0.2.1",
            header_from="EMAIL.Physio-Muster.CH",
            envelope_from=None,
            dkim_results=[("Physio-Muster.CH", "SÉL-Ärzte", "PASS"), ("x.ch", None, "Fail")],
            spf_results=[("Bounce.Example", None, "SoftFail")],
            reasons=[("Forwarded", "via list"), ("LOCAL_POLICY", None)],
        ),
        Row(ip="192.0.2.1", header_from="email.physio-muster.ch", envelope_from=None,
            dkim_results=[("physio-muster.ch", "sÉl-Ärzte", "pass"), ("x.ch", None, "fail")],
            spf_results=[("bounce.example", None, "softfail")],
            reasons=[("forwarded", None), ("local_policy", "other")]),
        Row(ip="192.0.2.2", dkim_results=[("a&quot;b\\c.ch", "tab&#9;nl&#10;", "pass")]),
        Row(ip="192.0.2.3", dkim_results=[], spf_results=[]),
        Row(ip="2001:db8::1", count="0"),
    ]  # fmt: skip


def _long_report() -> Report:
    rows = [Row(ip=f"198.51.{n // 250}.{n % 250}", count="2") for n in range(BATCH_RECORDS + 7)]
    return Report(report_id="long-1", rows=[*rows, *_awkward_rows()])


def _inputs(tmp_path: Path) -> list[tuple[str, bytes]]:
    generate(PRESETS["tiny"], tmp_path, seed=5)
    files = [*sorted((tmp_path / "reports").iterdir()), *sorted(SCENARIOS.glob("*/*.xml"))]
    wide = [Row(ip=f"203.0.113.{n}", envelope_from=f"B{n}.Example") for n in range(150)]
    made = [
        Report(report_id="awkward-1", rows=_awkward_rows()),
        Report(report_id="wide-1", rows=wide),  # one batch of 150 groups
        _long_report(),
    ]
    return [
        *((path.name, path.read_bytes()) for path in files),
        *((f"{report.report_id}.xml", report.bytes()) for report in made),
    ]


def _groups(conn: sa.Connection) -> list[tuple[Any, ...]]:
    g = schema.record_groups
    return [tuple(row) for row in conn.execute(sa.select(g).order_by(g.c.report_pk, g.c.seq))]


def test_groups_counted_at_import_equal_the_databases_own(store_url: str, tmp_path: Path) -> None:
    with Store.open(store_url) as store:
        for name, data in _inputs(tmp_path):
            assert import_input(store, name, data).stored
    engine = sa.create_engine(store_url)
    try:
        with engine.begin() as conn:
            counted = _groups(conn)
            conn.execute(sa.delete(schema.record_groups))
            conn.execute(groups.fill(sa.true()))
            grouped = _groups(conn)
    finally:
        engine.dispose()
    awkward = [row for row in counted if row[2] in ("192.0.2.1", "192.0.2.2")]
    assert len(counted) > 5_100
    assert len(awkward) == 4  # in two reports; the first two rows of each fold into one group
    assert awkward[0][3] == "email.physio-muster.ch" and awkward[0][-2:] == (6, 2)
    assert "sÉl-Ärzte" in awkward[0][8]  # ASCII letters fold, others are kept
    assert counted == grouped


@pytest.mark.parametrize(
    ("text", "folded"),
    [(None, ""), ("", ""), ("PASS", "pass"), ("SÉL-Ärzte", "sÉl-Ärzte"), ("İx", "İx")],
)
def test_fold_lowers_ascii_letters_only_like_the_database(text: str | None, folded: str) -> None:
    assert groups.fold(text) == folded
