"""The events of a day against the stored state (pure), and the state kept on each backend."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from dmarcwatch.analysis.alerting.events import Kind, State, evaluate
from dmarcwatch.analysis.findings import Actor, Evidence, Finding, Severity
from dmarcwatch.analysis.read.alertstate import AlertState
from dmarcwatch.ingest.store import Store

DAY = dt.date(2026, 10, 1)


def _finding(severity: Severity = Severity.WARNING, code: str = "receiver-rejected") -> Finding:
    evidence = Evidence(messages=3, receivers=("Outlook.com",), first_seen=DAY - dt.timedelta(2))
    return Finding(code, severity, "example.ch", "sendgrid", Actor.VENDOR, evidence,
                   {"receiver": ("Outlook.com",), "messages": 3})  # fmt: skip


def _run(days: list[list[Finding]], remind: int = 7) -> list[tuple[int, str, str]]:
    states: dict[object, State] = {}
    seen = []
    for n, findings in enumerate(days):
        result = evaluate(findings, states.values(), DAY + dt.timedelta(n), dt.timedelta(remind))
        states |= {s.key: s for s in result.states}
        seen += [(n, str(e.kind), str(e.severity)) for e in result.events]
    return seen


def test_a_problem_seen_again_the_next_day_is_the_same_finding() -> None:
    assert _run([[_finding()], [_finding()], [_finding()]]) == [(0, "opened", "warning")]


def test_severity_up_is_worsened_and_down_is_improved() -> None:
    days = [[_finding()], [_finding(Severity.CRITICAL)], [_finding()]]
    assert _run(days) == [(0, "opened", "warning"), (1, "worsened", "critical"),
                          (2, "improved", "warning")]  # fmt: skip


def test_info_and_probably_fixed_findings_resolve_an_open_one() -> None:
    fixed = replace(_finding(), severity=Severity.INFO, params={"resolved": "2026-10-01"})
    assert _run([[_finding()], [fixed], []]) == [
        (0, "opened", "warning"),
        (1, "resolved", "warning"),
    ]


def test_a_resolved_problem_that_returns_opens_again() -> None:
    assert [k for _, k, _ in _run([[_finding()], [], [_finding()]])] == [
        "opened",
        "resolved",
        "opened",
    ]


def test_reminder_after_the_interval_without_news() -> None:
    events = _run([[_finding()]] * 8, remind=3)
    assert [(n, k) for n, k, _ in events] == [(0, "opened"), (3, "reminder"), (6, "reminder")]


def test_state_round_trips_and_deliveries_are_recorded_per_target(store_url: str) -> None:
    result = evaluate([_finding(Severity.CRITICAL)], [], DAY)
    now = dt.datetime(2026, 10, 2, 6, tzinfo=dt.UTC)
    with Store.open(store_url) as store:
        state = AlertState(store.engine)
        state.record(DAY, result.states, result.events, {0: ["email:a@b.ch", "teams:x"]}, now)
        state.record(DAY, result.states, result.events, {0: ["email:a@b.ch"]}, now)  # once
        [kept] = state.states()
        assert kept == result.states[0]
        assert kept.finding == _finding(Severity.CRITICAL)
        pending = state.pending(["email:a@b.ch", "teams:x", "slack:y"])
        assert {t: [p.event.kind for p in ps] for t, ps in pending.items()} == {
            "email:a@b.ch": [Kind.OPENED], "teams:x": [Kind.OPENED], "slack:y": []}  # fmt: skip
        state.mark_sent("teams:x", [pending["teams:x"][0].id], now)
        assert state.pending(["teams:x"]) == {"teams:x": []}
        assert state.last_sent(kept.key) == {"teams:x": now}
        assert state.last_day() == DAY
