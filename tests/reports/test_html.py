"""The HTML report of the demo store: self-contained, complete, stable, in the asked language."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from dmarcwatch.analysis import messages
from dmarcwatch.analysis.i18n import ANALYSIS
from dmarcwatch.analysis.read import Reader
from dmarcwatch.cli import main
from dmarcwatch.ingest import schema
from dmarcwatch.ingest.store import Store
from dmarcwatch.reports import compose
from dmarcwatch.reports.document import Report, ReportOptions, build_report
from dmarcwatch.reports.gallery import CHART_KEYS
from tests.ingest.reportxml import Report as Report_
from tests.ingest.reportxml import Row
from tests.reports.conftest import NOW

SEVERITY_ORDER = ["critical", "warning", "info", "ok"]


@pytest.fixture(scope="module")
def store(demo_db: str) -> Iterator[Store]:
    with Store.open(demo_db) as opened:
        yield opened


@pytest.fixture(scope="module")
def report(store: Store) -> Report:
    return build_report(Reader(store.engine), ReportOptions(lang="en"), now=NOW)


def _messages_in_store(store: Store, domain: str, since: dt.date, until: dt.date) -> int:
    """Messages of *domain* counted straight from the records table (not through analysis)."""
    r, rec = schema.reports, schema.records
    start = int(dt.datetime(since.year, since.month, since.day, tzinfo=dt.UTC).timestamp())
    end = int(dt.datetime(until.year, until.month, until.day, tzinfo=dt.UTC).timestamp())
    stmt = (
        sa.select(sa.func.sum(rec.c["count"]))
        .select_from(rec.join(r, r.c.id == rec.c.report_pk))
        .where(r.c.policy_domain == domain, r.c.begin_ts >= start, r.c.begin_ts < end)
    )
    with store.engine.connect() as conn:
        return int(conn.execute(stmt).scalar() or 0)


def test_page_declares_its_language_and_charset(report: Report) -> None:
    assert report.html.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert '<meta charset="utf-8">' in report.html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in report.html


def test_page_loads_nothing_and_runs_nothing(report: Report) -> None:
    html = report.html
    for pattern in (r"<script", r"<link\b", r"<img\b", r"<iframe", r"\ssrc=", r"@import",
                    r"url\((?!#)", r"href=\"(?!#)"):  # fmt: skip
        assert not re.search(pattern, html, re.I), pattern
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_headline_counts_the_messages_in_the_store(report: Report, store: Store) -> None:
    # the demo runs 2026-09-01 … 10-05: the default 30 days end with the newest report
    assert report.view.period == "6 Sept\u2009\u2013\u20095 Oct 2026"
    for domain in report.view.domains:
        seen = _messages_in_store(store, domain.domain, dt.date(2026, 9, 6), dt.date(2026, 10, 6))
        assert domain.metrics[0].value == f"{seen:,}"


def test_several_domains_get_an_overview_first(report: Report) -> None:
    names = [d.domain for d in report.view.domains]
    assert sorted(names) == ["email.physio-muster.ch", "email.praxis-beispiel.ch",
                             "physio-muster.ch"]  # fmt: skip
    assert [row.domain for row in report.view.rollup] == names
    overview = report.html.index('id="overview"')
    assert overview < report.html.index('id="domain-1"')
    for row in report.view.rollup:
        assert f'<a href="#{row.anchor}">{row.domain}</a>' in report.html
        assert row.worst is not None


def test_domains_come_most_urgent_first(report: Report) -> None:
    worst = [SEVERITY_ORDER.index(d.findings[0].severity) for d in report.view.domains]
    assert worst == sorted(worst)


def test_findings_are_listed_worst_first_with_fixes(report: Report) -> None:
    for domain in report.view.domains:
        ranks = [SEVERITY_ORDER.index(f.severity) for f in domain.findings]
        assert ranks == sorted(ranks)
        for finding in domain.findings:
            assert finding.summary
            if finding.severity in ("critical", "warning"):
                assert finding.fix and finding.fix in html.unescape(report.html)


def test_every_chart_is_in_the_page(report: Report) -> None:
    for domain in report.view.domains:
        keys = {chart.key for chart in domain.charts} | {note.key for note in domain.chart_notes}
        assert keys == set(CHART_KEYS)
        for chart in domain.charts:
            assert re.search(f'<svg [^>]*id="{chart.element_id}"', report.html)
    sendgrid_domains = {
        d.domain for d in report.view.domains if any(c.key == "sendgrid" for c in d.charts)
    }
    assert sendgrid_domains == {"email.physio-muster.ch", "email.praxis-beispiel.ch"}


def test_one_domain_has_no_overview(store: Store) -> None:
    single = build_report(
        Reader(store.engine), ReportOptions(domains=("email.praxis-beispiel.ch",)), now=NOW
    )
    assert [d.domain for d in single.view.domains] == ["email.praxis-beispiel.ch"]
    assert not single.view.rollup and 'id="overview"' not in single.html
    assert 'id="chart-1-sendgrid"' in single.html


def test_same_store_and_options_give_the_same_page(store: Store, report: Report) -> None:
    again = build_report(Reader(store.engine), ReportOptions(lang="en"), now=NOW)
    assert again.html == report.html
    later = build_report(
        Reader(store.engine), ReportOptions(lang="en"), now=NOW + dt.timedelta(hours=5)
    )
    generated = re.compile(r'<time class="generated"[^>]*>[^<]*</time>')
    assert later.html != report.html
    assert generated.sub("", later.html) == generated.sub("", report.html)


def test_explicit_days_and_the_previous_period(store: Store) -> None:
    options = ReportOptions(
        domains=("email.praxis-beispiel.ch",),
        since=dt.datetime(2026, 9, 22, tzinfo=dt.UTC),
        until=dt.datetime(2026, 10, 6, tzinfo=dt.UTC),
    )
    result = build_report(Reader(store.engine), options, now=NOW)
    domain = result.view.domains[0]
    assert result.view.period == "22 Sept\u2009\u2013\u20095 Oct 2026"
    # the two weeks before were mostly unauthenticated SendGrid mail: the share rose
    assert domain.metrics[1].detail.startswith("+")
    assert "against the previous period" in domain.metrics[1].detail


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Rapport DMARC", "Constats, les plus urgents d'abord", "Conformes à DMARC"]),
        ("de", ["DMARC-Bericht", "Befunde, die dringendsten zuerst", "Veröffentlichte Richtlinie"]),
        (
            "it",
            ["Rapporto DMARC", "Constatazioni, le più urgenti per prime", "Criterio pubblicato"],
        ),
    ],
)
def test_report_speaks_the_language(store: Store, lang: str, words: list[str]) -> None:
    page = build_report(
        Reader(store.engine), ReportOptions(domains=("physio-muster.ch",), lang=lang), now=NOW
    ).html
    assert f'<html lang="{lang}">' in page
    text = html.unescape(page)
    for word in words:
        assert word in text


def test_a_domain_without_reports_says_so(store: Store) -> None:
    page = build_report(Reader(store.engine), ReportOptions(domains=("nothing.example",)), now=NOW)
    assert [d.domain for d in page.view.domains] == ["nothing.example"]
    assert "No reports for this domain in this period." in page.html
    assert "<svg" not in page.html


def test_findings_of_an_italian_report_are_in_italian(store: Store) -> None:
    page = build_report(
        Reader(store.engine), ReportOptions(domains=("physio-muster.ch",), lang="it"), now=NOW
    ).html
    assert '<html lang="it">' in page
    assert '<p lang="en">' not in page
    assert "Nessun intervento necessario" in html.unescape(page)  # a fix of a finding


def test_finding_text_without_a_translation_is_marked_english(
    store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A report language that analysis has no finding texts for (Italian taken away here)."""
    locale = tmp_path / "locale"
    shutil.copytree(ANALYSIS.folder / "locale", locale, ignore=shutil.ignore_patterns("it"))
    without_italian = dataclasses.replace(ANALYSIS, folder=tmp_path)
    monkeypatch.setattr(messages, "ANALYSIS", without_italian)
    monkeypatch.setattr(compose, "ANALYSIS", without_italian)
    page = build_report(
        Reader(store.engine), ReportOptions(domains=("physio-muster.ch",), lang="it"), now=NOW
    ).html
    assert page.count('<p lang="en">') > 0  # the English texts say so to screen readers
    assert '<html lang="it">' in page


def test_a_domain_that_stopped_reporting_stays_in_the_overview(tmp_path: Path) -> None:
    """quiet.example reported on days 1-5 only; a report on days 11-20 still lists it."""
    day = 86400
    start = int(dt.datetime(2026, 9, 1, tzinfo=dt.UTC).timestamp())
    folder = tmp_path / "in"
    folder.mkdir()
    for domain, days in (("busy.example", range(20)), ("quiet.example", range(5))):
        for n in days:
            begin = start + n * day
            xml = Report_(report_id=f"{domain}-{n}", domain=domain, begin=str(begin),
                         end=str(begin + day - 1), rows=[Row(header_from=domain)])  # fmt: skip
            (folder / f"{domain}-{n}.xml").write_bytes(xml.bytes())
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["import", "--quiet", "--db", url, str(folder)]) == 0
    with Store.open(url) as store:
        options = ReportOptions(
            since=dt.datetime(2026, 9, 11, tzinfo=dt.UTC),
            until=dt.datetime(2026, 9, 21, tzinfo=dt.UTC),
        )
        page = build_report(Reader(store.engine), options, now=NOW)
        older = ReportOptions(
            since=dt.datetime(2026, 9, 21, tzinfo=dt.UTC),
            until=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
        )
        later = build_report(Reader(store.engine), older, now=NOW)
    quiet = next(d for d in page.view.domains if d.domain == "quiet.example")
    assert not quiet.has_data
    assert [f.code for f in quiet.findings if f.severity != "ok"] == ["no-reports"]
    assert {r.domain for r in page.view.rollup} == {"busy.example", "quiet.example"}
    assert "quiet.example" not in {d.domain for d in later.view.domains}  # silent too long
