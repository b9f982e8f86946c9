"""The amplification attacks of issue 19 (items 3 to 7), one process each, as a user meets them.

Each input is in the hostile corpus (:mod:`tests.hostile.generate`) and so also runs with the
whole corpus; here only these run, each into its own store, so that their outcome, their one
line and their peak memory and time can be checked without the corpus' ten-gigabyte bombs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.test_hostile import (
    CASES,
    PEAK_LIMIT_KIB,
    check_output,
    check_store,
    check_summary,
    dmarcwatch,
    import_one,
)

BUDGET_CASES = [
    "spam-28mb.eml",
    "dkim-10001.xml",
    "dkim-178x10000.xml.gz",
    "slow-parts.eml",
    "many-records.eml",
    "long-org-name.d",
]


@pytest.mark.slow
@pytest.mark.parametrize("name", BUDGET_CASES)
def test_amplification_input_is_bounded_and_has_its_outcome(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    path = case.write(tmp_path)
    run = import_one(0, path, tmp_path / "runs")
    context = f"{case.what}\nstdout: {run.stdout[-2000:]}\nstderr: {run.stderr[-2000:]}"
    assert run.code == case.expected.exit_code, context
    check_output(case, run)
    check_summary(case, run)
    check_store(case, run)
    assert 0 < run.peak_kib < PEAK_LIMIT_KIB, f"peak memory {run.peak_kib} KiB"
    if case.expected.skipped:  # kept as its digest and headers, not 28 MB
        assert sum(p.stat().st_size for p in run.db.parent.glob("store.db*")) < 2_000_000


@pytest.mark.slow
def test_parse_prints_a_report_of_many_dkim_results_in_bounded_memory(tmp_path: Path) -> None:
    """178 records x 10,000 DKIM results: 1.04 GB in ``parse`` before results were capped."""
    path = CASES["dkim-178x10000.xml.gz"].write(tmp_path)
    peak = tmp_path / "peak"
    done = dmarcwatch("parse", str(path), cwd=tmp_path, peak_file=peak)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count('"a.ch"') == 178 * 100
    assert int(peak.read_text()) < PEAK_LIMIT_KIB
