"""The floor benchmark: every step measured on the corpus, and the floor their sum."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks import bench_floor


def test_floor_prints_each_step_and_their_sum(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_floor.main(["--preset", "tiny", "--repeat", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    steps = dict(re.findall(r"^floor tiny (.+): (\d+\.\d\d) s CPU$", "\n".join(lines), re.M))
    assert set(steps) == {
        "start-up: python",
        "start-up: python + sqlalchemy",
        "start-up: python + pandas + sqlalchemy",
        "read, SHA-256, unpack",
        "expat, do-nothing handlers",
        "expat, no handlers (C only)",
        "ElementTree, C builder",
        "sqlite3 rows, one per record",
        "dmarcwatch parse (for comparison)",
    }
    assert float(steps["start-up: python + sqlalchemy"]) > 0
    floors = [re.search(r"= (\d+\.\d\d) s CPU, at most ([\d,]+) reports/s", x) for x in lines]
    found = [m for m in floors if m]
    assert len(found) == 2
    common = sum(
        float(steps[k])
        for k in (
            "start-up: python + sqlalchemy",
            "read, SHA-256, unpack",
            "sqlite3 rows, one per record",
        )
    )
    for match, xml in zip(
        found, ("expat, no handlers (C only)", "dmarcwatch parse (for comparison)"), strict=True
    ):
        assert float(match[1]) == pytest.approx(common + float(steps[xml]), abs=0.03)
        assert int(match[2].replace(",", "")) == pytest.approx(30 / float(match[1]), rel=0.05)


def test_rows_leave_no_file_behind(tmp_path: Path) -> None:
    bench_floor.rows(1000, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_without_a_corpus_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench_floor.main(["--corpus", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"bench_floor: no corpus in {tmp_path}") and err.count("\n") == 1
