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
) -> None:
    """One report a day from *reporter* for *domain*, day numbers counted from FIRST_DAY."""
    folder.mkdir(parents=True, exist_ok=True)
    org, email = reporter
    for n in days:
        begin = int(FIRST_DAY.timestamp()) + n * DAY
        row = Row(
            header_from=domain,
            envelope_from=domain,
            dkim=dkim,
            dkim_results=[(domain, "s1", dkim)],
            spf_results=[(domain, "mfrom", "pass")],
        )
        report = Report(
            org=org,
            email=email,
            report_id=f"{org}-{domain}-{n}",
            begin=str(begin),
            end=str(begin + DAY - 1),
            domain=domain,
            rows=[row],
        )
        (folder / f"{org}!{domain}!{begin}.xml").write_bytes(report.bytes())


def day(n: int) -> str:
    """The date of day *n*, as --until takes it."""
    return (FIRST_DAY + dt.timedelta(days=n)).date().isoformat()
