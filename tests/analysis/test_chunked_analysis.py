"""An analysis that keeps no rows reads the domains a chunk at a time and finds the same.

``analyse(keep_rows=False)`` (diagnose, alert, monitor, metrics) holds about ``CHUNK_ROWS``
rows at once instead of every domain's; its findings and each domain's totals must equal
those of the analysis that reads every domain at once. The same holds for the totals the
report counts for the previous period without classifying the senders. A store filled
through the importer with the ``tiny`` generated corpus and the scenario samples, on SQLite
and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from dmarcwatch.analysis import api
from dmarcwatch.analysis import columns as c
from dmarcwatch.analysis.api import Analysis, Query, analyse, passing_totals, prepare
from dmarcwatch.analysis.catalogue import load_catalogue
from dmarcwatch.analysis.read import Reader, Selection
from dmarcwatch.analysis.read import rows as rows_module
from tests.analysis.storefill import reader_of, tiny_and_scenarios


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return tiny_and_scenarios(tmp_path_factory.mktemp("tiny"), seed=5)


@pytest.fixture
def reader(store_url: str, corpus: list[Path]) -> Iterator[Reader]:
    with reader_of(store_url, ((path.name, path.read_bytes()) for path in corpus)) as filled:
        yield filled


def _seen(analysis: Analysis) -> list[tuple[object, ...]]:
    """Every domain's totals and findings, as the commands show them."""
    return [
        (s.domain, s.messages, s.dmarc_pass_share, s.policy, [f.as_dict() for f in s.findings])
        for s in analysis.domains
    ]


QUERIES = {
    "every domain, each its own period": Query(),
    "a fixed year": Query(since=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)),
    "named and configured domains, one without reports": Query(
        domains=("email.physio-alpha.ch", "silent.example"),
        configured=("email.physio-beta.ch", "never-reported.example"),
        span=dt.timedelta(days=400),
    ),
    "as of a day": Query(span=dt.timedelta(days=30), as_of=dt.date(2026, 11, 26)),
}


@pytest.mark.parametrize("query", list(QUERIES.values()), ids=list(QUERIES))
def test_chunks_find_what_one_read_finds(
    reader: Reader, query: Query, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = analyse(reader, query)
    reads: list[int] = []
    real = Reader.analysis_rows

    def counted(self: Reader, sel: Selection, budget: int | None = None) -> object:
        loaded = real(self, sel, budget)
        reads.append(len(loaded.frame))
        return loaded

    monkeypatch.setattr(api, "CHUNK_ROWS", 40)
    monkeypatch.setattr(Reader, "analysis_rows", counted)
    chunked = analyse(reader, query, keep_rows=False)
    assert _seen(chunked) == _seen(whole)
    assert [f.as_dict() for f in chunked.findings] == [f.as_dict() for f in whole.findings]
    assert chunked.period == whole.period
    assert whole.domains and any(s.messages for s in whole.domains)
    assert all(s.rows.empty for s in chunked.domains) and chunked.rows.empty
    if any(s.messages for s in whole.domains[1:]):
        assert len(reads) > 1  # read in several chunks


def test_a_chunk_holds_whole_domains_of_about_the_chunk_size(
    reader: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[tuple[tuple[str, ...], int]] = []
    real = Reader.analysis_rows

    def kept(self: Reader, sel: Selection, budget: int | None = None) -> object:
        loaded = real(self, sel, budget)
        read.append((sel.domains, len(loaded.frame)))
        return loaded

    monkeypatch.setattr(api, "CHUNK_ROWS", 60)
    monkeypatch.setattr(Reader, "analysis_rows", kept)
    analyse(reader, Query(since=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)), keep_rows=False)
    named = [d for domains, _ in read for d in domains]
    assert len(named) == len(set(named)) > 2  # every domain read once, never split
    for domains, rows in read:
        assert len(domains) == 1 or rows <= 60 * 2, (domains, rows)


def test_a_summary_without_rows_keeps_its_totals(reader: Reader) -> None:
    summary = analyse(reader, Query(since=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))).domains[0]
    light = summary.without_rows()
    assert light.rows.empty and light.totals is not None
    assert (light.messages, light.dmarc_pass_share) == (summary.messages, summary.dmarc_pass_share)
    assert light.findings == summary.findings


def test_totals_without_classifying_count_as_the_classified_rows(reader: Reader) -> None:
    domains = list(reader.policy_domains())
    catalogue = load_catalogue()
    checked = 0
    for domain in domains:
        rows = reader.rows(Selection(domains=(domain,)))
        if rows.empty:
            continue
        prepared = prepare(reader, rows, catalogue, domains)
        passing = int(prepared.loc[prepared[c.DMARC_PASS], c.MESSAGES].sum())
        assert passing_totals(rows, domains) == (int(prepared[c.MESSAGES].sum()), passing)
        checked += passing > 0
    assert checked > 3


def test_rows_summed_for_the_verdict_count_as_the_rows(
    reader: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    domains = list(reader.policy_domains())
    compared = 0
    for domain in domains:
        sel = Selection(domains=(domain,))
        rows, summed = reader.rows(sel), reader.verdict_rows(sel)
        assert summed is not None
        assert passing_totals(summed, domains) == passing_totals(rows, domains)
        assert summed[c.DAY].nunique() == rows[c.DAY].nunique()
        assert len(summed) <= len(rows)
        compared += len(summed) < len(rows)
    assert compared > 3
    monkeypatch.setattr(rows_module, "ROW_BUDGET", 2)
    assert reader.verdict_rows(Selection(domains=(domains[0],))) is None  # rows() folds those
