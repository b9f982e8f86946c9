"""``dmarcwatch monitor`` (Monitoring Plugins status) and ``dmarcwatch metrics`` (Prometheus)
through the command line, on SQLite stores; the metrics checked by the real promtool."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from dmarcwatch.cli import main
from dmarcwatch.ingest.ledger import Ledger
from dmarcwatch.ingest.store import Store
from tests.analysis.storefill import add_files, scenario_files
from tests.servers.promtool import check_metrics
from tests.watch.reports import OUTLOOK, write_daily

DOMAIN = "email.physio-wach.ch"
STATUS = re.compile(r"^DMARC (OK|WARNING|CRITICAL|UNKNOWN): [^|\n]+ \| ('[^'=]+'=[^ ]+ ?)+$")


def _today() -> dt.datetime:
    now = dt.datetime.now(dt.UTC)
    return dt.datetime(now.year, now.month, now.day, tzinfo=dt.UTC)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")  # an empty config
    monkeypatch.setenv("DMARCWATCH_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("DMARCWATCH_DB", raising=False)
    return tmp_path


def _fresh_store(tmp_path: Path, *, failing: bool = False) -> str:
    """Two weeks of daily reports up to yesterday from Google and Outlook."""
    first = _today() - dt.timedelta(days=14)
    for reporter in (("google.com", "noreply-dmarc-support@google.com"), OUTLOOK):
        write_daily(tmp_path / "in", DOMAIN, range(14), reporter, first_day=first)
    if failing:  # an unknown source spoofing the domain, every day
        write_daily(tmp_path / "in", DOMAIN, range(14), dkim="fail", first_day=first)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["import", "--quiet", "--db", url, str(tmp_path / "in")]) == 0
    return url


def _monitor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["monitor", *args])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out.splitlines()


def test_monitor_is_ok_for_fresh_clean_reports(env, capsys):
    url = _fresh_store(env)
    code, lines = _monitor(capsys, "--db", url)
    assert code == 0, lines
    assert STATUS.match(lines[0]), lines[0]
    assert lines[0].startswith("DMARC OK: 0 critical, 0 warning findings in 1 domain;")
    assert "'dmarc_pass'=100.0%;;;0;100" in lines[0]
    assert len(lines) == 1


def test_monitor_is_critical_with_a_critical_finding_and_names_it(env, capsys):
    url = f"sqlite:///{env / 'store.db'}"
    with Store.open(url) as store:
        add_files(store, scenario_files("sendgrid-domain-not-authenticated"))
    code, lines = _monitor(capsys, "--db", url)
    assert code == 2
    assert STATUS.match(lines[0]) and lines[0].startswith("DMARC CRITICAL: ")
    assert any(line.startswith("CRITICAL ") and "[sendgrid-domain-not-authenticated]" in line
               for line in lines[1:])  # fmt: skip


def test_monitor_warns_when_the_reports_are_old(env, capsys):
    write_daily(env / "in", DOMAIN, range(14))  # November 2026: weeks before today
    url = f"sqlite:///{env / 'store.db'}"
    assert main(["import", "--quiet", "--db", url, str(env / "in")]) == 0
    code, lines = _monitor(capsys, "--db", url)
    assert code == 1
    assert lines[0].startswith("DMARC WARNING: ")
    assert "[no-reports]" in "\n".join(lines[1:])


@pytest.mark.parametrize("make", ["missing", "empty", "unreadable"])
def test_monitor_is_unknown_when_the_store_cannot_be_read(env, capsys, make):
    path = env / "store.db"
    if make == "empty":
        Store.open(f"sqlite:///{path}").close()
    if make == "unreadable":
        path.write_bytes(b"this is not a database" * 100)
    code, lines = _monitor(capsys, "--db", f"sqlite:///{path}")
    assert code == 3
    assert lines[0].startswith("DMARC UNKNOWN: ") and "|" not in lines[0]


@pytest.mark.parametrize("bad", [["--since", "yesterday-ish"], ["--bogus"], ["--since"]])
def test_monitor_bad_options_are_unknown(env, capsys, bad):
    try:
        code = main(["monitor", *bad])
    except SystemExit as exit_:  # argparse stops at once
        code = exit_.code
    out = capsys.readouterr().out
    assert code == 3
    assert out.startswith("DMARC UNKNOWN: ")


def test_metrics_pass_promtool_and_hold_every_family(env, capsys, promtool):
    url = _fresh_store(env, failing=True)
    with Store.open(url) as store:
        now = dt.datetime.now(dt.UTC)
        Ledger(store).record_run("praxis", "ok", now - dt.timedelta(hours=2))
        Ledger(store).record_run("praxis", "unavailable", now)
    assert main(["metrics", "--db", url]) == 0
    text = capsys.readouterr().out
    checked = check_metrics(promtool, text)
    assert (checked.returncode, checked.stdout, checked.stderr) == (0, "", "")
    samples = dict(line.rsplit(" ", 1) for line in text.splitlines() if not line.startswith("#"))
    label = f'{{domain="{DOMAIN}"}}'
    assert int(samples[f"dmarcwatch_messages{label}"]) == 3 * 3 * 7  # the last 7 days with reports
    assert float(samples[f"dmarcwatch_dmarc_pass_ratio{label}"]) == pytest.approx(2 / 3)
    assert 0 < float(samples[f"dmarcwatch_newest_report_age_seconds{label}"]) < 2 * 86400
    critical = f'dmarcwatch_open_findings{{domain="{DOMAIN}",severity="critical"}}'
    assert critical in samples
    assert samples['dmarcwatch_poll_success{mailbox="praxis"}'] == "0"
    success = float(samples['dmarcwatch_poll_last_success_timestamp_seconds{mailbox="praxis"}'])
    assert success == pytest.approx((now - dt.timedelta(hours=2)).timestamp(), abs=1)


def test_metrics_textfile_is_written_whole_with_nothing_left_beside_it(env, capsys, promtool):
    url = _fresh_store(env)
    target = env / "textfile" / "dmarcwatch.prom"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    assert main(["metrics", "--db", url, "--textfile", str(target)]) == 0
    assert capsys.readouterr().out == ""  # quiet on success, for cron
    assert [p.name for p in target.parent.iterdir()] == ["dmarcwatch.prom"]
    assert target.stat().st_mode & 0o777 == 0o644
    text = target.read_text(encoding="utf-8")
    assert check_metrics(promtool, text).returncode == 0
    assert text.endswith("\n") and "dmarcwatch_messages{" in text


def test_metrics_textfile_in_a_missing_directory_cannot_be_written(env, capsys):
    url = _fresh_store(env)
    target = env / "absent" / "dmarcwatch.prom"
    assert main(["metrics", "--db", url, "--textfile", str(target)]) == 73


def test_a_hostile_domain_name_cannot_break_the_exposition(promtool):
    from dmarcwatch.analysis.findings import Severity
    from dmarcwatch.analysis.health import DomainHealth, Health
    from dmarcwatch.reports.metrics import exposition

    evil = 'x"} 1\ndmarcwatch_messages{domain="y\\'
    now = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
    counts = {Severity.CRITICAL: 1, Severity.WARNING: 0, Severity.INFO: 0}
    domain = DomainHealth(evil, 5, 0.5, counts, now - dt.timedelta(hours=1))
    text = exposition(Health(now, (domain,), (), ()))
    assert check_metrics(promtool, text).returncode == 0
    assert text.count("\ndmarcwatch_messages{") == 1
