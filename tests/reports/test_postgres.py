"""The report and the export read PostgreSQL exactly as they read SQLite."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dmarcwatch.cli import main
from tests.reports.conftest import DEMO

pytestmark = pytest.mark.postgres
GENERATED = re.compile(r'<time class="generated"[^>]*>[^<]*</time>')
PRACTICE = DEMO / "praxis-beispiel"


def _import(url: str) -> None:
    assert main(["import", "--quiet", "--db", url, str(PRACTICE)]) == 0


def test_same_report_and_export_from_postgresql_and_sqlite(
    fresh_pg_url: str, tmp_path: Path
) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'store.db'}"
    pages, exports = {}, {}
    for name, url in (("sqlite", sqlite_url), ("postgresql", fresh_pg_url)):
        _import(url)
        page, export = tmp_path / f"{name}.html", tmp_path / f"{name}.json"
        assert main(["report", "--db", url, "--lang", "de", "-o", str(page)]) == 0
        assert main(["export", "--db", url, "--format", "json", "-o", str(export)]) == 0
        pages[name] = GENERATED.sub("", page.read_text(encoding="utf-8"))
        exports[name] = json.loads(export.read_text(encoding="utf-8"))
    assert 'id="chart-1-sendgrid"' in pages["postgresql"]
    assert pages["postgresql"] == pages["sqlite"]
    key = ("report_id", "source_ip", "messages", "disposition", "dkim_results")

    def ordered(rows: list[dict[str, object]]) -> list[dict[str, object]]:
        return sorted(rows, key=lambda r: tuple(str(r[k]) for k in key))

    assert len(exports["postgresql"]) > 100
    assert ordered(exports["postgresql"]) == ordered(exports["sqlite"])
