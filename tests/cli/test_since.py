"""``--since`` is read alike by every command: spans, dates, and one-line usage errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dmarcwatch.cli import main
from dmarcwatch.exitcodes import Exit

# (command, the spans it documents): senders and diagnose also take hours.
COMMANDS = [
    (["senders"], "7d, 12h or 2w"),
    (["diagnose"], "7d, 12h or 2w"),
    (["report", "-o", "-"], "30d or 4w"),
    (["export", "--format", "csv", "-o", "-"], "30d or 4w"),
    (["poll"], "7d or 2w"),
]


@pytest.fixture(autouse=True)
def _no_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing store and no config: a --since accepted would fail later, with another code."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("DMARCWATCH_DB", raising=False)
    monkeypatch.delenv("DMARCWATCH_CONFIG", raising=False)


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, list[str]]:
    try:
        code = main(argv)
    except SystemExit as exit_info:  # argparse
        code = int(exit_info.code or 0)
    return code, capsys.readouterr().err.splitlines()


@pytest.mark.parametrize(("command", "spans"), COMMANDS, ids=lambda c: str(c[0]))
@pytest.mark.parametrize("text", ["30days", "1m", "last tuesday"])
def test_a_since_that_is_neither_span_nor_date_lists_what_is_accepted(
    command: list[str], spans: str, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _error(capsys, [*command, "--since", text])
    assert code == Exit.USAGE and len(err) == 1
    assert f"--since: expected a span such as {spans}" in err[0]
    assert "or a date YYYY-MM-DD" in err[0] and repr(text) in err[0]


@pytest.mark.parametrize(("command", "spans"), COMMANDS, ids=lambda c: str(c[0]))
@pytest.mark.parametrize("text", ["999999d", "99999w", "9" * 5000 + "d"])
def test_a_span_too_long_for_the_calendar_is_a_usage_error(
    command: list[str], spans: str, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _error(capsys, [*command, "--since", text])
    assert code == Exit.USAGE and len(err) == 1
    assert "--since: a span is at most 36500d (100 years)" in err[0]


@pytest.mark.parametrize("text", ["7d", "2w", "2026-11-01"])
def test_poll_takes_spans_and_dates(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[database]\nurl = "sqlite:///x.db"\n')
    code, err = _error(capsys, ["poll", "--quiet", "--since", text, "--config", str(config)])
    assert code == Exit.CONFIG and len(err) == 1 and "no [[mailbox]]" in err[0]


def test_poll_since_a_span_means_that_many_days_before_today() -> None:
    from dmarcwatch.commands.poll import since_date

    today = dt.datetime.now(dt.UTC).date()
    assert since_date("7d") == today - dt.timedelta(days=7)
    assert since_date(" 2w ") == today - dt.timedelta(weeks=2)
    assert since_date("2026-11-01") == dt.date(2026, 11, 1)
