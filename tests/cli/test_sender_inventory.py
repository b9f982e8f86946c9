"""The sender inventory through the command line, on SQLite and PostgreSQL: approve, revoke,
the config's [[approved]], and the findings that change with them; ``senders --ips``/``--new``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dmarcwatch.cli import main
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.store import Store
from tests.analysis.storefill import add_files, scenario_files

SINCE = ["--since", "2026-11-01"]


@pytest.fixture(autouse=True)
def _own_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("DMARCWATCH_DB", raising=False)
    monkeypatch.delenv("DMARCWATCH_CONFIG", raising=False)


@pytest.fixture
def url(store_url: str) -> str:
    with Store.open(store_url) as store:
        add_files(store, scenario_files("spoofing", "unknown-sender-passing"))
    return store_url


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _codes(
    capsys: pytest.CaptureFixture[str], url: str, domain: str, *extra: str
) -> dict[str, Any]:
    code, out, _ = _run(
        capsys, "diagnose", "--db", url, "--domain", domain, "--json", *SINCE, *extra
    )
    assert code == Exit.OK
    return {f["code"]: f for f in json.loads(out)}


def test_without_an_inventory_no_inventory_finding_is_made(url: str, capsys) -> None:
    codes = _codes(capsys, url, "physio-iota.ch")
    assert not {"approved-sender-failing", "unapproved-sender-passing"} & set(codes)


def test_an_unapproved_source_passing_dmarc_is_named_until_it_is_approved(url: str, capsys) -> None:
    code, out, _ = _run(capsys, "senders", "approve", "physio-iota.ch", "SendGrid", "--db", url)
    assert (code, out) == (Exit.OK, "physio-iota.ch: sendgrid approved\n")
    passing = _codes(capsys, url, "physio-iota.ch")["unapproved-sender-passing"]
    assert passing["severity"] == "warning" and passing["sources"] == ["203.0.113.77"]
    assert passing["messages"] == 36

    _run(
        capsys,
        "senders",
        "approve",
        "physio-iota.ch",
        "203.0.113.0/24",
        "--note",
        "web shop",
        "--db",
        url,
    )
    assert "unapproved-sender-passing" not in _codes(capsys, url, "physio-iota.ch")

    _run(capsys, "senders", "revoke", "physio-iota.ch", "203.0.113.0/24", "--db", url)
    assert "unapproved-sender-passing" in _codes(capsys, url, "physio-iota.ch")


def test_an_approved_network_that_fails_is_a_setup_problem_not_spoofing(url: str, capsys) -> None:
    before = _codes(capsys, url, "physio-theta.ch")
    assert before["spoofing"]["messages"] == 72
    _run(capsys, "senders", "approve", "physio-theta.ch", "sendgrid", "AS60729", "--db", url)
    after = _codes(capsys, url, "physio-theta.ch")
    failing = after["approved-sender-failing"]
    assert failing["evidence"]["approved"] == "Zwiebelfreunde e.V., DE"
    assert failing["sources"] == ["185.220.101.5"] and failing["messages"] == 42
    assert after["spoofing"]["messages"] == 30
    assert after["spoofing"]["owners"][0]["owner"] in {"Media Land LLC, RU", "Electra Limited, NZ"}


def test_the_inventory_lists_who_approved_what_and_when(url: str, capsys) -> None:
    _run(
        capsys,
        "senders",
        "approve",
        "physio-iota.ch",
        "AS11377",
        "--note",
        "Praxissoftware",
        "--db",
        url,
    )
    code, out, _ = _run(capsys, "senders", "approved", "--json", "--db", url)
    assert code == Exit.OK
    (entry,) = json.loads(out)
    assert entry["domain"] == "physio-iota.ch" and entry["value"] == "AS11377"
    assert entry["kind"] == "asn" and entry["note"] == "Praxissoftware"
    assert entry["approved_by"] and entry["approved_at"] and entry["source"] == "store"
    code, out, _ = _run(capsys, "senders", "approve", "physio-iota.ch", "as11377", "--db", url)
    assert out == "physio-iota.ch: AS11377 already approved\n"


@pytest.mark.parametrize("target", ["nonsense", "AS0", "AS99999999999", "300.1.2.3/8"], ids=str)
def test_a_target_that_is_no_sender_network_or_as_is_one_line_exit_64(
    url: str, capsys, target: str
) -> None:
    code, out, err = _run(capsys, "senders", "approve", "physio-iota.ch", target, "--db", url)
    assert code == Exit.USAGE and out == "" and len(err.splitlines()) == 1


def test_approvals_in_the_config_count_like_stored_ones(url: str, tmp_path: Path, capsys) -> None:
    config = tmp_path / "dmarcwatch.toml"
    config.write_text(
        '[[approved]]\ndomain = "physio-iota.ch"\nsenders = ["sendgrid", "203.0.113.77"]\n'
        'note = "managed as code"\n'
    )
    codes = _codes(capsys, url, "physio-iota.ch", "--config", str(config))
    assert "unapproved-sender-passing" not in codes
    code, out, _ = _run(capsys, "senders", "approved", "--config", str(config), "--db", url)
    assert "203.0.113.77/32  config  (managed as code)" in out
    config.write_text('[[approved]]\ndomain = "physio-iota.ch"\nsenders = ["mailchump"]\n')
    code, _, err = _run(capsys, "diagnose", "--config", str(config), "--db", url)
    assert code == Exit.CONFIG and "mailchump" in err


def test_senders_ips_names_each_source_with_its_network(url: str, capsys) -> None:
    code, out, _ = _run(capsys, "senders", "--ips", "--json", "--db", url, *SINCE)
    assert code == Exit.OK
    rows = {(r["domain"], r["ip"]): r for r in json.loads(out)}
    sendgrid = rows[("physio-theta.ch", "149.72.123.45")]
    assert set(sendgrid) >= {
        "domain",
        "ip",
        "ptr",
        "asn",
        "as_name",
        "country",
        "sender",
        "messages",
        "dmarc_pass",
        "dkim_aligned",
        "spf_aligned",
        "receivers",
        "first_seen",
        "last_seen",
    }
    assert (sendgrid["asn"], sendgrid["country"], sendgrid["sender"]) == (
        11377,
        "US",
        "SendGrid (Twilio)",
    )
    assert sendgrid["dmarc_pass"] == 100.0 and sendgrid["receivers"] == [
        "Outlook.com",
        "google.com",
    ]
    assert (sendgrid["first_seen"], sendgrid["last_seen"]) == ("2026-11-25", "2026-11-27")
    documentation = rows[("physio-iota.ch", "203.0.113.77")]
    assert documentation["asn"] is None and documentation["sender"] == "unknown"
    code, text, _ = _run(capsys, "senders", "--ips", "--db", url, *SINCE)
    assert "SENDGRID, US (AS11377)" in text


def test_senders_groups_unknown_sources_by_network_owner(url: str, capsys) -> None:
    code, out, _ = _run(capsys, "senders", "--db", url, "--domain", "physio-theta.ch", *SINCE)
    assert code == Exit.OK
    assert (
        "unknown in physio-theta.ch: Zwiebelfreunde e.V., DE (AS60729) — 1 source, 42 messages"
        in out
    )


def test_senders_new_lists_only_senders_first_seen_in_the_period(url: str, capsys) -> None:
    code, out, _ = _run(capsys, "senders", "--new", "--db", url, "--since", "2026-11-27")
    assert (code, out) == (Exit.OK, "No new senders in this period.\n")
    code, out, _ = _run(capsys, "senders", "--new", "--json", "--db", url, *SINCE)
    assert {r["domain"] for r in json.loads(out)} == {"physio-theta.ch", "physio-iota.ch"}
