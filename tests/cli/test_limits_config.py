"""``[limits]`` in the config file: the budgets ``import``, ``poll`` and ``reparse`` apply."""

from __future__ import annotations

import gzip
from email.message import EmailMessage
from pathlib import Path

import pytest

from dmarcwatch.cli import main
from dmarcwatch.config import load_config
from dmarcwatch.errors import ConfigError
from dmarcwatch.ingest.limits import DEFAULT_LIMITS
from tests.ingest.reportxml import Report, Row


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_limits_are_read_from_the_config_and_default_otherwise(tmp_path: Path) -> None:
    path = _config(tmp_path, "[limits]\nmax_input_records = 1000\nmax_input_cpu_seconds = 2.5\n")
    limits = load_config(path).limits
    assert (limits.max_input_records, limits.max_input_cpu_seconds) == (1000, 2.5)
    assert limits.max_reporter_day_records == DEFAULT_LIMITS.max_reporter_day_records
    assert load_config(_config(tmp_path, "")).limits == DEFAULT_LIMITS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("max_input_records = 0", "'max_input_records' must be more than 0"),
        ("max_input_bytes = 1.5", "'max_input_bytes' must be an integer"),
        ("max_records = 5", "'max_records' is unknown"),
    ],
)
def test_a_bad_limit_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(_config(tmp_path, f"[limits]\n{text}\n"))


def _mail(reports: int) -> bytes:
    message = EmailMessage()
    message["From"] = "noreply-dmarc-support@google.com"
    message["Subject"] = "Report Domain: physio-muster.ch Submitter: google.com"
    message.set_content("Aggregate reports.")
    for i in range(reports):
        rows = [Row(ip=f"10.0.0.{n}") for n in range(10)]
        data = gzip.compress(Report(report_id=f"r{i}", rows=rows).bytes())
        message.add_attachment(data, maintype="application", subtype="gzip", filename=f"{i}.gz")
    return message.as_bytes()


def test_import_rejects_an_input_over_budget_in_one_line_and_stores_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, "[limits]\nmax_input_records = 25\n")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a-big.eml").write_bytes(_mail(5))
    (inbox / "b-small.xml").write_bytes(Report(report_id="small").bytes())
    db = f"sqlite:///{tmp_path / 'store.db'}"
    code = main(["import", "--config", str(config), "--db", db, str(inbox)])
    out, err = capsys.readouterr()
    assert code == 65
    assert "3 reports stored" in out and "21 records" in out
    (line,) = err.splitlines()
    assert line.startswith("dmarcwatch: rejected ") and "(max_input_records)" in line
