"""The demo report in a real browser: it loads nothing, logs no error, shows every part.

The page is written by ``dmarcwatch report`` from the demo samples (imported with
``dmarcwatch import``) and opened in headless Chromium. Set ``DMARCWATCH_SCREENSHOTS`` to a
folder to keep the screenshots (desktop, phone, French) for a look by eye.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from dmarcwatch.cli import main
from dmarcwatch.reports.gallery import CHART_KEYS
from tests.servers.chromium import Chromium

pytestmark = pytest.mark.chromium
DOMAINS = 3  # email.physio-muster.ch, email.praxis-beispiel.ch, physio-muster.ch
CHARTS = [f"chart-{i}-{key}" for i in range(1, DOMAINS + 1) for key in CHART_KEYS]
# physio-muster.ch sends through Microsoft 365 only: a sentence stands in for the SendGrid chart
NO_SENDGRID = 1


def _keep(path: Path) -> None:
    folder = os.environ.get("DMARCWATCH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.fixture(scope="module")
def pages(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("browser")
    written = {}
    for lang in ("en", "fr"):
        out = folder / f"report-{lang}.html"
        assert main(["report", "--db", demo_db, "--lang", lang, "-o", str(out)]) == 0
        written[lang] = out
    return written


def test_the_page_requests_nothing_but_itself_and_logs_no_error(
    chromium: Chromium, pages: dict[str, Path]
) -> None:
    url = pages["en"].as_uri()
    with chromium.open(url) as page:
        assert page.load.requests == [url]
        assert page.load.failed == []
        assert page.load.errors == []
        assert page.evaluate("document.scripts.length") == 0


def test_headline_and_every_chart_are_shown(
    chromium: Chromium, pages: dict[str, Path], tmp_path: Path
) -> None:
    with chromium.open(pages["en"].as_uri(), width=1280, height=900) as page:
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.evaluate("document.querySelector('h1').textContent") == "DMARC report"
        headlines = page.evaluate(
            "Array.from(document.querySelectorAll('.headline')).map(h => h.innerText)"
        )
        assert len(headlines) == DOMAINS
        for text in headlines:
            assert "Messages seen" in text and "Passing DMARC" in text
            assert "Published policy" in text and "Policy readiness" in text
        boxes = page.evaluate(
            "Array.from(document.querySelectorAll('svg.chart-svg')).map(s => {"
            " const r = s.getBoundingClientRect(); return [s.id, r.width, r.height]; })"
        )
        shown = {name: (w, h) for name, w, h in boxes}
        assert len(shown) == len(CHARTS) - NO_SENDGRID
        assert set(shown) <= set(CHARTS)
        for name, (width, height) in shown.items():
            assert width > 300 and height > 100, name
        overview = page.evaluate("document.querySelectorAll('#overview tbody tr').length")
        assert overview == DOMAINS
        shot = page.screenshot(tmp_path / "report-desktop.png")
    width, height = _png_size(shot)
    assert width == 1280 and height > 3000
    _keep(shot)


def test_the_page_fits_a_phone(chromium: Chromium, pages: dict[str, Path], tmp_path: Path) -> None:
    with chromium.open(pages["en"].as_uri(), width=390, height=844, mobile=True) as page:
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0  # wide tables scroll inside their own box
        widest_chart = page.evaluate(
            "Math.max(...Array.from(document.querySelectorAll('svg.chart-svg'))"
            ".map(s => s.getBoundingClientRect().right))"
        )
        assert widest_chart <= 390
        shot = page.screenshot(tmp_path / "report-phone.png")
    assert _png_size(shot)[0] == 390
    _keep(shot)


def test_the_page_prints_one_domain_per_page_at_least(
    chromium: Chromium, pages: dict[str, Path]
) -> None:
    with chromium.open(pages["en"].as_uri()) as page:
        pdf = page.print_pdf()
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages > DOMAINS  # each domain starts a page (@media print)


def test_french_report_in_the_browser(
    chromium: Chromium, pages: dict[str, Path], tmp_path: Path
) -> None:
    with chromium.open(pages["fr"].as_uri()) as page:
        assert page.load.errors == []
        assert page.evaluate("document.documentElement.lang") == "fr"
        assert page.evaluate("document.querySelector('h1').textContent") == "Rapport DMARC"
        shot = page.screenshot(tmp_path / "report-fr.png")
    _keep(shot)


def test_command_line_screenshot_and_dom(
    chromium: Chromium, pages: dict[str, Path], tmp_path: Path
) -> None:
    """The plain ``--screenshot`` and ``--dump-dom`` runs see the same page."""
    shot = chromium.screenshot(pages["en"].as_uri(), tmp_path / "first-screen.png")
    assert _png_size(shot) == (1280, 2000)
    dom = chromium.dump_dom(pages["en"].as_uri())
    assert '<html lang="en">' in dom
    present = [name for name in CHARTS if f'id="{name}"' in dom]
    assert len(present) == len(CHARTS) - NO_SENDGRID
    assert "<script" not in dom
