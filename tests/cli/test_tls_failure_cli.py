"""``parse``, ``import``, ``reparse`` and ``export`` with TLS and failure reports (issue 14)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from dmarcwatch.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
KINDS = SAMPLES / "kinds"
AGGREGATE = SAMPLES / "reports" / "gmx.net!email.physio-muster.ch!1786492800!1786579199.xml"
GOOGLE_MAIL = KINDS / "tls" / "google-tlsrpt-gzip.eml"
YAHOO = KINDS / "failure" / "yahoo-sendgrid-unauthenticated.eml"
TLS_FIELDS = {"org_name", "report_id", "begin", "end", "policies"}
POLICY_FIELDS = {
    *("policy_type", "policy_domain", "policy_strings", "mx_host", "successful", "failed"),
    "failures",
}
FAILURE_DETAIL_FIELDS = {
    *("result_type", "sending_mta_ip", "receiving_mx_hostname", "receiving_ip"),
    *("failed_session_count", "additional_information"),
}
FAILURE_FIELDS = {
    *("feedback_type", "auth_failure", "identity_alignment", "reported_domain", "source_ip"),
    *("arrival_date", "dkim_domain", "dkim_selector", "spf_dns", "delivery_result"),
    "header_from",
}
HEAD = {"kind", "source", "location"}


@pytest.fixture(autouse=True)
def no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("DMARCWATCH_CONFIG", str(path))
    monkeypatch.delenv("DMARCWATCH_DB", raising=False)
    path.write_text("", encoding="utf-8")
    return path


def parsed(capsys: pytest.CaptureFixture[str], *paths: Path) -> list[dict[str, object]]:
    assert main(["parse", *map(str, paths)]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_parse_prints_every_kind_with_exactly_the_documented_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    aggregate, tls, failure = parsed(capsys, AGGREGATE, GOOGLE_MAIL, YAHOO)
    assert aggregate["kind"] == "aggregate" and "records" in aggregate
    assert tls["kind"] == "tls" and set(tls) == HEAD | TLS_FIELDS
    (policy,) = tls["policies"]  # type: ignore[misc]
    assert set(policy) == POLICY_FIELDS
    assert set(policy["failures"][0]) == FAILURE_DETAIL_FIELDS
    assert (tls["begin"], tls["end"]) == (1790985600, 1791071999)
    assert failure["kind"] == "failure" and set(failure) == HEAD | FAILURE_FIELDS
    assert failure["header_from"] == "*@email.praxis-beispiel.ch"
    assert failure["arrival_date"] == 1789024329
    assert "anna.meier" not in json.dumps(failure)


def test_parse_of_an_abuse_report_prints_why_it_is_not_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["parse", str(KINDS / "broken" / "arf-abuse-report.eml")]) == 65
    line = json.loads(capsys.readouterr().out)
    assert "not a DMARC failure report" in line["error"]


def test_import_counts_kinds_and_reparse_all_keeps_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["import", "--db", db, str(KINDS / "tls"), str(KINDS / "failure")]) == 0
    assert capsys.readouterr().out.strip() == (
        "0 reports stored, 0 duplicates, 0 rejected, 5 TLS reports, 3 failure reports, "
        "0 records, 0 messages"
    )
    assert main(["reparse", "--all", "--db", db]) == 0
    assert "5 TLS reports" in capsys.readouterr().out
    with sqlite3.connect(tmp_path / "store.db") as conn:
        counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                  for t in ("tls_reports", "failure_reports")]  # fmt: skip
        dropped = conn.execute("SELECT count(*) FROM blobs WHERE compression = 'dropped'")
        assert (counts, dropped.fetchone()[0]) == ([5, 3], 3)


def test_the_privacy_switch_in_the_config_keeps_the_mail(
    tmp_path: Path, no_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    no_config.write_text("[privacy]\nkeep_failure_report_details = true\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["import", "--db", db, str(YAHOO)]) == 0
    with sqlite3.connect(tmp_path / "store.db") as conn:
        (personal,) = conn.execute("SELECT personal FROM failure_reports").fetchone()
        (kept,) = conn.execute("SELECT compression FROM blobs").fetchone()
    assert "anna.meier" in personal and kept == "zlib"


def test_a_privacy_switch_that_is_not_true_or_false_is_a_config_error(
    tmp_path: Path, no_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    no_config.write_text('[privacy]\nkeep_failure_report_details = "yes"\n', encoding="utf-8")
    assert main(["import", "--db", f"sqlite:///{tmp_path / 's.db'}", str(YAHOO)]) == 78
    assert "keep_failure_report_details" in capsys.readouterr().err


def test_export_writes_tls_and_redacted_failure_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["import", "--db", db, str(AGGREGATE), str(KINDS / "tls"), str(YAHOO)]) == 0
    capsys.readouterr()
    assert main(["export", "--db", db, "--kind", "tls", "--format", "json", "-o", "-"]) == 0
    tls = json.loads(capsys.readouterr().out)
    assert len(tls) == 5 and {r["policy_domain"] for r in tls} == {"physio-muster.ch"}
    assert {r["result_type"] for r in tls} >= {"certificate-expired", None}
    out = tmp_path / "ruf.csv"
    assert main(["export", "--db", db, "--kind", "failure", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("domain,reporter,day,source_ip,")
    assert "*@email.praxis-beispiel.ch" in text and "anna.meier" not in text
