"""Diagnosing many domains in forked workers finds exactly what one process finds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.corpus import PRESETS, generate
from dmarcwatch.analysis.workers import worker_count
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store
from tests.analysis.storefill import SCENARIOS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    base = tmp_path_factory.mktemp("workers")
    generate(PRESETS["tiny"], base / "tiny", seed=5)
    url = f"sqlite:///{base / 'store.db'}"
    with Store.open(url) as store:
        for path in [*sorted((base / "tiny" / "reports").iterdir()), *SCENARIOS.glob("*/*.xml")]:
            import_input(store, path.name, path.read_bytes())
    return url


def test_forked_workers_find_the_same_findings_as_one_process(store_file: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.analysis.forked_diagnosis", store_file],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    found = json.loads(done.stdout)
    assert found["can_fork"]
    assert len(found["worker_pids"]) == 2  # the work really ran in two other processes
    assert found["domains"] >= 5 and found["findings"] >= 20
    assert found["same"]


def test_few_domains_stay_in_process_unless_workers_are_asked_for() -> None:
    assert worker_count(None, 31, worth_from=32) == 1
    assert worker_count(1, 300, worth_from=32) == 1
    if os.cpu_count() and len(os.sched_getaffinity(0)) > 1 and worker_count(2, 300) > 1:
        assert worker_count(None, 300, worth_from=32) == min(len(os.sched_getaffinity(0)), 4)
