"""Freshness through the command line: reporters that stop, domains without reports against the
as-of date, the period every output names, and the warning when the stored reports are old."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dmarcwatch.cli import main
from tests.watch.reports import OUTLOOK, day, write_daily

DOMAIN = "email.physio-frisch.ch"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Google reports days 0-19 daily, Outlook days 0-24."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")  # an empty config
    monkeypatch.setenv("DMARCWATCH_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("DMARCWATCH_DB", raising=False)
    write_daily(tmp_path / "in", DOMAIN, range(20))
    write_daily(tmp_path / "in", DOMAIN, range(25), OUTLOOK)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["import", "--quiet", "--db", url, str(tmp_path / "in")]) == 0
    return url


def _findings(capsys: pytest.CaptureFixture[str], db: str, until: str) -> list[dict[str, object]]:
    assert main(["diagnose", "--db", db, "--json", "--until", until]) == 0
    data: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return data


def test_a_daily_reporter_silent_for_three_days_has_stopped(db, capsys):
    stopped = [f for f in _findings(capsys, db, day(22)) if f["code"] == "reports-stopped"]
    assert len(stopped) == 1
    finding = stopped[0]
    assert finding["severity"] == "warning"
    assert finding["sender"] == "google.com"
    assert finding["evidence"]["days"] == 3
    assert finding["evidence"]["usual_gap"] == 24
    assert finding["evidence"]["last_report"] == day(19)
    assert "google.com sent aggregate reports" in str(finding["summary"])


def test_a_daily_reporter_silent_for_two_days_has_not_stopped_yet(db, capsys):
    codes = {f["code"] for f in _findings(capsys, db, day(21))}
    assert "reports-stopped" not in codes
    assert "no-reports" not in codes


def test_a_domain_silent_against_the_as_of_date_has_no_reports(db, capsys):
    found = _findings(capsys, db, day(40))
    silent = [f for f in found if f["code"] == "no-reports"]
    assert [f["evidence"]["days"] for f in silent] == [16]
    assert "reports-stopped" not in {f["code"] for f in found}  # told once, by no-reports


def test_reports_stopped_reads_in_every_language(db, capsys):
    assert main(["diagnose", "--db", db, "--until", day(22), "--lang", "de"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Zeitraum: {day(16)} – {day(22)} (UTC)\n")
    assert "google.com schickte regelmässig Sammelberichte" in out


def test_senders_names_its_period_and_warns_on_stale_reports(db, capsys):
    assert main(["senders", "--db", db, "--until", day(40)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"Period: {day(11)} – {day(40)} (UTC)\n")
    assert err == (
        f"dmarcwatch: warning: the newest stored report ended on {day(24)}, 16 days before "
        f"{day(40)}; check that 'dmarcwatch poll' runs and that reports still arrive\n"
    )


def test_fresh_reports_give_no_warning(db, capsys):
    assert main(["senders", "--db", db, "--until", day(24)]) == 0
    assert capsys.readouterr().err == ""


def test_diagnose_warns_on_stale_reports_in_json_too(db, capsys):
    assert main(["diagnose", "--db", db, "--json", "--until", day(30)]) == 0
    assert "newest stored report ended on" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("until", "fail_on", "code"),
    [(day(40), "warning", 1), (day(40), "critical", 0), (day(21), "warning", 0)],
)
def test_fail_on_exits_1_when_a_finding_that_bad_is_open(db, capsys, until, fail_on, code):
    assert main(["diagnose", "--db", db, "--until", until, "--fail-on", fail_on]) == code


def test_the_report_and_its_mail_carry_a_banner_when_reports_are_old(db, tmp_path, capsys):
    page = tmp_path / "report.html"
    assert main(["report", "--db", db, "--to", day(40), "-o", str(page), "--lang", "fr"]) == 0
    html = page.read_text(encoding="utf-8")
    assert '<p class="stale" role="alert">' in html
    assert "Le rapport enregistré le plus récent s’est terminé" in html


def test_a_fresh_report_has_no_banner(db, tmp_path, capsys):
    page = tmp_path / "report.html"
    assert main(["report", "--db", db, "--to", day(24), "-o", str(page)]) == 0
    assert 'class="stale"' not in page.read_text(encoding="utf-8")


def test_the_mail_digest_carries_the_warning_too(db):
    import datetime as dt

    from dmarcwatch.analysis.read import Reader
    from dmarcwatch.ingest.store import Store
    from dmarcwatch.reports.document import ReportOptions, build_report

    until = dt.datetime.fromisoformat(day(41)).replace(tzinfo=dt.UTC)
    with Store.open(db, create=False) as store:
        report = build_report(Reader(store.engine), ReportOptions(until=until))
    assert report.view.stale.startswith("The newest stored report ended on ")
    assert report.view.stale in report.text
