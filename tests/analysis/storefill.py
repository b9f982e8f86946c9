"""Put sample report files into a real store through the importer (parse, then store)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from benchmarks.corpus import PRESETS, generate
from dmarcwatch.analysis.read import Reader
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


@contextmanager
def reader_of(store_url: str, inputs: Iterable[tuple[str, bytes]]) -> Iterator[Reader]:
    """A :class:`Reader` of the store at *store_url* once each (name, bytes) is imported."""
    with Store.open(store_url) as store:
        for name, data in inputs:
            import_input(store, name, data)
    engine = sa.create_engine(store_url)
    try:
        yield Reader(engine)
    finally:
        engine.dispose()
