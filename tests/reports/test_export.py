"""``dmarcwatch export``: one row per record in CSV, JSON and Parquet, formula cells defused."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from dmarcwatch.analysis.records import COLUMNS
from dmarcwatch.cli import main
from dmarcwatch.ingest import schema
from dmarcwatch.ingest.store import Store
from dmarcwatch.reports.export import list_cell, neutralise


def _store_totals(url: str, domain: str | None = None) -> tuple[int, int]:
    """(records, messages) counted straight from the store."""
    r, rec = schema.reports, schema.records
    stmt = sa.select(sa.func.count(), sa.func.sum(rec.c["count"])).select_from(
        rec.join(r, r.c.id == rec.c.report_pk)
    )
    if domain:
        stmt = stmt.where(r.c.policy_domain == domain)
    with Store.open(url) as store, store.engine.connect() as conn:
        records, messages = conn.execute(stmt).one()
    return int(records), int(messages)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+41 44", "'+41 44"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("  =1", "'  =1"),
        ("google.com", "google.com"),
        ("a=b", "a=b"),
        (42, 42),
    ],
)
def test_formula_cells_are_neutralised(value: object, expected: object) -> None:
    assert neutralise(value) == expected


def test_csv_has_one_row_per_record(demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "records.csv"
    assert main(["export", "--db", demo_db, "--format", "csv", "-o", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == list(COLUMNS)
    records, messages = _store_totals(demo_db)
    assert len(rows) == records
    assert sum(int(row["messages"]) for row in rows) == messages
    assert {row["dmarc_result"] for row in rows} == {"pass", "fail"}
    assert out.read_bytes().count(b"\r\n") == records + 1  # RFC 4180 line ends


def test_json_rows_carry_alignment_and_the_reporters_verdict(demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "records.json"
    domain = "email.praxis-beispiel.ch"
    assert main(["export", "--db", demo_db, "--format", "json", "--domain", domain,
                 "-o", str(out)]) == 0  # fmt: skip
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == _store_totals(demo_db, domain)[0]
    assert {row["policy_domain"] for row in rows} == {domain}
    # before Domain Authentication, SendGrid signed as sendgrid.net: SPF and DKIM "pass"
    # but neither aligns, so DMARC fails (samples/README.md)
    unauthenticated = [
        r for r in rows if any(d["domain"] == "sendgrid.net" for d in r["dkim_results"])
    ]
    assert unauthenticated
    for row in unauthenticated:
        assert row["sender"] == "sendgrid"
        assert (row["dkim_aligned"], row["spf_aligned"], row["dmarc_result"]) == (
            False, False, "fail"
        )  # fmt: skip
        assert row["reporter_result"] == "fail"
    assert all(isinstance(r["messages"], int) and isinstance(r["forwarded"], bool) for r in rows)


def test_parquet_keeps_the_column_types(demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "records.parquet"
    assert main(["export", "--db", demo_db, "--format", "parquet", "-o", str(out)]) == 0
    table = pq.read_table(out)
    assert table.column_names == list(COLUMNS)
    assert table.num_rows == _store_totals(demo_db)[0]
    assert str(table.schema.field("messages").type) == "int64"
    assert str(table.schema.field("dkim_aligned").type) == "bool"
    assert sum(table.column("messages").to_pylist()) == _store_totals(demo_db)[1]


def test_since_selects_whole_days_ending_with_the_newest_report(
    demo_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "week.json"
    assert main(["export", "--db", demo_db, "--format", "json", "--since", "7d",
                 "-o", str(out)]) == 0  # fmt: skip
    days = {row["report_begin"][:10] for row in json.loads(out.read_text(encoding="utf-8"))}
    assert days == {f"2026-{d}" for d in ("09-29", "09-30", "10-01", "10-02", "10-03",
                                          "10-04", "10-05")}  # fmt: skip


def test_from_and_to_are_inclusive(demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "two.csv"
    assert main(["export", "--db", demo_db, "--from", "2026-09-14", "--to", "2026-09-15",
                 "-o", str(out)]) == 0  # fmt: skip
    with out.open(encoding="utf-8", newline="") as handle:
        days = {row["report_begin"][:10] for row in csv.DictReader(handle)}
    assert days == {"2026-09-14", "2026-09-15"}


def test_an_empty_selection_writes_headers_only(demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "none.json"
    assert main(["export", "--db", demo_db, "--format", "json", "--domain", "none.example",
                 "-o", str(out)]) == 0  # fmt: skip
    assert json.loads(out.read_text(encoding="utf-8")) == []


def test_unwritable_destination_exits_73_and_leaves_nothing(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing-dir" / "out.csv"
    assert main(["export", "--db", demo_db, "-o", str(target)]) == 73
    assert "cannot write" in capsys.readouterr().err
    assert not target.parent.exists()


def test_parquet_needs_a_file(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--db", demo_db, "--format", "parquet", "-o", "-"]) == 64
    assert "Parquet is binary" in capsys.readouterr().err


def test_csv_to_stdout(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--db", demo_db, "--domain", "physio-muster.ch", "--since", "1d",
                 "-o", "-"]) == 0  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("report_id,receiver,")
    assert len(lines) > 1


def test_since_and_from_together_are_a_usage_error(
    demo_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--db", demo_db, "--since", "7d", "--from", "2026-09-01",
                 "-o", "-"]) == 64  # fmt: skip
    assert "--since or --from" in capsys.readouterr().err


def test_json_results_are_lists_of_objects(demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "records.json"
    assert main(["export", "--db", demo_db, "--format", "json", "-o", str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    dkim = [d for row in rows for d in row["dkim_results"]]
    spf = [s for row in rows for s in row["spf_results"]]
    assert dkim and spf
    assert {tuple(d) for d in dkim} == {("domain", "selector", "result")}
    assert {tuple(s) for s in spf} == {("domain", "scope", "result")}
    assert all(isinstance(row["reasons"], list) for row in rows)
    assert all(tuple(r) == ("type", "comment") for row in rows for r in row["reasons"])


def test_parquet_results_are_lists_of_structs(demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "records.parquet"
    assert main(["export", "--db", demo_db, "--format", "parquet", "-o", str(out)]) == 0
    table = pq.read_table(out)
    field = table.schema.field("dkim_results").type
    assert str(field.value_type) == "struct<domain: string, selector: string, result: string>"
    assert any(table.column("spf_results").to_pylist())


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], ""),
        ([("a.ch", "s1", "pass")], "a.ch|s1|pass"),
        (
            [("a.ch", "s 1|x", "pass"), ("b.ch", "100%", "fail")],
            "a.ch|s%201%7Cx|pass b.ch|100%25|fail",
        ),
        ([("local_policy", "")], "local_policy|"),
    ],
)
def test_csv_lists_are_unambiguous(values: list[tuple[str, ...]], expected: str) -> None:
    assert list_cell(values) == expected


def test_export_selects_by_receiver_and_ip(demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "google.json"
    assert main(["export", "--db", demo_db, "--format", "json", "--receiver", "google.com",
                 "-o", str(out)]) == 0  # fmt: skip
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert rows
    assert {row["receiver"] for row in rows} == {"google.com"}
    ip = rows[0]["source_ip"]
    assert main(["export", "--db", demo_db, "--format", "json", "--ip", ip,
                 "-o", str(out)]) == 0  # fmt: skip
    assert {row["source_ip"] for row in json.loads(out.read_text(encoding="utf-8"))} == {ip}


def test_a_closed_stdout_is_not_an_error(demo_db: str) -> None:
    command = [sys.executable, "-m", "dmarcwatch", "export", "--db", demo_db, "-o", "-"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read()
    assert (proc.returncode, err) == (0, b"")
