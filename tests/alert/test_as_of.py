"""``Query.as_of``: the analysis as at the end of a day ignores every report begun later."""

from __future__ import annotations

from pathlib import Path

from dmarcwatch.analysis.api import Query, analyse
from dmarcwatch.analysis.read import Reader
from dmarcwatch.cli import main
from dmarcwatch.ingest.store import Store
from tests.alert.replay_data import day, write_day


def _store(folder: Path, last: int) -> str:
    for n in range(15, last + 1):
        write_day(folder / "in", n)
    url = f"sqlite:///{folder / 'store.db'}"
    assert main(["import", "--quiet", "--db", url, str(folder / "in")]) == 0
    return url


def _findings(url: str, query: Query) -> list[tuple[object, ...]]:
    with Store.open(url, create=False) as store:
        result = analyse(Reader(store.engine), query)
    assert result.period.until.date() == day(26)  # the end of day 25
    assert result.rows["day"].max().date() == day(25)
    return [(f.code, f.domain, f.sender, f.severity, f.evidence) for f in result.findings]


def test_later_reports_change_nothing_as_of_a_day(tmp_path: Path) -> None:
    until_then = _store(tmp_path / "short", 25)  # reports about days up to day 25
    with_later = _store(tmp_path / "long", 34)  # SendGrid broke on day 20, fixed on day 30
    query = Query(as_of=day(25))
    assert _findings(with_later, query) == _findings(until_then, query)
    assert "sendgrid-domain-not-authenticated" in {f[0] for f in _findings(with_later, query)}
