"""64 days of generated aggregate reports for two practices, one folder per day of arrival.

The script (day numbers from :data:`START`, reports of day N arrive on day N + 1):

- ``praxis-alpha.ch`` (p=none) sends through SendGrid, authenticated, every day, reported by
  Google, Outlook and Yahoo;
- days 20-29: SendGrid stops signing as the domain (the domain authentication broke), fixed
  from day 30;
- from day 40 an unknown web server sends as the domain, passing DKIM;
- ``physio-beta.ch`` (p=reject) sends through SendGrid; from day 50 Outlook rejects it
  (local policy) although it passes DMARC;
- from day 55 Yahoo stops reporting for praxis-alpha.ch (the reporter stops sending).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.analysis.scenario_data import (
    GOOGLE,
    OUTLOOK,
    YAHOO,
    Rec,
    policy,
    sendgrid_ok,
    write_report,
)

START = dt.date(2026, 9, 1)
DAYS = 64
ALPHA, BETA = "praxis-alpha.ch", "physio-beta.ch"
BROKEN = range(20, 30)
UNKNOWN_FROM = 40
REJECTING_FROM = 50
YAHOO_STOPS = 55


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def _broken(domain: str, count: int) -> Rec:
    """SendGrid without domain authentication (reference 4.3): its own DKIM and bounce domain."""
    return Rec(
        "149.72.123.45",
        count,
        domain,
        "bounces+1234567-ab12-x=example.com@sendgrid.net",
        [("sendgrid.net", "smtpapi", "pass")],
        [("sendgrid.net", "pass")],
        pe=("fail", "fail"),
    )


def _alpha(n: int, reporter: tuple[str, str]) -> list[Rec]:
    count = 30 + n % 7
    records = [_broken(ALPHA, count) if n in BROKEN else sendgrid_ok(ALPHA, count)]
    if n >= UNKNOWN_FROM:
        records.append(
            Rec("203.0.113.77", 5, ALPHA, ALPHA, [(ALPHA, "web", "pass")], [(ALPHA, "pass")])
        )
    return records


def _beta(n: int, reporter: tuple[str, str]) -> list[Rec]:
    rec = sendgrid_ok(BETA, 20 + n % 3)
    if n >= REJECTING_FROM and reporter == OUTLOOK:
        rec.disposition = "reject"
        rec.reasons = ["local_policy"]
    return [rec]


def write_day(folder: Path, n: int) -> Path:
    """The reports about day *n* (they arrive on day n + 1) in a folder of their own."""
    target = folder / f"day-{n:02d}"
    target.mkdir(parents=True, exist_ok=True)
    moment = dt.datetime.combine(day(n), dt.time(), dt.UTC)
    alpha_reporters = (GOOGLE, OUTLOOK) if n >= YAHOO_STOPS else (GOOGLE, OUTLOOK, YAHOO)
    for reporter in alpha_reporters:
        write_report(folder=target, reporter=reporter, domain=ALPHA, day=moment,
                     records=_alpha(n, reporter), pol=policy(ALPHA))  # fmt: skip
    for reporter in (GOOGLE, OUTLOOK):
        write_report(folder=target, reporter=reporter, domain=BETA, day=moment,
                     records=_beta(n, reporter), pol=policy(BETA, p="reject"))  # fmt: skip
    return target
