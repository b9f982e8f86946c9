"""Daily aggregate reports written to a folder, for the freshness and monitoring tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.ingest.reportxml import Report, Row

GOOGLE = ("google.com", "noreply-dmarc-support@google.com")
OUTLOOK = ("Outlook.com", "dmarcreport@microsoft.com")
FIRST_DAY = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
DAY = 86400


def write_daily(
    folder: Path,
    domain: str,
    days: range,
    reporter: tuple[str, str] = GOOGLE,
    *,
    dkim: str = "pass",
    first_day: dt.datetime = FIRST_DAY,
) -> None:
    """One report a day from *reporter* for *domain*, day numbers counted from *first_day*."""
    folder.mkdir(parents=True, exist_ok=True)
    org, email = reporter
    for n in days:
        begin = int(first_day.timestamp()) + n * DAY
        row = Row(
            ip="167.89.10.20" if dkim == "pass" else "203.0.113.9",
            header_from=domain,
            envelope_from=domain,
            spf="pass" if dkim == "pass" else "fail",
            dkim=dkim,
            dkim_results=[(domain, "s1", dkim)],
            spf_results=[(domain, "mfrom", "pass" if dkim == "pass" else "fail")],
        )
        report = Report(
            org=org,
            email=email,
            report_id=f"{org}-{domain}-{n}-{dkim}",
            begin=str(begin),
            end=str(begin + DAY - 1),
            domain=domain,
            rows=[row],
        )
        (folder / f"{org}!{domain}!{begin}!{dkim}.xml").write_bytes(report.bytes())


def day(n: int) -> str:
    """The date of day *n*, as --until takes it."""
    return (FIRST_DAY + dt.timedelta(days=n)).date().isoformat()
