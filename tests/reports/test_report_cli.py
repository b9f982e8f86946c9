"""``dmarcwatch report`` as a user meets it: files, options, exit codes, DNS, start-up cost."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from dmarcwatch.cli import main
from dmarcwatch.commands.report import chart_file_part
from tests.servers.dns import DnsTestServer

ROOT = Path(__file__).resolve().parents[2]
GENERATED = re.compile(r'<time class="generated"[^>]*>[^<]*</time>')


def test_two_runs_differ_only_in_the_generation_time(demo_db: str, tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert main(["report", "--db", demo_db, "--lang", "fr", "-o", str(first)]) == 0
    assert main(["report", "--db", demo_db, "--lang", "fr", "-o", str(second)]) == 0
    a, b = first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8")
    assert len(GENERATED.findall(a)) == 1
    assert GENERATED.sub("", a) == GENERATED.sub("", b)


def test_charts_dir_gets_png_and_svg_of_every_chart(demo_db: str, tmp_path: Path) -> None:
    charts = tmp_path / "charts"
    out = tmp_path / "r.html"
    assert main(["report", "--db", demo_db, "-o", str(out), "--charts-dir", str(charts)]) == 0
    page = out.read_text(encoding="utf-8")
    svgs = sorted(charts.glob("*.svg"))
    pngs = sorted(charts.glob("*.png"))
    assert len(svgs) == len(pngs) == page.count('class="chart-svg"') == 14
    assert {p.stem for p in svgs} == {p.stem for p in pngs}
    assert sum(p.name.endswith("-email.praxis-beispiel.ch-daily.svg") for p in svgs) == 1
    for png in pngs:
        assert png.read_bytes().startswith(b"\x89PNG")
    for svg in svgs:
        text = svg.read_text(encoding="utf-8")
        assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns=')


def test_default_output_file_in_the_working_directory(
    demo_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--db", demo_db, "--domain", "physio-muster.ch"]) == 0
    assert (tmp_path / "dmarc-report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE")
    assert [p.name for p in tmp_path.iterdir()] == ["dmarc-report.html"]  # no temp file left


def test_report_to_stdout(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--db", demo_db, "--domain", "physio-muster.ch", "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")


def test_explicit_days(demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--db", demo_db, "--from", "2026-09-14", "--to", "2026-09-20",
                 "--lang", "de", "-o", str(out)]) == 0  # fmt: skip
    page = out.read_text(encoding="utf-8")
    assert '<div class="period">14.\u201320. Sept. 2026</div>' in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "7d", "--from", "2026-09-01"], "--since or --from"),
        (["--from", "2026-13-01"], "--from: expected YYYY-MM-DD"),
        (["--from", "2026-09-10", "--to", "2026-09-01"], "--to is before --from"),
        (["--since", "0d"], "at least one day"),
        (["--nameserver", "not a server", "--dns"], "nameserver"),
    ],
)
def test_bad_options_exit_64(
    demo_db: str, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--db", demo_db, "-o", "-", *args]) == 64
    assert message in capsys.readouterr().err


def test_unknown_language_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--lang", "xx"])
    assert exit_info.value.code == 64


def test_unwritable_output_exits_73(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no-such-dir" / "r.html"
    assert main(["report", "--db", demo_db, "-o", str(target)]) == 73
    assert "cannot write" in capsys.readouterr().err


def test_chart_file_names_keep_only_safe_characters() -> None:
    assert chart_file_part("email.Physio-Muster.ch") == "email.physio-muster.ch"
    assert chart_file_part("../../etc/passwd") == "etc_passwd"
    assert chart_file_part("<script>") == "script"
    assert chart_file_part("...") == "domain"


def test_help_does_not_load_the_heavy_modules() -> None:
    # the --lang choices come from the light dmarcwatch.analysis.languages; nothing else of
    # the analysis may load
    code = (
        "import sys, dmarcwatch.commands.report, dmarcwatch.commands.export;"
        "heavy = [m for m in ('pandas', 'matplotlib', 'jinja2', 'babel',"
        " 'dmarcwatch.analysis.api', 'dmarcwatch.analysis.read', 'dmarcwatch.reports')"
        " if m in sys.modules]; print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True, timeout=120)  # fmt: skip
    assert done.stdout.strip() == "[]"


@pytest.mark.dns
def test_dns_records_are_checked_with_dns(
    demo_db: str, tmp_path: Path, dns_server: DnsTestServer
) -> None:
    dns_server.add_txt("physio-muster.ch", "v=spf1 ip4:40.107.0.0/16 ip4:52.100.0.0/14 -all")
    dns_server.add_txt(
        "_dmarc.physio-muster.ch", "v=DMARC1; p=reject; rua=mailto:dmarc@physio-muster.ch"
    )
    out = tmp_path / "r.html"
    assert main(["report", "--db", demo_db, "--domain", "physio-muster.ch", "--dns",
                 "--nameserver", dns_server.nameserver, "-o", str(out)]) == 0  # fmt: skip
    page = html.unescape(out.read_text(encoding="utf-8"))
    assert "DNS records (SPF, DKIM, DMARC)" in page
    section = page[page.index("DNS records (SPF, DKIM, DMARC)") : page.index("<h3>Charts</h3>")]
    assert 'class="findings posture"' in out.read_text(encoding="utf-8")
    assert "p=reject" in section
    assert re.search(r"spf-|dmarc-|dkim-", section)


def test_without_dns_there_is_no_dns_section(demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--db", demo_db, "--domain", "physio-muster.ch", "-o", str(out)]) == 0
    assert "DNS records (SPF, DKIM, DMARC)" not in out.read_text(encoding="utf-8")


def test_parallel_workers_write_the_same_page(demo_db: str, tmp_path: Path) -> None:
    """Domains drawn by forked workers (a fresh process: no threads) equal the serial page."""
    serial, parallel = tmp_path / "serial.html", tmp_path / "parallel.html"
    assert main(["report", "--db", demo_db, "--jobs", "1", "-o", str(serial)]) == 0
    done = subprocess.run(
        [sys.executable, "-m", "dmarcwatch", "report", "--db", demo_db, "--jobs", "3", "-v",
         "-o", str(parallel)],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    a = GENERATED.sub("", serial.read_text(encoding="utf-8"))
    b = GENERATED.sub("", parallel.read_text(encoding="utf-8"))
    assert a == b


def test_worker_count_follows_the_domains() -> None:
    from dmarcwatch.analysis.workers import worker_count

    assert worker_count(1, 20) == 1
    assert worker_count(None, 3) == 1  # forking costs more than three domains
    if threading.active_count() == 1:
        assert worker_count(None, 20) == min(len(os.sched_getaffinity(0)), 4)
        assert worker_count(8, 2) == 2
    else:  # a server fixture's thread runs: forking is not safe, everything is in-process
        assert worker_count(8, 20) == 1
