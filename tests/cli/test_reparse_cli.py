"""``dmarcwatch reparse``: kept inputs parsed again, as after a parser fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from dmarcwatch.cli import main
from dmarcwatch.ingest.limits import Limits
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store
from tests.ingest.reportxml import Report, Row


def test_reparse_stores_what_now_parses_and_forgets_the_reject(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    data = Report(rows=[Row(), Row(count="5")]).bytes()
    with Store.open(url) as store:
        # an older, stricter dmarcwatch rejected this report
        outcome = import_input(store, "old.xml", data, Limits(max_records=1))
        assert outcome.kind == "invalid"
        assert store.totals().rejects == 1
    assert main(["reparse", "--db", url]) == 0
    assert "1 reports stored" in capsys.readouterr().out
    with Store.open(url) as store:
        totals = store.totals()
        assert (totals.reports, totals.records, totals.messages, totals.rejects) == (1, 2, 8, 0)


def test_reparse_all_replaces_reports_without_duplicating(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.xml").write_bytes(Report(report_id="a").bytes())
    (folder / "b.xml").write_bytes(Report(report_id="b").bytes())
    assert main(["import", "--quiet", "--db", url, str(folder)]) == 0
    assert main(["reparse", "--all", "--db", url]) == 0
    assert "2 reports stored, 0 duplicates" in capsys.readouterr().out
    with Store.open(url) as store:
        assert store.totals().reports == 2


def test_reparse_of_a_still_broken_input_keeps_it_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    (tmp_path / "bad.xml").write_bytes(b"<feedback>")
    assert main(["import", "--quiet", "--db", url, str(tmp_path / "bad.xml")]) == 65
    capsys.readouterr()
    assert main(["reparse", "--db", url]) == 65
    assert "bad.xml" in capsys.readouterr().err
    with Store.open(url) as store:
        assert store.totals().rejects == 1
