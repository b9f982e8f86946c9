"""The analysis reads each report's record groups, with the same outputs as from its records.

A store is filled through the importer with the ``tiny`` generated corpus and the scenario
samples; then every output is made twice, once from the record groups (the analysis's own
path) and once grouping the stored records themselves (the path before groups existed), on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from dmarcwatch.analysis import columns as c
from dmarcwatch.analysis.read import Selection, rows
from dmarcwatch.cli import main
from dmarcwatch.ingest import schema
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store
from tests.analysis.storefill import tiny_and_scenarios

_GENERATED = re.compile(r"<time[^>]*>[^<]*</time>")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return tiny_and_scenarios(tmp_path_factory.mktemp("tiny"), seed=3)


@pytest.fixture
def filled(
    store_url: str, corpus: list[Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[str]:
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")  # not the user's config
    monkeypatch.setenv("DMARCWATCH_CONFIG", str(tmp_path / "empty.toml"))
    with Store.open(store_url) as store:
        for path in corpus:
            import_input(store, path.name, path.read_bytes())
    yield store_url


def _frame(url: str, statement: rows.Statement) -> pd.DataFrame:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            frame = rows.load_rows(conn, Selection(), statement)
    finally:
        engine.dispose()
    keys = [k for k in rows.ROW_COLUMNS if k not in (c.MESSAGES, c.RECORDS, c.REPORT_END)]
    return frame.sort_values(keys).reset_index(drop=True)


def test_every_stored_report_has_groups_summing_to_its_records(filled: str) -> None:
    r, g = schema.reports, schema.record_groups
    engine = sa.create_engine(filled)
    with engine.connect() as conn:
        totals = conn.execute(sa.select(r.c.id, r.c.record_count, r.c.message_count)).all()
        sums = {
            pk: (int(n), int(m))
            for pk, n, m in conn.execute(
                sa.select(
                    g.c.report_pk, sa.func.sum(g.c.records), sa.func.sum(g.c.messages)
                ).group_by(g.c.report_pk)
            )
        }
    engine.dispose()
    assert len(totals) > 40
    assert all(sums.get(pk, (0, 0)) == (n, m) for pk, n, m in totals if n)


def test_the_rows_from_groups_equal_the_rows_from_records(filled: str) -> None:
    new = _frame(filled, rows.rows_statement)
    old = _frame(filled, rows.records_statement)
    assert len(new) > 100
    pd.testing.assert_frame_equal(new, old)


_REPORTED = ("email.physio-alpha.ch", "email.physio-beta.ch")


def _outputs(url: str, out: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    out.mkdir()
    got = {}
    for name, args in {
        "diagnose": ["diagnose", "--json", "--since", "365d"],
        "senders": ["senders", "--since", "365d"],
    }.items():
        assert main([*args, "--db", url]) == 0
        got[name] = capsys.readouterr().out
    html = out / "report.html"
    domains = [a for d in _REPORTED for a in ("--domain", d)]
    report = ["report", "--db", url, "--since", "365d", "--jobs", "1", *domains, "-o", str(html)]
    assert main(report) == 0
    got["report"] = _GENERATED.sub("", html.read_text(encoding="utf-8"))
    csv = out / "export.csv"
    assert main(["export", "--db", url, "--since", "365d", "-o", str(csv)]) == 0
    got["export"] = csv.read_text(encoding="utf-8")
    capsys.readouterr()
    return got


def test_diagnose_senders_report_and_export_are_the_same_on_both_paths(
    filled: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    new = _outputs(filled, tmp_path / "groups", capsys)
    monkeypatch.setattr(rows, "rows_statement", rows.records_statement)
    old = _outputs(filled, tmp_path / "records", capsys)
    assert json.loads(new["diagnose"]) and "<section" in new["report"]
    for name in new:
        assert new[name] == old[name], name
