"""``--receiver`` with the names people use, and a name that matches nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dmarcwatch.cli import main


@pytest.mark.parametrize(
    ("name", "org_name"),
    [
        ("gmail.com", "google.com"),
        ("Google", "google.com"),
        ("protection.outlook.com", "Outlook.com"),
        ("hotmail.com", "Outlook.com"),
        ("yahoo.com", "Yahoo"),
        ("mimecast.org", "Mimecast"),
        ("BLUEWIN.CH", "Swisscom"),
        ("gmx.de", "GMX"),
    ],
)
def test_a_receiver_by_its_common_name_or_domain(
    demo_db: str, tmp_path: Path, name: str, org_name: str
) -> None:
    out = tmp_path / "rows.json"
    assert main(["export", "--db", demo_db, "--format", "json", "--receiver", name,
                 "-o", str(out)]) == 0  # fmt: skip
    assert {row["receiver"] for row in json.loads(out.read_text(encoding="utf-8"))} == {org_name}


def test_an_unknown_receiver_is_a_usage_error_naming_the_known_ones(
    demo_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["senders", "--db", demo_db, "--receiver", "gmial.com\x1b[2J"]) == 64
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "dmarcwatch: unknown receiver 'gmial.com\\x1b[2J'; known: GMX, google.com, Mimecast,"
        " Outlook.com, Swisscom, Yahoo\n"
    )


def test_a_known_receiver_without_reports_is_an_empty_period(
    demo_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["senders", "--db", demo_db, "--receiver", "comcast.net"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["No reports in this period."]


def test_export_and_diagnose_refuse_an_unknown_receiver(demo_db: str) -> None:
    assert main(["diagnose", "--db", demo_db, "--receiver", "nope.example"]) == 64
    assert main(["export", "--db", demo_db, "--receiver", "nope.example", "-o", "-"]) == 64
