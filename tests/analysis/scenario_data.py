"""The scenario reports under samples/scenarios/<finding-code>/ and what must come out.

Each folder holds small RFC 7489 aggregate reports (file names
``receiver!policy-domain!begin!end.xml``) for one diagnosis scenario. :func:`expectations`
gives, per scenario and policy domain, the finding codes that must come out, the codes
allowed to be critical, and (``only``) the only severities allowed. The data follows
reference sections 4.3 and 5 (made-up practice domains, documented SendGrid, Microsoft and
Google address ranges). Output is deterministic; rewrite the files by hand with

    .venv/bin/python -m tests.analysis.scenario_data
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parents[2] / "samples" / "scenarios"
LAST_DAY = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
GOOGLE = ("google.com", "noreply-dmarc-support@google.com")
OUTLOOK = ("Outlook.com", "dmarcreport@microsoft.com")
YAHOO = ("Yahoo", "dmarchelp@yahooinc.com")


@dataclass
class Rec:
    ip: str
    count: int
    header_from: str
    envelope_from: str
    dkim: list[tuple[str, str, str]]
    spf: list[tuple[str, str]]
    pe: tuple[str, str] = ("pass", "pass")
    disposition: str = "none"
    reasons: list[str] = field(default_factory=list)


def sendgrid_ok(domain: str, count: int, ip: str = "149.72.123.45") -> Rec:
    """Authenticated SendGrid mail (reference 4.3, row OK)."""
    return Rec(
        ip,
        count,
        domain,
        f"em1234.{domain}",
        [(domain, "s1", "pass"), ("sendgrid.info", "smtpapi", "pass")],
        [(f"em1234.{domain}", "pass")],
    )


def policy(domain: str, p: str = "none", adkim: str = "r", aspf: str = "r") -> str:
    return (
        f"<policy_published><domain>{domain}</domain><adkim>{adkim}</adkim><aspf>{aspf}"
        f"</aspf><p>{p}</p><sp>{p}</sp><pct>100</pct><fo>0</fo></policy_published>"
    )


def record_xml(r: Rec) -> str:
    reasons = "".join(f"<reason><type>{t}</type></reason>" for t in r.reasons)
    dkim = "".join(
        f"<dkim><domain>{d}</domain><selector>{s}</selector><result>{res}</result></dkim>"
        for d, s, res in r.dkim
    )
    spf = "".join(
        f"<spf><domain>{d}</domain><scope>mfrom</scope><result>{res}</result></spf>"
        for d, res in r.spf
    )
    return (
        f"<record><row><source_ip>{r.ip}</source_ip><count>{r.count}</count><policy_evaluated>"
        f"<disposition>{r.disposition}</disposition><dkim>{r.pe[0]}</dkim><spf>{r.pe[1]}</spf>"
        f"{reasons}</policy_evaluated></row><identifiers><envelope_from>{escape(r.envelope_from)}"
        f"</envelope_from><header_from>{r.header_from}</header_from></identifiers>"
        f"<auth_results>{dkim}{spf}</auth_results></record>"
    )


def write_report(
    *,
    folder: Path,
    reporter: tuple[str, str],
    domain: str,
    day: dt.datetime,
    records: list[Rec],
    pol: str,
) -> None:
    begin = int(day.timestamp())
    end = begin + 86399
    org, email = reporter
    report_id = f"{org.split('.')[0].lower()}-{domain}-{begin}"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feedback><version>1.0</version>'
        f"<report_metadata><org_name>{org}</org_name><email>{email}</email>"
        f"<report_id>{report_id}</report_id><date_range><begin>{begin}</begin><end>{end}</end>"
        f"</date_range></report_metadata>{pol}"
        + "".join(record_xml(r) for r in records)
        + "</feedback>\n"
    )
    (folder / f"{org}!{domain}!{begin}!{end}.xml").write_text(body, encoding="utf-8")


def days(n: int, offset: int = 0) -> list[dt.datetime]:
    return [LAST_DAY - dt.timedelta(days=offset + i) for i in range(n)][::-1]


Scenario = dict[str, dict[str, list[str]]]


def daily(
    folder: Path, domain: str, n: int, pol: str, make, *, reporters=(GOOGLE, OUTLOOK), offset=0
) -> None:
    for i, day in enumerate(days(n, offset)):
        for reporter in reporters:
            records = make(i, reporter)
            if records:
                write_report(
                    folder=folder,
                    reporter=reporter,
                    domain=domain,
                    day=day,
                    records=records,
                    pol=pol,
                )


def clean(folder: Path) -> Scenario:
    d = "email.physio-clean.ch"
    daily(folder, d, 15, policy(d), lambda i, r: [sendgrid_ok(d, 40 + i % 5)])
    return {d: {"codes": ["sender-aligned", "policy-readiness"], "critical": [], "only": ["ok"]}}


def not_authenticated(folder: Path) -> Scenario:
    d = "email.physio-alpha.ch"
    rec = Rec(
        "149.72.10.20",
        25,
        d,
        "bounces+1234567-ab12-anna=example.org@sendgrid.net",
        [("sendgrid.net", "smtpapi", "pass")],
        [("sendgrid.net", "pass")],
        pe=("fail", "fail"),
    )
    daily(folder, d, 3, policy(d), lambda i, r: [rec])
    return {
        d: {
            "codes": ["sendgrid-domain-not-authenticated"],
            "critical": ["sendgrid-domain-not-authenticated"],
        }
    }


def other_domain(folder: Path) -> Scenario:
    d = "email.physio-beta.ch"
    vendor = Rec(
        "167.89.44.12",
        30,
        d,
        "em5678.praxissoft-mailer.ch",
        [("praxissoft-mailer.ch", "s1", "pass"), ("sendgrid.info", "smtpapi", "pass")],
        [("em5678.praxissoft-mailer.ch", "pass")],
        pe=("fail", "fail"),
    )
    daily(folder, d, 3, policy(d), lambda i, r: [vendor])
    g = "email.physio-gamma.ch"
    parent = Rec(
        "167.89.44.13",
        12,
        g,
        "em77.physio-gamma.ch",
        [("physio-gamma.ch", "s1", "pass"), ("sendgrid.info", "smtpapi", "pass")],
        [("em77.physio-gamma.ch", "pass")],
    )
    daily(folder, g, 3, policy(g), lambda i, r: [parent])
    return {
        d: {
            "codes": ["sendgrid-authenticated-other-domain"],
            "critical": ["sendgrid-authenticated-other-domain"],
        },
        g: {"codes": ["sendgrid-authenticated-other-domain"], "critical": []},
    }


def strict_spf(folder: Path) -> Scenario:
    d = "email.physio-delta.ch"
    rec = sendgrid_ok(d, 20, "159.183.224.7")
    rec.pe = ("pass", "fail")
    daily(folder, d, 3, policy(d, aspf="s"), lambda i, r: [rec])
    return {d: {"codes": ["sendgrid-strict-spf"], "critical": []}}


def m365(folder: Path) -> Scenario:
    d = "praxis-epsilon.ch"
    rec = Rec(
        "40.107.22.33",
        14,
        d,
        d,
        [("praxisepsilon.onmicrosoft.com", "selector1-praxisepsilon-ch", "pass")],
        [(d, "pass")],
        pe=("fail", "pass"),
    )
    daily(folder, d, 3, policy(d), lambda i, r: [rec])
    return {d: {"codes": ["m365-dkim-not-enabled"], "critical": []}}


def google(folder: Path) -> Scenario:
    d = "praxis-zeta.ch"
    rec = Rec(
        "209.85.220.41",
        9,
        d,
        d,
        [("praxis-zeta-ch.20230601.gappssmtp.com", "20230601", "pass")],
        [(d, "pass")],
        pe=("fail", "pass"),
    )
    daily(folder, d, 3, policy(d), lambda i, r: [rec])
    return {d: {"codes": ["google-dkim-not-enabled"], "critical": []}}


def forwarding(folder: Path) -> Scenario:
    d = "email.physio-eta.ch"
    signed = [(d, "s1", "pass"), ("sendgrid.info", "smtpapi", "pass")]
    university = Rec(
        "130.59.31.80",
        3,
        d,
        f"em1234.{d}",
        signed,
        [(f"em1234.{d}", "softfail")],
        pe=("pass", "fail"),
        reasons=["forwarded"],
    )
    gmail = Rec(
        "209.85.218.50",
        2,
        d,
        f"em1234.{d}",
        signed,
        [(f"em1234.{d}", "softfail")],
        pe=("pass", "fail"),
    )
    listserv = Rec(
        "193.5.80.12",
        1,
        d,
        "lists.example-verband.ch",
        [(d, "s1", "fail"), ("sendgrid.info", "smtpapi", "fail")],
        [("lists.example-verband.ch", "pass")],
        pe=("fail", "fail"),
        reasons=["mailing_list"],
    )
    daily(
        folder,
        d,
        3,
        policy(d),
        lambda i, r: (
            [sendgrid_ok(d, 30), university, gmail, listserv]
            if r is GOOGLE
            else [sendgrid_ok(d, 10)]
        ),
    )
    return {d: {"codes": ["forwarding", "sender-aligned"], "critical": []}}


def spoofing(folder: Path) -> Scenario:
    d = "physio-theta.ch"
    spoofs = [
        Rec(ip, n, d, d, [], [(d, "fail")], pe=("fail", "fail"))
        for ip, n in (("185.220.101.5", 7), ("45.141.84.20", 3))
    ]
    forged = Rec(
        "103.77.12.9",
        2,
        d,
        "mailer.example-bulk.biz",
        [(d, "s1", "fail")],
        [("mailer.example-bulk.biz", "pass")],
        pe=("fail", "fail"),
    )
    daily(folder, d, 3, policy(d), lambda i, r: [sendgrid_ok(d, 20), *spoofs, forged])
    return {d: {"codes": ["spoofing", "sender-aligned"], "critical": []}}


def unknown_passing(folder: Path) -> Scenario:
    d = "physio-iota.ch"
    web = Rec("203.0.113.77", 6, d, d, [(d, "default", "pass")], [(d, "pass")])
    daily(folder, d, 3, policy(d), lambda i, r: [sendgrid_ok(d, 20), web])
    return {d: {"codes": ["unknown-sender-passing"], "critical": []}}


def rejected(folder: Path) -> Scenario:
    d = "physio-kappa.ch"
    rec = Rec(
        "149.72.10.21",
        18,
        d,
        "bounces+7654321-cd34-max=gmail.com@sendgrid.net",
        [("sendgrid.net", "smtpapi", "pass")],
        [("sendgrid.net", "pass")],
        pe=("fail", "fail"),
        disposition="reject",
    )
    daily(folder, d, 3, policy(d, p="reject"), lambda i, r: [rec], reporters=(GOOGLE,))
    return {
        d: {
            "codes": ["receiver-rejected", "sendgrid-domain-not-authenticated"],
            "critical": ["receiver-rejected", "sendgrid-domain-not-authenticated"],
        }
    }


def quarantined(folder: Path) -> Scenario:
    d = "praxis-lambda.ch"
    rec = Rec(
        "40.107.23.9",
        8,
        d,
        d,
        [("praxislambda.onmicrosoft.com", "selector1-praxislambda-ch", "pass")],
        [(d, "permerror")],
        pe=("fail", "fail"),
        disposition="quarantine",
    )
    daily(folder, d, 3, policy(d, p="quarantine"), lambda i, r: [rec], reporters=(OUTLOOK,))
    return {
        d: {
            "codes": ["receiver-quarantined", "m365-dkim-not-enabled"],
            "critical": ["m365-dkim-not-enabled"],
        }
    }


def readiness(folder: Path) -> Scenario:
    d = "physio-mu.ch"
    good = Rec("84.16.66.20", 19, d, d, [(d, "20260405", "pass")], [(d, "pass")])
    bad = Rec("84.16.66.21", 1, d, d, [], [(d, "fail")], pe=("fail", "fail"))
    daily(folder, d, 15, policy(d), lambda i, r: [sendgrid_ok(d, 30), good, bad])
    return {d: {"codes": ["policy-readiness", "sender-not-aligned"], "critical": []}}


def no_reports(folder: Path) -> Scenario:
    stale, fresh = "physio-nu.ch", "physio-xi.ch"
    daily(folder, stale, 5, policy(stale), lambda i, r: [sendgrid_ok(stale, 10)], offset=25)
    daily(folder, fresh, 15, policy(fresh), lambda i, r: [sendgrid_ok(fresh, 10)])
    return {
        stale: {"codes": ["no-reports"], "critical": []},
        fresh: {"codes": ["sender-aligned"], "critical": [], "only": ["ok"]},
    }


SCENARIOS = {
    "clean": clean,
    "sendgrid-domain-not-authenticated": not_authenticated,
    "sendgrid-authenticated-other-domain": other_domain,
    "sendgrid-strict-spf": strict_spf,
    "m365-dkim-not-enabled": m365,
    "google-dkim-not-enabled": google,
    "forwarding": forwarding,
    "spoofing": spoofing,
    "unknown-sender-passing": unknown_passing,
    "receiver-rejected": rejected,
    "receiver-quarantined": quarantined,
    "policy-readiness": readiness,
    "no-reports": no_reports,
}


def write(root: Path) -> dict[str, Scenario]:
    """Write every scenario's reports under *root*; return the expectations."""
    expected = {}
    for name, make in SCENARIOS.items():
        folder = root / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        expected[name] = make(folder)
    return expected


def expectations() -> dict[str, Scenario]:
    """The expectations, computed without touching the bundled files."""
    with tempfile.TemporaryDirectory() as tmp:
        return write(Path(tmp))


def main() -> None:
    write(HERE)


if __name__ == "__main__":
    main()
