"""``prune`` on both backends: old records go, their daily totals and every total stay."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from dmarcwatch.analysis.read import Selection, rows
from dmarcwatch.cli import main
from dmarcwatch.ingest import retention, schema
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.retention import Cutoffs, Prunable, prune
from dmarcwatch.ingest.store import Store
from tests.analysis.storefill import tiny_and_scenarios

CUT = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)  # in the middle of the scenario samples
DOMAINS = ("email.physio-alpha.ch", "email.physio-beta.ch")
_TIME = re.compile(r"<time[^>]*>[^<]*</time>")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return tiny_and_scenarios(tmp_path_factory.mktemp("tiny"), seed=5)


@pytest.fixture
def url(store_url: str, inputs: list[Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.delenv("DMARCWATCH_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent")
    with Store.open(store_url) as store:
        for path in inputs:
            import_input(store, path.name, path.read_bytes())
    yield store_url


def _totals(url: str) -> pd.DataFrame:
    """Messages and records per day, domain, receiver and sender (source IP)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        frame = rows.load_rows(conn, Selection())
    engine.dispose()
    keys = ["domain", "day", "receiver", "source_ip"]
    return frame.groupby(keys)[["messages", "records"]].sum().sort_index()


def _count(url: str, table: sa.Table) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
    engine.dispose()
    return n


def _report(url: str, out: Path) -> str:
    domains = [a for d in DOMAINS for a in ("--domain", d)]
    args = ["report", "--db", url, "--from", "2026-11-01", "--to", "2026-11-30"]
    assert main([*args, "--jobs", "1", *domains, "-o", str(out)]) == 0
    return _TIME.sub("", out.read_text(encoding="utf-8"))


def test_totals_and_report_are_the_same_after_records_are_pruned(url: str, tmp_path: Path):
    engine = sa.create_engine(url)
    before, html = _totals(url), _report(url, tmp_path / "before.html")
    records = _count(url, schema.records)
    done = prune(engine, Cutoffs(records=CUT))
    engine.dispose()
    assert done.reports > 30 and 0 < done.records < records
    assert _count(url, schema.records) == records - done.records
    pd.testing.assert_frame_equal(_totals(url), before)
    assert _report(url, tmp_path / "after.html") == html


def test_the_raw_records_of_the_kept_period_still_match_their_totals(url: str) -> None:
    engine = sa.create_engine(url)
    prune(engine, Cutoffs(records=CUT))
    with engine.connect() as conn:
        kept = Selection(since=int(CUT.timestamp()))
        new = rows.load_rows(conn, kept).sort_values(rows.ROW_COLUMNS[:17])
        old = rows.load_rows(conn, kept, rows.records_statement)
    engine.dispose()
    old = old.sort_values(rows.ROW_COLUMNS[:17])
    pd.testing.assert_frame_equal(new.reset_index(drop=True), old.reset_index(drop=True))


def test_a_dry_run_removes_nothing_and_says_the_same(url: str) -> None:
    engine = sa.create_engine(url)
    records = _count(url, schema.records)
    dry = prune(engine, Cutoffs(records=CUT, blobs=dt.datetime.now(dt.UTC)), dry_run=True)
    assert _count(url, schema.records) == records
    real = prune(engine, Cutoffs(records=CUT, blobs=dt.datetime.now(dt.UTC)))
    engine.dispose()
    assert dry == real and real.blobs > 0


def test_pruned_inputs_are_still_recognised_on_re_import(url: str, inputs: list[Path]) -> None:
    engine = sa.create_engine(url)
    done = prune(engine, Cutoffs(blobs=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)))
    engine.dispose()
    assert done.blobs == len(inputs) and done.blob_bytes > 0
    with Store.open(url) as store:
        again = import_input(store, inputs[0].name, inputs[0].read_bytes())
        assert not again.rejected and not again.stored
        assert list(store.iter_blobs(rejected_only=False)) == []


def test_a_registered_table_is_pruned_by_its_time_column(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = sa.Table("test_failure_reports", sa.MetaData(), sa.Column("arrival_ts", sa.BigInteger))
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        table.create(conn)
        old, new = int(CUT.timestamp()) - 1, int(CUT.timestamp()) + 1
        conn.execute(table.insert(), [{"arrival_ts": old}, {"arrival_ts": new}])
    monkeypatch.setattr(retention, "PRUNABLE", [Prunable("failure-reports", table, "arrival_ts")])
    done = prune(engine, Cutoffs(tables={"failure-reports": CUT}))
    with engine.connect() as conn:
        left = conn.execute(sa.select(table.c.arrival_ts)).scalars().all()
    engine.dispose()
    assert done.rows == {"failure-reports": 1} and left == [new]


def test_prune_says_what_it_removed_and_is_quiet_with_quiet(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["prune", "--db", url, "--records-older-than", "8w", "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith("would prune records of ")
    assert main(["prune", "--db", url, "--records-older-than", "8w", "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["prune", "--db", url]) == 64
    assert "nothing to prune" in capsys.readouterr().err


def test_prune_never_creates_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "missing.db"
    assert main(["prune", "--db", str(db), "--records-older-than", "400d"]) == 66
    assert "no store at" in capsys.readouterr().err and not db.exists()


def test_domains_and_sources_of_pruned_periods_are_still_known(url: str) -> None:
    from dmarcwatch.analysis.read import Reader  # noqa: PLC0415 - only here

    engine = sa.create_engine(url)
    reader = Reader(engine)
    everything = Selection()
    before = (reader.domains_with_records(everything), sorted(reader.source_ips(everything)))
    prune(engine, Cutoffs(records=dt.datetime.now(dt.UTC)))
    assert _count(url, schema.records) == 0
    after = (reader.domains_with_records(everything), sorted(reader.source_ips(everything)))
    engine.dispose()
    assert after == before and len(before[0]) > 5


def test_a_day_is_a_cut_off_too_and_a_bad_span_is_a_usage_error(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["prune", "--db", url, "--records-older-than", "2026-11-24", "--json"]) == 0
    assert '"reports": ' in capsys.readouterr().out
    assert main(["prune", "--db", url, "--records-older-than", "1y"]) == 64
    assert "--records-older-than: expected a span" in capsys.readouterr().err
