"""``dmarcwatch senders`` and ``dmarcwatch diagnose`` as a user runs them."""

from __future__ import annotations

import json

import pytest

from dmarcwatch.cli import main
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store
from tests.analysis.storefill import add_files, scenario_files
from tests.ingest.reportxml import Report, Row

FIELDS = {
    "code",
    "severity",
    "domain",
    "sender",
    "actor",
    "messages",
    "sources",
    "receivers",
    "first_seen",
    "last_seen",
    "summary",
    "fix",
}


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("DMARCWATCH_DB", raising=False)
    (tmp_path / "none.toml").write_text("", encoding="utf-8")  # an empty config
    monkeypatch.setenv("DMARCWATCH_CONFIG", str(tmp_path / "none.toml"))
    path = str(tmp_path / "store.db")
    with Store.open(path) as store:
        add_files(store, scenario_files("sendgrid-domain-not-authenticated", "clean", "forwarding"))
    monkeypatch.delenv("DMARCWATCH_CONFIG")
    return path


def _run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_diagnose_json_is_a_list_of_findings_worst_first(db, capsys):
    code, out, _ = _run(capsys, "diagnose", "--db", db, "--json")
    assert code == 0
    data = json.loads(out)
    assert data and all(set(item) >= FIELDS for item in data)
    assert data[0]["severity"] == "critical"
    assert data[0]["code"] == "sendgrid-domain-not-authenticated"
    assert data[0]["domain"] == "email.physio-alpha.ch"
    assert data[0]["actor"] == "vendor"
    assert data[0]["sources"] == ["149.72.10.20"]
    assert data[0]["first_seen"] == "2026-11-25" and data[0]["last_seen"] == "2026-11-27"
    ranks = ["critical", "warning", "info", "ok"]
    assert [ranks.index(d["severity"]) for d in data] == sorted(
        ranks.index(d["severity"]) for d in data
    )


def test_diagnose_speaks_french_german_and_italian(db, capsys):
    for lang, word in (
        ("fr", "échouent"),
        ("de", "bestehen DMARC nicht"),
        ("it", "non superano DMARC"),
        ("it", "Correzione (fornitore del software): Il fornitore del software deve"),
        ("fr", "Preuve: messages: "),  # the word of `check` too (Constat names a finding)
        ("de", "Beleg: Nachrichten: "),
    ):
        _, out, _ = _run(
            capsys, "diagnose", "--db", db, "--domain", "email.physio-alpha.ch", "--lang", lang
        )
        assert word in out


def test_diagnose_text_names_who_acts_and_the_evidence(db, capsys):
    code, out, _ = _run(capsys, "diagnose", "--db", db, "--domain", "email.physio-alpha.ch")
    assert code == 0
    period, findings = out.split("\n\n", 1)
    assert period.startswith("Period: ")
    assert findings.startswith("CRITICAL email.physio-alpha.ch")
    assert "Fix (software vendor):" in out
    assert "149.72.10.20" in out


def test_diagnose_filters_by_receiver(db, capsys):
    _, out, _ = _run(
        capsys,
        "diagnose",
        "--db",
        db,
        "--json",
        "--receiver",
        "google.com",
        "--domain",
        "email.physio-eta.ch",
    )
    assert {r for item in json.loads(out) for r in item["receivers"]} == {"google.com"}


def test_diagnose_refuses_a_bad_period_with_a_usage_error(db, capsys):
    code, _, err = _run(capsys, "diagnose", "--db", db, "--since", "last tuesday")
    assert code == 64
    assert "--since" in err


def test_diagnose_escapes_control_characters_from_reports(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    evil = "evil\u009b2J\u202egro.elgoog\u2028x"
    report = Report(
        org=evil,
        domain="physio-evil.ch",
        policy="<adkim>r</adkim><aspf>r</aspf><p>reject</p><sp>reject</sp>",
        rows=[
            Row(
                ip="198.51.100.66",
                count="5",
                disposition="reject",
                dkim="fail",
                spf="fail",
                header_from="physio-evil.ch",
                envelope_from="physio-evil.ch",
                dkim_results=[],
                spf_results=[("physio-evil.ch", "mfrom", "fail")],
                reasons=[("local_policy", evil)],
            )
        ],
    )
    path = tmp_path / "store.db"
    with Store.open(str(path)) as store:
        assert not import_input(store, "evil.xml", report.xml().encode()).rejected
    _, out, _ = _run(capsys, "diagnose", "--db", str(path), "--domain", "physio-evil.ch")
    assert "[spoofing]" in out  # it tells what receivers did with spoofed mail
    for bad in ("\u009b", "\u202e", "\u2028"):
        assert bad not in out
    assert "\\x9b" in out and "\\u202e" in out


def test_senders_lists_each_sender_with_alignment(db, capsys):
    code, out, _ = _run(capsys, "senders", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Period: ")
    assert lines[1].split()[:2] == ["DOMAIN", "SENDER"]
    clean = next(line for line in lines if line.startswith("email.physio-clean.ch"))
    assert clean.split()[-3:] == ["100.0", "100.0", "100.0"]


def test_senders_json_has_rates_per_sender(db, capsys):
    _, out, _ = _run(capsys, "senders", "--db", db, "--json", "--domain", "email.physio-eta.ch")
    data = json.loads(out)
    assert {(d["sender_id"], d["forwarded"]) for d in data} == {
        ("sendgrid", False),
        ("sendgrid", True),
    }
    direct = next(d for d in data if not d["forwarded"])
    assert direct["messages"] == 120 and direct["dmarc_pass_pct"] == 100.0
    assert set(direct) >= {
        "sender",
        "sources",
        "messages",
        "dmarc_pass_pct",
        "dkim_aligned_pct",
        "spf_aligned_pct",
    }
