#!/usr/bin/env python3
"""Generate the demo set: 35 days of DMARC aggregate reports for two physio practices.

Run ``python samples/generate_demo.py`` (stdlib only; ``--out DIR`` writes elsewhere). The same
seed, ``random.Random(2026)``, drives every choice, and gzip/zip/MIME output has fixed
timestamps and boundaries, so a rerun is byte-identical on the same zlib build.

The story, 2026-09-01 to 2026-10-05:

* **Physiotherapie Muster** sends appointment mail through SendGrid from
  ``email.physio-muster.ch`` with Domain Authentication (DKIM ``d=email.physio-muster.ch s=s1``
  plus SendGrid's ``d=sendgrid.info s=smtpapi``, envelope ``em1234.email.physio-muster.ch``),
  and staff mail through Microsoft 365 from ``physio-muster.ch`` (DKIM ``selector1``).
  Policies: ``p=quarantine`` on the subdomain, ``p=reject`` on the main domain. Healthy, apart
  from forwarded copies and three small spoofing bursts.
* **Praxis Beispiel** sends from ``email.praxis-beispiel.ch`` through SendGrid WITHOUT Domain
  Authentication until the morning of 2026-09-15 (DKIM only ``d=sendgrid.net s=smtpapi``,
  envelope ``sendgrid.net``: raw SPF and DKIM pass, DMARC fails), authenticated afterwards
  (``em4821.email.praxis-beispiel.ch``, ``s1``). ``p=none`` until 2026-09-27, ``p=quarantine``
  from 2026-09-28. Spoofing bursts on 09-08, 09-29 and 10-03.

Reporters: Google (zip), Outlook.com (gzip, ``envelope_to``), Yahoo, GMX (gzip; on Mondays as an
e-mail), Swisscom/bluewin (gzip; reporter details invented) and Mimecast (always an e-mail with
an empty Report-ID in the subject). About 6 % of recipients sit at receivers that send no
reports. Totals in ``demo/MANIFEST.csv`` come from this model, not from parsing the output.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from sample_containers import (
    attachment,
    authentication_results,
    gz,
    message,
    multipart,
    received,
    text_part,
    zipped,
)

HERE = Path(__file__).resolve().parent
SEED = 2026
FIRST_DAY = date(2026, 9, 1)
LAST_DAY = date(2026, 10, 5)
FORWARD_RATE = 0.04
MODIFIED_FORWARD_RATE = 0.2


# --- model ----------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Dkim:
    domain: str
    selector: str
    result: str


@dataclass(frozen=True, order=True)
class Auth:
    """Raw authentication results of one message as the receiver saw them."""

    dkim: tuple[Dkim, ...]
    spf_domain: str
    spf_result: str
    envelope_from: str


@dataclass(frozen=True, order=True)
class Row:
    """What a receiver aggregates on: one <record> per distinct Row."""

    source_ip: str
    header_from: str
    envelope_to: str
    auth: Auth
    forwarded: bool


@dataclass(frozen=True)
class Policy:
    domain: str
    p: str
    sp: str


@dataclass(frozen=True)
class Receiver:
    key: str
    org_name: str
    email: str
    share: float
    extra: str = ""
    version: bool = True
    ms_style: bool = False
    envelope_from: bool = True
    google_style: bool = False
    forward_reason: tuple[str, str] | None = None
    recipient_domains: tuple[str, ...] = ("",)
    forwarder_ips: tuple[str, ...] = ("209.85.220.41", "40.107.22.60")


RECEIVERS = (
    Receiver(
        "google.com",
        "google.com",
        "noreply-dmarc-support@google.com",
        0.28,
        extra="https://support.google.com/a/answer/2466580",
        version=False,
        envelope_from=False,
        google_style=True,
        forward_reason=("local_policy", "arc=pass"),
        forwarder_ips=("209.85.220.69", "209.85.218.50", "209.85.128.171"),
    ),
    Receiver(
        "protection.outlook.com",
        "Outlook.com",
        "dmarcreport@microsoft.com",
        0.17,
        ms_style=True,
        recipient_domains=("hotmail.com", "outlook.com", "live.com", "msn.com"),
        forwarder_ips=("52.100.160.17", "40.107.23.114", "52.101.66.40"),
    ),
    Receiver(
        "bluewin.ch",
        "Swisscom",
        "dmarc-reports@bluewin.ch",
        0.30,
        extra="https://www.swisscom.ch/",
        forward_reason=("forwarded", ""),
    ),
    Receiver(
        "gmx.net",
        "GMX",
        "noreply-dmarc@sicher.gmx.net",
        0.12,
        forward_reason=("forwarded", ""),
    ),
    Receiver(
        "yahoo.com", "Yahoo", "dmarchelp@yahooinc.com", 0.03, version=False, envelope_from=False
    ),
    Receiver("mimecast.org", "Mimecast", "no-reply@eu.mimecastreport.com", 0.04),
)
UNREPORTED_SHARE = 0.06


@dataclass(frozen=True)
class Flow:
    """One way the practice sends: who signs, from which IPs, how much per day."""

    name: str
    header_from: str
    ips: tuple[str, ...]
    volume: Callable[[date, random.Random], int]
    auth: Callable[[date, random.Random], Auth]


@dataclass(frozen=True)
class Practice:
    folder: str
    rua: str
    policies: Callable[[date], tuple[Policy, ...]]
    flows: tuple[Flow, ...]
    spoof_days: dict[date, int]


def weekday_volume(
    weekday: tuple[int, int], saturday: tuple[int, int], sunday: tuple[int, int]
) -> Callable[[date, random.Random], int]:
    """Messages per day: busy on weekdays, quiet at weekends."""

    def volume(day: date, rng: random.Random) -> int:
        low, high = (weekday, weekday, weekday, weekday, weekday, saturday, sunday)[day.weekday()]
        return rng.randint(low, high)

    return volume


def sendgrid_authenticated(domain: str, bounce: str) -> Auth:
    """SendGrid with Domain Authentication: s1 on the practice domain plus sendgrid.info."""
    return Auth(
        (Dkim(domain, "s1", "pass"), Dkim("sendgrid.info", "smtpapi", "pass")),
        bounce,
        "pass",
        bounce,
    )


SENDGRID_UNAUTHENTICATED = Auth(
    (Dkim("sendgrid.net", "smtpapi", "pass"),), "sendgrid.net", "pass", "sendgrid.net"
)
PM_SENDGRID = sendgrid_authenticated("email.physio-muster.ch", "em1234.email.physio-muster.ch")
PB_SENDGRID = sendgrid_authenticated("email.praxis-beispiel.ch", "em4821.email.praxis-beispiel.ch")
PM_M365 = Auth(
    (Dkim("physio-muster.ch", "selector1", "pass"),), "physio-muster.ch", "pass", "physio-muster.ch"
)
PB_FIX_DAY = date(2026, 9, 15)
PB_QUARANTINE_DAY = date(2026, 9, 28)


def praxis_beispiel_sendgrid(day: date, rng: random.Random) -> Auth:
    """Unauthenticated before the fix, authenticated after; mixed on the fix day."""
    if day < PB_FIX_DAY or (day == PB_FIX_DAY and rng.random() < 0.4):
        return SENDGRID_UNAUTHENTICATED
    return PB_SENDGRID


def praxis_beispiel_policies(day: date) -> tuple[Policy, ...]:
    p = "none" if day < PB_QUARANTINE_DAY else "quarantine"
    return (Policy("email.praxis-beispiel.ch", p, p),)


PRACTICES = (
    Practice(
        "physio-muster",
        "dmarc@physio-muster.ch",
        lambda day: (
            Policy("email.physio-muster.ch", "quarantine", "quarantine"),
            Policy("physio-muster.ch", "reject", "reject"),
        ),
        (
            Flow(
                "sendgrid",
                "email.physio-muster.ch",
                (
                    "167.89.118.45",
                    "167.89.118.46",
                    "149.72.207.12",
                    "149.72.154.89",
                    "159.183.224.105",
                    "168.245.8.41",
                ),
                weekday_volume((55, 90), (10, 20), (5, 12)),
                lambda day, rng: PM_SENDGRID,
            ),
            Flow(
                "m365",
                "physio-muster.ch",
                ("40.107.22.51", "40.107.23.90", "52.100.174.230", "52.101.66.12"),
                weekday_volume((20, 40), (0, 4), (0, 2)),
                lambda day, rng: PM_M365,
            ),
        ),
        {date(2026, 9, 9): 14, date(2026, 9, 22): 6, date(2026, 10, 2): 25},
    ),
    Practice(
        "praxis-beispiel",
        "dmarc@praxis-beispiel.ch",
        praxis_beispiel_policies,
        (
            Flow(
                "sendgrid",
                "email.praxis-beispiel.ch",
                ("167.89.101.2", "167.89.101.3", "149.72.131.7", "159.183.230.18", "168.245.20.77"),
                weekday_volume((35, 60), (4, 10), (2, 6)),
                praxis_beispiel_sendgrid,
            ),
        ),
        {date(2026, 9, 8): 40, date(2026, 9, 29): 75, date(2026, 10, 3): 30},
    ),
)

SPOOF_IPS = (
    "192.0.2.14",
    "192.0.2.88",
    "198.51.100.23",
    "198.51.100.201",
    "203.0.113.77",
    "203.0.113.140",
    "2001:db8:4f2a::25",
    "2001:db8:17::a",
)
SPOOF_DOMAINS = ("newsletter.example.com", "mx.example.net", "bulk.example.org")


# --- traffic --------------------------------------------------------------------------------


def pick_receiver(rng: random.Random) -> Receiver | None:
    """Where one message's recipient gets mail; None for receivers that send no reports."""
    choices: list[Receiver | None] = [*RECEIVERS, None]
    weights = [r.share for r in RECEIVERS] + [UNREPORTED_SHARE]
    return rng.choices(choices, weights)[0]


def forwarded_auth(auth: Auth, rng: random.Random) -> Auth:
    """What survives a forward: DKIM unless the body was changed; SPF fails on the new IP."""
    spf = (
        "softfail"
        if auth.spf_domain.startswith("em") or auth.spf_domain == "sendgrid.net"
        else "fail"
    )
    dkim = auth.dkim
    if rng.random() < MODIFIED_FORWARD_RATE:
        dkim = tuple(replace(d, result="fail") for d in dkim)
    return replace(auth, dkim=dkim, spf_result=spf)


def spoof_auth(header_from: str, rng: random.Random) -> Auth:
    """A forger: either the practice's own domain failing SPF, or its own unaligned domain."""
    if rng.random() < 0.5:
        return Auth((), header_from, "fail", header_from)
    domain = rng.choice(SPOOF_DOMAINS)
    dkim = (Dkim(domain, "default", rng.choice(("pass", "fail"))),)
    return Auth(dkim, domain, rng.choice(("pass", "softfail", "none")), domain)


def traffic(practice: Practice, day: date, rng: random.Random) -> dict[str, Counter[Row]]:
    """Messages of one day, counted per receiver key and Row."""
    seen: dict[str, Counter[Row]] = {r.key: Counter() for r in RECEIVERS}
    for flow in practice.flows:
        for _ in range(flow.volume(day, rng)):
            receiver = pick_receiver(rng)
            auth = flow.auth(day, rng)
            if receiver is None:
                continue
            to = rng.choice(receiver.recipient_domains)
            if rng.random() < FORWARD_RATE:
                row = Row(
                    rng.choice(receiver.forwarder_ips),
                    flow.header_from,
                    to,
                    forwarded_auth(auth, rng),
                    True,
                )
            else:
                row = Row(rng.choice(flow.ips), flow.header_from, to, auth, False)
            seen[receiver.key][row] += 1
    for _ in range(practice.spoof_days.get(day, 0)):
        receiver = pick_receiver(rng)
        header_from = rng.choice([f.header_from for f in practice.flows])
        if receiver is None:
            continue
        row = Row(
            rng.choice(SPOOF_IPS[:6] if rng.random() < 0.8 else SPOOF_IPS[6:]),
            header_from,
            rng.choice(receiver.recipient_domains),
            spoof_auth(header_from, rng),
            False,
        )
        seen[receiver.key][row] += 1
    return seen


# --- DMARC evaluation (relaxed alignment; all domains here have two-label org domains) -----


def org_domain(domain: str) -> str:
    return ".".join(domain.split(".")[-2:])


def aligned(domain: str, header_from: str) -> bool:
    return org_domain(domain) == org_domain(header_from)


def evaluate(row: Row, policy: Policy, receiver: Receiver) -> tuple[str, str, str, str]:
    """(disposition, dkim, spf, reason type) as the receiver reports them."""
    dkim = any(d.result == "pass" and aligned(d.domain, row.header_from) for d in row.auth.dkim)
    spf = row.auth.spf_result == "pass" and aligned(row.auth.spf_domain, row.header_from)
    words = ("pass" if dkim else "fail", "pass" if spf else "fail")
    if dkim or spf:
        return "none", *words, ""
    if row.forwarded and receiver.forward_reason and policy.p != "none":
        return "none", *words, "override"
    return policy.p, *words, ""


# --- XML ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    receiver: Receiver
    policy: Policy
    day: date
    report_id: str
    rows: tuple[tuple[Row, int], ...]

    @property
    def begin(self) -> int:
        return int(datetime(self.day.year, self.day.month, self.day.day, tzinfo=UTC).timestamp())

    @property
    def end(self) -> int:
        return self.begin + (86400 if self.receiver.ms_style else 86399)

    @property
    def stem(self) -> str:
        return f"{self.receiver.key}!{self.policy.domain}!{self.begin}!{self.end}"


def report_id(receiver: Receiver, policy: Policy, day_begin: int, rng: random.Random) -> str:
    """Report ids in each reporter's usual shape (bluewin's is invented)."""
    if receiver.key == "google.com":
        return str(rng.getrandbits(63))
    if receiver.key == "yahoo.com":
        return f"{day_begin}.{rng.randint(100000, 999999)}"
    if receiver.key == "bluewin.ch":
        return f"bluewin.ch-{policy.domain}-{day_begin}"
    if receiver.key == "mimecast.org":
        h = f"{rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    bits = 128 if receiver.ms_style else 64
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


def el(indent: int, name: str, value: str) -> str:
    return f"{'  ' * indent}<{name}>{escape(value)}</{name}>\n"


def metadata_xml(report: Report) -> str:
    r = report.receiver
    out = "  <report_metadata>\n" + el(2, "org_name", r.org_name) + el(2, "email", r.email)
    if r.extra:
        out += el(2, "extra_contact_info", r.extra)
    out += el(2, "report_id", report.report_id)
    out += "    <date_range>\n" + el(3, "begin", str(report.begin)) + el(3, "end", str(report.end))
    return out + "    </date_range>\n  </report_metadata>\n"


def policy_xml(report: Report) -> str:
    p = report.policy
    out = "  <policy_published>\n" + el(2, "domain", p.domain) + el(2, "adkim", "r")
    out += el(2, "aspf", "r") + el(2, "p", p.p) + el(2, "sp", p.sp) + el(2, "pct", "100")
    out += el(2, "np", p.sp) if report.receiver.google_style else el(2, "fo", "0")
    return out + "  </policy_published>\n"


def dkim_xml(receiver: Receiver, dkim: Dkim) -> str:
    fields = [("domain", dkim.domain), ("selector", dkim.selector), ("result", dkim.result)]
    if receiver.google_style:
        fields = [fields[0], fields[2], fields[1]]
    return "      <dkim>\n" + "".join(el(4, n, v) for n, v in fields) + "      </dkim>\n"


def record_xml(report: Report, row: Row, count: int) -> str:
    r = report.receiver
    disposition, dkim, spf, reason = evaluate(row, report.policy, r)
    out = "  <record>\n    <row>\n" + el(3, "source_ip", row.source_ip) + el(3, "count", str(count))
    out += "      <policy_evaluated>\n" + el(4, "disposition", disposition)
    out += el(4, "dkim", dkim) + el(4, "spf", spf)
    if reason and r.forward_reason:
        kind, comment = r.forward_reason
        out += "        <reason>\n" + el(5, "type", kind)
        out += (el(5, "comment", comment) if comment else "") + "        </reason>\n"
    out += "      </policy_evaluated>\n    </row>\n    <identifiers>\n"
    if r.ms_style:
        out += el(3, "envelope_to", row.envelope_to)
    if r.envelope_from:
        out += el(3, "envelope_from", row.auth.envelope_from)
    out += el(3, "header_from", row.header_from) + "    </identifiers>\n    <auth_results>\n"
    out += "".join(dkim_xml(r, d) for d in row.auth.dkim)
    out += "      <spf>\n" + el(4, "domain", row.auth.spf_domain)
    if r.envelope_from:
        out += el(4, "scope", "mfrom")
    out += el(4, "result", row.auth.spf_result) + "      </spf>\n"
    return out + "    </auth_results>\n  </record>\n"


def report_xml(report: Report) -> bytes:
    r = report.receiver
    head = '<?xml version="1.0"?>\n' if r.ms_style else '<?xml version="1.0" encoding="UTF-8" ?>\n'
    ns = (
        (
            ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
            ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        )
        if r.ms_style
        else ""
    )
    out = f"{head}<feedback{ns}>\n" + (el(1, "version", "1.0") if r.version else "")
    out += metadata_xml(report) + policy_xml(report)
    out += "".join(record_xml(report, row, n) for row, n in report.rows)
    return (out + "</feedback>\n").encode("utf-8")


# --- containers -----------------------------------------------------------------------------


def sent_at(report: Report, rng: random.Random) -> datetime:
    """When the report mail left the receiver: early the next morning (UTC)."""
    start = datetime(report.day.year, report.day.month, report.day.day, tzinfo=UTC)
    return start + timedelta(
        days=1, hours=rng.randint(0, 5), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59)
    )


def report_mail(report: Report, rua: str, rng: random.Random) -> bytes:
    """The report as the e-mail the receiver sends (gzip attachment)."""
    r = report.receiver
    when = sent_at(report, rng)
    stamp = when.strftime("%a, %d %b %Y %H:%M:%S +0000")
    local = (when + timedelta(hours=2)).strftime("%a, %d %b %Y %H:%M:%S +0200 (CEST)")
    shown_id = "" if r.key == "mimecast.org" else f"<{report.report_id}>"
    boundary = f"=_dmarc_{report.report_id[:12]}_{report.begin}"
    filename = f"{report.stem}.xml.gz"
    body = multipart(
        boundary,
        [
            text_part(f"DMARC aggregate report for {report.policy.domain} from {r.org_name}.\n"),
            attachment("application/gzip", filename, gz(report_xml(report))),
        ],
    )
    sender_host = r.email.partition("@")[2]
    pairs = [
        received(
            f"out.{sender_host}",
            "198.51.100.250" if r.key == "mimecast.org" else "203.0.113.45",
            f"Q{report.begin:x}",
            local,
            rua,
        ),
        authentication_results(sender_host, rua),
        ("From", r.email),
        ("To", rua),
        (
            "Subject",
            f"Report Domain: {report.policy.domain} Submitter: {r.key} Report-ID: " + shown_id,
        ),
        ("Date", stamp),
        ("Message-ID", f"<{report.report_id}.{report.begin}@{sender_host}>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
    ]
    return message(pairs, body)


def container(report: Report) -> str:
    if report.receiver.key == "google.com":
        return "zip"
    if report.receiver.key == "mimecast.org" or (
        report.receiver.key == "gmx.net" and report.day.weekday() == 0
    ):
        return "eml"
    return "gzip"


def packed(report: Report, rua: str, rng: random.Random) -> tuple[str, bytes]:
    """(file name, bytes) of the report in its receiver's container."""
    kind = container(report)
    if kind == "zip":
        return f"{report.stem}.zip", zipped(f"{report.stem}.xml", report_xml(report))
    if kind == "eml":
        return f"{report.stem}.eml", report_mail(report, rua, rng)
    return f"{report.stem}.xml.gz", gz(report_xml(report))


# --- main -----------------------------------------------------------------------------------


def days() -> list[date]:
    return [FIRST_DAY + timedelta(days=i) for i in range((LAST_DAY - FIRST_DAY).days + 1)]


def reports_of_day(practice: Practice, day: date, rng: random.Random) -> list[Report]:
    """One report per receiver and policy domain that saw mail from the practice that day."""
    seen = traffic(practice, day, rng)
    out = []
    for receiver in RECEIVERS:
        for policy in practice.policies(day):
            rows = sorted(
                (row, n)
                for row, n in seen[receiver.key].items()
                if org_domain(row.header_from) == org_domain(policy.domain)
                and (row.header_from == policy.domain)
            )
            if rows:
                begin = Report(receiver, policy, day, "", ()).begin
                out.append(
                    Report(
                        receiver, policy, day, report_id(receiver, policy, begin, rng), tuple(rows)
                    )
                )
    return out


MANIFEST_FIELDS = (
    "path",
    "practice",
    "receiver",
    "policy_domain",
    "day",
    "container",
    "reports",
    "records",
    "messages",
)


def generate(out: Path) -> list[dict[str, object]]:
    """Write the demo set below *out* and return the manifest rows."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    rows: list[dict[str, object]] = []
    for practice in PRACTICES:
        folder = out / practice.folder
        folder.mkdir(parents=True, exist_ok=True)
        for day in days():
            for report in reports_of_day(practice, day, rng):
                name, data = packed(report, practice.rua, rng)
                (folder / name).write_bytes(data)
                rows.append(
                    {
                        "path": f"{practice.folder}/{name}",
                        "practice": practice.folder,
                        "receiver": report.receiver.key,
                        "policy_domain": report.policy.domain,
                        "day": day.isoformat(),
                        "container": container(report),
                        "reports": 1,
                        "records": len(report.rows),
                        "messages": sum(n for _, n in report.rows),
                    }
                )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, MANIFEST_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (out / "MANIFEST.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "demo", help="target folder")
    args = parser.parse_args(argv)
    rows = generate(args.out)
    for practice in PRACTICES:
        mine = [r for r in rows if r["practice"] == practice.folder]
        print(
            f"{practice.folder}: {len(mine)} files, "
            f"{sum(int(str(r['records'])) for r in mine)} records, "
            f"{sum(int(str(r['messages'])) for r in mine)} messages"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
