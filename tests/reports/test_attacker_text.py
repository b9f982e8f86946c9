"""A report written by an attacker: its text is shown, but the page stays inert.

The reporter's org name, the policy domain, the header From, a DKIM selector and an override
comment carry ``<script>``, an attribute break-out (``"onerror=``) and ``</style>``. The
report is imported and rendered with the real commands; the page is then parsed to check
that no element, attribute or style came from the report.
"""

from __future__ import annotations

import csv
import html
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from dmarcwatch.cli import main
from tests.ingest.reportxml import Report, Row

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"onerror=alert(1) data-evil="'
STYLE = "</style><style>body{display:none}</style>"
HOSTILE = f"{SCRIPT}{BREAKOUT}{STYLE}"
ORG = f"=HYPERLINK(1){HOSTILE}"
DOMAIN = f"{SCRIPT.lower()}{BREAKOUT}{STYLE}.example"


def _xml(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def hostile_report() -> bytes:
    spoof = Row(
        ip="192.0.2.66",
        count="9",
        disposition="none",
        dkim="fail",
        spf="fail",
        header_from=_xml(DOMAIN),
        envelope_from=_xml(DOMAIN),
        reasons=[("local_policy", _xml(f"@SUM(1) {HOSTILE}"))],
        dkim_results=[(_xml(DOMAIN), _xml(f"s{SCRIPT}"), "fail")],
        spf_results=[(_xml(DOMAIN), "mfrom", "fail")],
    )
    sendgrid = Row(
        header_from=_xml(DOMAIN),
        envelope_from=_xml(f"em1.{DOMAIN}"),
        dkim_results=[(_xml(DOMAIN), "s1", "pass")],
        spf_results=[(_xml(f"em1.{DOMAIN}"), "mfrom", "pass")],
    )
    report = Report(
        org=_xml(ORG),
        email="dmarc@evil.example",
        report_id=_xml(f"id-{SCRIPT}"),
        domain=_xml(DOMAIN),
        rows=[spoof, sendgrid],
    )
    return report.bytes()


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "evil.xml").write_bytes(hostile_report())
    url = f"sqlite:///{folder / 'store.db'}"
    assert main(["import", "--quiet", "--db", url, str(folder / "evil.xml")]) == 0
    return url


class _Page(HTMLParser):
    """Every element and attribute of a page, and the text of its style elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


@pytest.fixture(scope="module")
def page(hostile_db: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("hostile-report") / "report.html"
    charts = out.parent / "charts"
    assert main(["report", "--db", hostile_db, "--since", "7d", "-o", str(out),
                 "--charts-dir", str(charts)]) == 0  # fmt: skip
    return out.read_text(encoding="utf-8")


def test_the_hostile_text_is_shown_escaped(page: str) -> None:
    text = html.unescape(page)
    assert DOMAIN in text  # the section heading: the reader sees what was sent
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "=HYPERLINK(1)" in text


def test_the_page_has_no_script_and_no_injected_attribute(page: str) -> None:
    parsed = _Page()
    parsed.feed(page)
    assert "script" not in parsed.tags
    assert "<script" not in page.lower()
    handlers = [(tag, name) for tag, name, _ in parsed.attributes if name.startswith("on")]
    assert handlers == []
    assert not [a for a in parsed.attributes if a[1] == "data-evil"]  # the break-out's 2nd


def test_the_style_is_not_closed_early(page: str) -> None:
    parsed = _Page()
    parsed.feed(page)
    assert parsed.tags.count("style") == 1
    assert page.count("</style>") == 1
    assert page.index("</style>") < page.index("</head>")
    assert "display:none" not in "".join(parsed.styles)


def test_every_element_comes_from_the_template_or_matplotlib(page: str) -> None:
    parsed = _Page()
    parsed.feed(page)
    allowed = {
        "html", "head", "meta", "title", "style", "body", "header", "main", "footer", "section",
        "div", "span", "h1", "h2", "h3", "p", "a", "ol", "li", "strong", "table", "caption",
        "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "time",
        # inline SVG written by matplotlib
        "svg", "g", "path", "defs", "clippath", "use", "text", "rect",
    }  # fmt: skip
    assert set(parsed.tags) <= allowed, set(parsed.tags) - allowed


def test_chart_files_get_safe_names(page: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    del page  # the report fixture wrote the chart folder
    folders = list(tmp_path_factory.getbasetemp().glob("hostile-report*/charts"))
    names = [p.name for folder in folders for p in folder.iterdir()]
    assert names
    for name in names:
        assert all(ch.isalnum() or ch in "._-" for ch in name), name


def test_export_neutralises_formula_cells(hostile_db: str, tmp_path: Path) -> None:
    out = tmp_path / "records.csv"
    assert main(["export", "--db", hostile_db, "--format", "csv", "-o", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2
    assert {row["receiver"] for row in rows} == {"'" + ORG}
    spoof = next(row for row in rows if row["source_ip"] == "192.0.2.66")
    comment = f"@SUM(1) {HOSTILE}".replace(" ", "%20")  # the export's list cell, unambiguous
    assert spoof["reasons"] == f"local_policy|{comment}"  # the formula not at the start: kept
    assert spoof["dmarc_result"] == "fail"
