"""Stores for the report tests: the demo samples imported once per session with the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dmarcwatch.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "samples" / "demo"
# A fixed generation time: two reports of the same store must then be byte-identical.
NOW = dt.datetime(2026, 10, 7, 6, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store holding the 35-day demo of the two practices (three policy domains)."""
    path = tmp_path_factory.mktemp("demo-store") / "demo.db"
    url = f"sqlite:///{path}"
    assert main(["import", "--quiet", "--db", url, str(DEMO)]) == 0
    return url
