"""Each scenario under samples/scenarios gives its finding for its domain, no false critical."""

from __future__ import annotations

import datetime as dt

import pytest

from dmarcwatch.analysis.api import Query, analyse, summary
from dmarcwatch.analysis.findings import Severity
from dmarcwatch.analysis.languages import LANGUAGES
from dmarcwatch.analysis.messages import render
from dmarcwatch.analysis.read import Reader
from dmarcwatch.ingest.store import Store
from tests.analysis.scenario_data import SCENARIOS, expectations
from tests.analysis.storefill import add_files, scenario_files

EXPECTED = expectations()
MONTH = Query(span=dt.timedelta(days=30))


@pytest.fixture(scope="module")
def all_scenarios(tmp_path_factory):
    store = Store.open(str(tmp_path_factory.mktemp("all") / "store.db"))
    add_files(store, scenario_files(*SCENARIOS))
    yield store
    store.close()


def _check(findings, expected):
    by_domain = {}
    for f in findings:
        by_domain.setdefault(f.domain, []).append(f)
    for domain, want in expected.items():
        got = by_domain.get(domain, [])
        codes = {f.code for f in got}
        assert set(want["codes"]) <= codes, (domain, sorted(codes))
        critical = {f.code for f in got if f.severity is Severity.CRITICAL}
        assert critical <= set(want["critical"]), (domain, critical)
        if "only" in want:
            assert {str(f.severity) for f in got} <= set(want["only"]), (domain, got)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_alone_gives_its_findings(tmp_path, name):
    with Store.open(str(tmp_path / "store.db")) as store:
        add_files(store, scenario_files(name))
        result = analyse(Reader(store.engine), MONTH)
    _check(result.findings, EXPECTED[name])


def test_all_scenarios_in_one_store_keep_their_findings(all_scenarios):
    result = analyse(Reader(all_scenarios.engine), MONTH)
    for name in SCENARIOS:
        _check(result.findings, EXPECTED[name])


def test_clean_practice_gets_only_ok_findings(all_scenarios):
    result = analyse(Reader(all_scenarios.engine), Query(domains=("email.physio-clean.ch",)))
    assert result.findings
    assert {f.severity for f in result.findings} == {Severity.OK}


def test_findings_are_sorted_worst_first(all_scenarios):
    ranks = [f.severity.rank for f in analyse(Reader(all_scenarios.engine), MONTH).findings]
    assert ranks == sorted(ranks)


def test_every_finding_renders_in_every_language_without_leftover_placeholders(all_scenarios):
    for finding in analyse(Reader(all_scenarios.engine), MONTH).findings:
        for lang in LANGUAGES:
            text = render(finding, lang)
            assert "{" not in text.summary + text.fix, (finding.code, lang, text)


def test_receiver_filter_keeps_only_that_receivers_reports(all_scenarios):
    query = Query(domains=("praxis-lambda.ch",), receivers=("outlook.com",))
    assert any(
        f.code == "receiver-quarantined"
        for f in analyse(Reader(all_scenarios.engine), query).findings
    )
    query = Query(domains=("praxis-lambda.ch",), receivers=("google.com",))
    assert not [
        f for f in analyse(Reader(all_scenarios.engine), query).findings if f.evidence.messages
    ]


def test_ip_filter_keeps_only_that_source(all_scenarios):
    query = Query(domains=("physio-theta.ch",), ips=("185.220.101.5",))
    (spoofing,) = [
        f for f in analyse(Reader(all_scenarios.engine), query).findings if f.code == "spoofing"
    ]
    assert spoofing.evidence.sources == ("185.220.101.5",)
    assert spoofing.evidence.messages == 7 * 2 * 3  # 7 per report, two receivers, three days


def test_a_domain_asked_for_without_any_report_gets_no_reports(all_scenarios):
    result = analyse(Reader(all_scenarios.engine), Query(domains=("never-seen.ch",)))
    assert [(f.code, f.params["state"]) for f in result.findings] == [("no-reports", "never")]


def test_each_domain_period_ends_with_its_newest_report_in_whole_days(all_scenarios):
    result = analyse(Reader(all_scenarios.engine), Query(span=dt.timedelta(days=7)))
    periods = {d.domain: d.period for d in result.domains}
    fresh, stale = periods["physio-xi.ch"], periods["physio-nu.ch"]
    assert fresh.until == dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
    assert fresh.since == dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    assert stale.until == dt.datetime(2026, 11, 3, tzinfo=dt.UTC)
    stale_rows = result.rows[result.rows["domain"] == "physio-nu.ch"]
    assert stale_rows["day"].min() >= dt.datetime(2026, 10, 27)
    codes = {f.code for f in result.findings if f.domain == "physio-nu.ch"}
    assert {"no-reports", "sender-aligned"} <= codes


def test_an_explicit_period_is_the_same_for_every_domain(all_scenarios):
    since = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    until = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
    result = analyse(Reader(all_scenarios.engine), Query(since=since, until=until))
    assert {d.period for d in result.domains} == {result.period}
    assert "physio-nu.ch" not in set(result.rows["domain"])


def test_summary_gives_tables_for_one_domain(all_scenarios):
    s = summary(
        Reader(all_scenarios.engine),
        "email.physio-eta.ch",
        dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
    )
    senders = s.senders()
    assert set(senders["sender_name"]) == {"SendGrid (Twilio)", "SendGrid (Twilio) (forwarded)"}
    assert int(s.sendgrid_matrix().loc[True, True]) == 120
    identities = s.sendgrid_identities()
    assert {"email.physio-eta.ch", "sendgrid.info"} <= set(identities["domain"])
    assert s.messages == 138 and 0.9 < s.dmarc_pass_share < 1
    assert len(s.daily()) == 3
    assert set(s.failing_sources()["source_ip"]) == {"193.5.80.12"}  # the list broke DKIM


@pytest.mark.postgres
def test_postgresql_store_gives_the_same_findings_as_sqlite(fresh_pg_url, all_scenarios):
    names = ["forwarding", "sendgrid-authenticated-other-domain", "receiver-quarantined"]
    with Store.open(fresh_pg_url) as store:
        add_files(store, scenario_files(*names))
        on_pg = analyse(Reader(store.engine), MONTH)
    domains = {d for name in names for d in EXPECTED[name]}
    on_sqlite = analyse(
        Reader(all_scenarios.engine),
        Query(domains=tuple(sorted(domains)), span=dt.timedelta(days=30)),
    )

    def key(findings):
        return sorted(
            (f.domain, f.code, str(f.severity), f.evidence.messages)
            for f in findings
            if f.code != "no-reports"
        )

    assert key(on_pg.findings) == key(on_sqlite.findings)
    for name in names:
        _check(on_pg.findings, EXPECTED[name])
