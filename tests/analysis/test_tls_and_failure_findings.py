"""``diagnose`` on TLS reports, with failure reports as evidence (issue 14), as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dmarcwatch.cli import main
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
DEMO = SAMPLES / "demo"
FIRST_TLS_DAY = 1790812800  # 2026-10-01
YAHOO_DAY = 1789000000  # 2026-09-09 (around the Yahoo failure report of 09-10)


def _demo(practice: str, since: int, until: int) -> list[Path]:
    found = []
    for path in (DEMO / practice).iterdir():
        begin = int(path.name.split("!")[2])
        if since <= begin < until:
            found.append(path)
    return sorted(found)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("tls") / "store.db")
    files = _demo("physio-muster", FIRST_TLS_DAY - 86400, FIRST_TLS_DAY + 5 * 86400)
    files += _demo("praxis-beispiel", YAHOO_DAY - 86400, YAHOO_DAY + 3 * 86400)
    files += sorted(p for p in (SAMPLES / "kinds").rglob("*.*") if "broken" not in p.parts)
    with Store.open(path) as store:
        for file in files:
            if file.name != "manifest.json":
                import_input(store, file.name, file.read_bytes())
    return path


@pytest.fixture(autouse=True)
def no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # an empty config file: the commands read [trust], [ip_data] and [[approved]] from it
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("DMARCWATCH_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("DMARCWATCH_DB", raising=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_tls_reports_give_findings_with_who_acts(db: str, capsys: pytest.CaptureFixture[str]):
    out = run(capsys, "diagnose", "--db", db, "--domain", "physio-muster.ch", "--json")
    tls = {f["code"]: f for f in json.loads(out) if f["code"].startswith("tls-")}
    assert set(tls) == {"tls-certificate", "tls-starttls-not-offered", "tls-sts-policy"}
    assert tls["tls-certificate"]["actor"] == "mail-provider"
    assert tls["tls-certificate"]["messages"] == 4
    assert tls["tls-certificate"]["evidence"]["hosts"] == ["mx-backup.physio-muster.ch"]
    assert tls["tls-starttls-not-offered"]["severity"] == "critical"  # DANE: mail refused
    assert tls["tls-sts-policy"]["actor"] == "practice"
    assert "mta-sts.physio-muster.ch/.well-known/mta-sts.txt" in tls["tls-sts-policy"]["fix"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "did not offer STARTTLS"),
        ("de", "bot kein STARTTLS an"),
        ("fr", "n’a pas proposé STARTTLS"),
        ("it", "non ha offerto STARTTLS"),
    ],
)
def test_tls_findings_speak_every_language(
    db: str, capsys: pytest.CaptureFixture[str], lang: str, words: str
) -> None:
    out = run(capsys, "diagnose", "--db", db, "--domain", "physio-muster.ch", "--lang", lang)
    assert words in " ".join(out.split())


def test_a_domain_without_tls_failures_is_told_it_is_clean(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(
        capsys, "diagnose", "--db", db, "--domain", "physio-muster.ch", "--since", "2026-10-01",
        "--until", "2026-10-01", "--json",
    )  # fmt: skip
    codes = [f["code"] for f in json.loads(out) if f["code"].startswith("tls-")]
    assert codes == ["tls-clean"]


def test_a_failure_report_is_evidence_for_the_finding_it_explains(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("diagnose", "--db", db, "--domain", "email.praxis-beispiel.ch", "--since", "2026-09-08")
    text = " ".join(run(capsys, *args).split())
    assert "1 failure report from Yahoo shows DKIM d=sendgrid.net, s=smtpapi." in text
    block = text.split("[sendgrid-domain-not-authenticated]")[1].split("[")[0]
    assert "failure report from Yahoo" in block
    assert "anna.meier" not in text and "Termin" not in text
    data = json.loads(run(capsys, *args, "--json"))
    (finding,) = [f for f in data if f["code"] == "sendgrid-domain-not-authenticated"]
    assert finding["failure_reports"] == [
        {
            "reporter": "Yahoo",
            "reports": 1,
            "dkim_domain": "sendgrid.net",
            "dkim_selector": "smtpapi",
            "auth_failure": "dmarc",
        }
    ]
    german = " ".join(run(capsys, *args, "--lang", "de").split())
    assert "1 Fehlerbericht von Yahoo zeigt DKIM d=sendgrid.net, s=smtpapi." in german


def test_a_failure_report_of_another_ip_explains_nothing(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("diagnose", "--db", db, "--domain", "email.praxis-beispiel.ch", "--json")
    args += ("--since", "2026-09-08", "--ip", "167.89.101.3")
    data = json.loads(run(capsys, *args))
    assert all(f["failure_reports"] == [] for f in data)
