"""Put sample report files into a real store through the importer (parse, then store)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from benchmarks.corpus import PRESETS, generate
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SCENARIOS = SAMPLES / "scenarios"


def add_files(store: Store, paths: Iterable[Path]) -> int:
    """Import every file; return how many reports were stored."""
    stored = 0
    for path in sorted(paths):
        outcome = import_input(store, path.name, path.read_bytes())
        assert not outcome.rejected, (path, outcome.rejected)
        stored += 1
    return stored


def scenario_files(*names: str) -> list[Path]:
    return sorted(p for name in names for p in (SCENARIOS / name).glob("*.xml"))


def tiny_and_scenarios(folder: Path, seed: int) -> list[Path]:
    """The ``tiny`` generated corpus (written into *folder*) and every scenario sample: many
    domains, reporters and containers, and the scenarios' real findings."""
    generate(PRESETS["tiny"], folder, seed=seed)
    return sorted((folder / "reports").iterdir()) + sorted(SCENARIOS.glob("*/*.xml"))
