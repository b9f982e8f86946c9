"""A seeded generator of DMARC aggregate-report corpora for the benchmarks.

``python -m benchmarks corpus --preset small --out DIR --seed 1`` writes report files into
DIR/reports and ``DIR/manifest.json`` with the exact totals (reports, records, messages, XML
bytes) per file and overall. The same preset and seed give byte-identical files on the same
zlib build.

What a corpus holds (modelled on ``samples/``, nothing copied from real reports):

* practices: invented Swiss practice domains. Each sends appointment mail through SendGrid from
  ``email.<domain>`` (about 70 % with Domain Authentication: DKIM ``s1`` on the subdomain plus
  ``sendgrid.info``, envelope ``emNNNN.email.<domain>``; the rest unauthenticated: DKIM only
  ``sendgrid.net``, envelope ``sendgrid.net``, so DMARC fails) and staff mail through
  Microsoft 365 from ``<domain>`` (custom-domain DKIM ``selector1``, or, for some, only the
  ``onmicrosoft.com`` signature);
* traffic: the practice's own mail, forwarded copies (DKIM usually survives, SPF fails; some
  reporters add an override reason) and spoofers from documentation ranges (IPv4 and IPv6);
* reporters and their shapes: Google (zip, no version, no envelope_from, DKIM result before
  selector, np), Outlook.com (namespace-less 1.0 with xsd/xsi attributes, envelope_to, end =
  next midnight), Microsoft enterprise (e-mail), Swisscom, GMX (gzip, e-mail on Mondays),
  web.de (e-mail, x-gzip), Yahoo, Mimecast (e-mail, empty Report-ID), an RFC 9990 reporter
  (namespace, generator, no pct, human_result), a pre-RFC draft reporter, and four quirk
  reporters (UTF-8 BOM and blank lines before the declaration, mixed-case words,
  ``<identities>``, blanks around numbers);
* sizes: skewed as in real life, most reports a handful of records, a few up to 50,000;
* containers: each reporter's own (zip, gzip, xml, e-mail), and a share of every reporter's
  reports saved as the whole report e-mail.

Output is built from string templates (no DOM), so a 50,000-record report takes well under a
second.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import io
import json
import math
import random
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

MANIFEST = "manifest.json"
REPORTS = "reports"  # the report files, beside manifest.json (which is not a report)
FORMAT = 1
EML_SHARE = 0.10  # reports saved as the whole report mail, whatever the reporter's container
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

# --- model --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reporter:
    """One receiver's report shape."""

    key: str
    org_name: str
    email: str
    share: float
    container: str  # xml, gzip, zip or eml
    style: str = "rfc7489"  # rfc7489, rfc9990, draft
    extra: str = ""
    version: bool = True
    ms: bool = False  # namespace-less 1.0 with xsd/xsi, end = next midnight, envelope_to
    envelope_to: tuple[str, ...] = ()
    envelope_from: bool = True
    scope: bool = True
    result_first: bool = False  # DKIM <result> before <selector> (Google)
    np: bool = False
    sp_fo: bool = True
    id_style: str = "hex64"
    forward_reason: tuple[str, str] | None = None
    quirk: str = ""  # bom, case, identities, spaces
    attachment_type: str = "application/gzip"
    text_part: bool = True


REPORTERS = (
    Reporter("google.com", "google.com", "noreply-dmarc-support@google.com", 0.28, "zip",
             extra="https://support.google.com/a/answer/2466580", version=False,
             envelope_from=False, scope=False, result_first=True, np=True, id_style="numeric",
             forward_reason=("local_policy", "arc=pass")),
    Reporter("protection.outlook.com", "Outlook.com", "dmarcreport@microsoft.com", 0.17, "gzip",
             ms=True, envelope_to=("hotmail.com", "outlook.com", "live.com", "msn.com"),
             id_style="hex128"),
    Reporter("enterprise.protection.outlook.com", "Enterprise Outlook",
             "dmarcreport@microsoft.com", 0.04, "eml", ms=True,
             envelope_to=("spital-example.ch", "klinik-example.ch"), id_style="hex128"),
    Reporter("bluewin.ch", "Swisscom", "dmarc-reports@bluewin.ch", 0.14, "gzip",
             extra="https://www.swisscom.ch/", id_style="bluewin",
             forward_reason=("forwarded", "")),
    Reporter("gmx.net", "GMX", "noreply-dmarc@sicher.gmx.net", 0.08, "gzip",
             forward_reason=("forwarded", "")),
    Reporter("web.de", "WEB.DE", "noreply-dmarc@web.de", 0.03, "eml",
             forward_reason=("forwarded", ""), attachment_type="application/x-gzip",
             text_part=False),
    Reporter("yahoo.com", "Yahoo", "dmarchelp@yahooinc.com", 0.04, "gzip", version=False,
             envelope_from=False, sp_fo=False, id_style="yahoo"),
    Reporter("mimecast.org", "Mimecast", "no-reply@eu.mimecastreport.com", 0.04, "eml",
             id_style="uuid"),
    Reporter("example.net", "Example Net Mail", "dmarc-reports@example.net", 0.04, "xml",
             style="rfc9990", np=True),
    Reporter("draft.example.org", "draft.example.org", "noreply-dmarc@draft.example.org", 0.02,
             "xml", style="draft", version=False, envelope_from=False, scope=False,
             sp_fo=False, id_style="draft"),
    Reporter("quirk-bom.example", "BOM Mail", "dmarc@quirk-bom.example", 0.01, "xml",
             quirk="bom"),
    Reporter("quirk-case.example", "Case Mail", "dmarc@quirk-case.example", 0.01, "xml",
             quirk="case"),
    Reporter("quirk-identities.example", "Oldmail Provider", "dmarc@quirk-identities.example",
             0.01, "gzip", version=False, quirk="identities"),
    Reporter("quirk-spaces.example", "Spacy Mail", "dmarc@quirk-spaces.example", 0.01, "xml",
             quirk="spaces"),
)  # fmt: skip
REPORTER_BY_KEY = {r.key: r for r in REPORTERS}

SENDGRID = ((167, 89, 0, 17), (149, 72, 0, 16), (159, 183, 0, 16), (168, 245, 0, 17))
M365 = ((40, 107, 0, 16), (52, 100, 0, 14))
GOOGLE = ((209, 85, 128, 17),)
DOC_V4 = ((192, 0, 2, 24), (198, 51, 100, 24), (203, 0, 113, 24))
SPOOF_DOMAINS = ("newsletter.example.com", "mx.example.net", "bulk.example.org")

PREFIXES = ("physio", "praxis", "zahnarzt", "ergo", "osteo", "logopaedie", "kinderarzt",
            "hausarzt", "podologie", "chiro", "dermatologie", "augenarzt")  # fmt: skip
NAMES = ("muster", "beispiel", "meier", "keller", "huber", "brunner", "steiner", "baumann",
         "frei", "zimmermann", "moser", "widmer", "schmid", "gerber", "fischer", "weber",
         "schneider", "graf", "roth", "suter", "buehler", "wyss", "luethi", "marti")  # fmt: skip
PLACES = ("", "bern", "basel", "zug", "chur", "thun", "biel", "aarau", "baden", "olten", "wil",
          "uster", "sursee", "luzern", "winterthur", "schaffhausen")  # fmt: skip


@dataclass(frozen=True)
class Practice:
    domain: str
    sendgrid_authenticated: bool
    bounce: str  # emNNNN.email.<domain>
    m365_dkim: bool
    tenant: str  # <name>.onmicrosoft.com
    p_sub: str
    p_main: str

    @property
    def subdomain(self) -> str:
        return f"email.{self.domain}"


# (weight, lowest, highest) record counts; log-uniform inside a bucket.
REALISTIC_SIZES = ((0.50, 1, 5), (0.28, 6, 30), (0.15, 31, 300), (0.06, 301, 3000),
                   (0.01, 3001, 50000))  # fmt: skip
PRACTICE_SIZES = ((0.62, 1, 5), (0.28, 6, 30), (0.09, 31, 300), (0.01, 301, 3000))
DAILY_SIZES = ((0.52, 1, 5), (0.32, 6, 30), (0.16, 31, 300))
"""Issue 17's traffic: one small report per receiver, domain and day; about 25 records each."""


@dataclass(frozen=True)
class Preset:
    name: str
    reports: int
    practices: int
    days: int
    sizes: tuple[tuple[float, int, int], ...]
    fixed: tuple[tuple[str, str, int], ...] = ()  # (reporter key, container, records)
    reporters_per_day: int = 0  # > 0: reports come in groups, 1 to this many receivers
    first_day: date = date(2026, 1, 1)
    description: str = ""


PRESETS = {
    p.name: p
    for p in (
        Preset("tiny", 30, 6, 20, ((0.6, 1, 5), (0.3, 6, 30), (0.1, 31, 200)),
               description="30 reports, every reporter and container; for tests"),
        Preset("small", 2000, 120, 90, REALISTIC_SIZES,
               description="2,000 reports of 120 practices over 90 days, 1 to 50,000 records"),
        Preset("large", 5, 1, 5, (), fixed=(("google.com", "zip", 50000),
               ("protection.outlook.com", "gzip", 50000), ("mimecast.org", "eml", 50000),
               ("example.net", "xml", 50000), ("bluewin.ch", "gzip", 50000)),
               description="five 50,000-record reports (zip, gzip, eml, xml, gzip)"),
        Preset("backlog", 20000, 300, 365, PRACTICE_SIZES,
               description="20,000 reports of 300 practices over a year, 1 to 3,000 records"),
        Preset("realistic", 2000, 60, 30, DAILY_SIZES, reporters_per_day=6,
               description="2,000 reports of 1 to 300 records (about 25 on average), several "
               "receivers per domain and day"),
    )
}  # fmt: skip


# --- random choices ---------------------------------------------------------------------


def make_practices(n: int, rng: random.Random) -> list[Practice]:
    """*n* distinct invented practice domains with their sending set-up and policies."""
    seen: set[str] = set()
    out: list[Practice] = []
    while len(out) < n:
        name = rng.choice(NAMES)
        place = rng.choice(PLACES)
        domain = f"{rng.choice(PREFIXES)}-{name}{'-' + place if place else ''}.ch"
        if domain in seen:
            continue
        seen.add(domain)
        p_sub = rng.choices(("none", "quarantine", "reject"), (0.5, 0.35, 0.15))[0]
        out.append(
            Practice(
                domain=domain,
                sendgrid_authenticated=rng.random() < 0.7,
                bounce=f"em{rng.randint(1000, 9999)}.email.{domain}",
                m365_dkim=rng.random() < 0.85,
                tenant=f"{domain.split('.')[0].replace('-', '')}.onmicrosoft.com",
                p_sub=p_sub,
                p_main=rng.choices(("none", "quarantine", "reject"), (0.4, 0.3, 0.3))[0],
            )
        )
    return out


def record_count(sizes: tuple[tuple[float, int, int], ...], rng: random.Random) -> int:
    """A report size from the preset's skewed buckets."""
    _, low, high = rng.choices(sizes, [w for w, _, _ in sizes])[0]
    value = math.exp(rng.uniform(math.log(low), math.log(high + 1)))
    return max(low, min(high, int(value)))


def ipv4(ranges: tuple[tuple[int, int, int, int], ...], rng: random.Random) -> str:
    a, b, c, bits = rng.choice(ranges)
    host = rng.getrandbits(32 - bits)
    value = (a << 24 | b << 16 | c << 8) + host
    return f"{value >> 24}.{value >> 16 & 255}.{value >> 8 & 255}.{value & 255}"


def spoof_ip(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return f"2001:db8:{rng.getrandbits(16):x}::{rng.getrandbits(16):x}"
    return ipv4(DOC_V4, rng)


def message_count(rng: random.Random) -> int:
    """Messages behind one record: mostly a few, a heavy tail."""
    return min(100_000, int(rng.paretovariate(1.2)))


# --- the XML ----------------------------------------------------------------------------


def _el(indent: int, name: str, value: str) -> str:
    return f"{'  ' * indent}<{name}>{escape(value)}</{name}>\n"


def _org(domain: str) -> str:
    return ".".join(domain.split(".")[-2:])


@dataclass(frozen=True)
class Auth:
    """What a receiver saw for one kind of message."""

    dkim: tuple[tuple[str, str, str], ...]  # (domain, selector, result)
    spf_domain: str
    spf_result: str
    envelope_from: str
    forwarded: bool = False


@dataclass
class Report:
    reporter: Reporter
    practice: Practice
    domain: str
    day: date
    report_id: str
    records: int
    container: str
    seq: int
    messages: int = 0
    xml_bytes: int = 0

    @property
    def begin(self) -> int:
        return int(datetime(self.day.year, self.day.month, self.day.day, tzinfo=UTC).timestamp())

    @property
    def end(self) -> int:
        return self.begin + (86400 if self.reporter.ms else 86399)

    @property
    def p(self) -> str:
        return self.practice.p_sub if self.domain.startswith("email.") else self.practice.p_main

    @property
    def stem(self) -> str:
        stem = f"{self.reporter.key}!{self.domain}!{self.begin}!{self.end}"
        return stem + (f"!{self.report_id}" if self.reporter.style == "rfc9990" else "")


def own_mail(report: Report) -> tuple[Auth, str]:
    """The practice's own mail for this policy domain, and the pool its IPs come from."""
    pr = report.practice
    dkim: tuple[tuple[str, str, str], ...]
    if report.domain.startswith("email."):
        if pr.sendgrid_authenticated:
            dkim = ((pr.subdomain, "s1", "pass"), ("sendgrid.info", "smtpapi", "pass"))
            return Auth(dkim, pr.bounce, "pass", pr.bounce), "sendgrid"
        dkim = (("sendgrid.net", "smtpapi", "pass"),)
        return Auth(dkim, "sendgrid.net", "pass", "sendgrid.net"), "sendgrid"
    if pr.m365_dkim:
        dkim = ((pr.domain, "selector1", "pass"), (pr.tenant, "selector1", "pass"))
    else:
        dkim = ((pr.tenant, "selector1", "pass"),)
    return Auth(dkim, pr.domain, "pass", pr.domain), "m365"


def traffic_kinds(report: Report) -> list[tuple[float, Auth, str]]:
    """Every kind of traffic in a report with its weight: own mail, forwards, spoofers."""
    own, pool = own_mail(report)
    header_from = report.domain
    softfail = "softfail" if own.spf_domain != header_from else "fail"
    broken = tuple((d, s, "fail") for d, s, _ in own.dkim)
    spoof_domain = SPOOF_DOMAINS[report.seq % len(SPOOF_DOMAINS)]
    return [
        (0.78, own, pool),
        (0.09, Auth(own.dkim, own.spf_domain, softfail, own.envelope_from, True), "google"),
        (0.03, Auth(broken, own.spf_domain, softfail, own.envelope_from, True), "google"),
        (0.05, Auth((), header_from, "fail", header_from), "spoof"),
        (0.05, Auth(((spoof_domain, "default", "pass"),), spoof_domain, "none", spoof_domain),
         "spoof"),
    ]  # fmt: skip


def evaluated(report: Report, auth: Auth) -> tuple[str, str, str, str]:
    """(disposition, dkim, spf, reason xml) as the receiver reports them (relaxed alignment)."""
    org = _org(report.domain)
    dkim = any(r == "pass" and _org(d) == org for d, _, r in auth.dkim)
    spf = auth.spf_result == "pass" and _org(auth.spf_domain) == org
    words = ("pass" if dkim else "fail", "pass" if spf else "fail")
    reporter = report.reporter
    if dkim or spf:
        return ("pass" if reporter.style == "rfc9990" else "none"), *words, ""
    if auth.forwarded and reporter.forward_reason and report.p != "none":
        kind, comment = reporter.forward_reason
        reason = "        <reason>\n" + _el(5, "type", kind)
        reason += (_el(5, "comment", comment) if comment else "") + "        </reason>\n"
        return "none", *words, reason
    return report.p, *words, ""


def _word(reporter: Reporter, word: str) -> str:
    return word.capitalize() if reporter.quirk == "case" else word


def _number(reporter: Reporter, value: int | str, indent: int = 3) -> str:
    """A number as written; the blanks quirk puts blanks or line breaks around it."""
    if reporter.quirk != "spaces":
        return str(value)
    if isinstance(value, int) and value % 2 == 0:
        return f"\n{'  ' * (indent + 1)}{value}\n{'  ' * indent}"
    return f" {value} "


def shape_xml(report: Report, auth: Auth, envelope_to: str) -> str:
    """The part of a <record> after <count>: policy_evaluated, identifiers, auth_results."""
    r = report.reporter
    disposition, dkim, spf, reason = evaluated(report, auth)
    out = "      <policy_evaluated>\n" + _el(4, "disposition", _word(r, disposition))
    out += _el(4, "dkim", _word(r, dkim)) + _el(4, "spf", _word(r, spf)) + reason
    ids = "identities" if r.quirk == "identities" else "identifiers"
    out += f"      </policy_evaluated>\n    </row>\n    <{ids}>\n"
    if envelope_to:
        out += _el(3, "envelope_to", envelope_to)
    if r.envelope_from:
        out += _el(3, "envelope_from", auth.envelope_from)
    out += _el(3, "header_from", report.domain) + f"    </{ids}>\n    <auth_results>\n"
    for domain, selector, result in auth.dkim:
        fields = [("domain", domain), ("selector", selector), ("result", _word(r, result))]
        if r.result_first:
            fields = [fields[0], fields[2], fields[1]]
        out += "      <dkim>\n" + "".join(_el(4, n, v) for n, v in fields)
        if r.style == "rfc9990":
            out += '        <human_result lang="en">' + result + "</human_result>\n"
        out += "      </dkim>\n"
    out += "      <spf>\n" + _el(4, "domain", auth.spf_domain)
    if r.scope:
        out += _el(4, "scope", "mfrom")
    out += _el(4, "result", _word(r, auth.spf_result)) + "      </spf>\n"
    return out + "    </auth_results>\n  </record>\n"


def head_xml(report: Report) -> str:
    """Everything before the first record."""
    r = report.reporter
    if r.ms:
        out = '<?xml version="1.0"?>\n<feedback xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
        out += ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    else:
        out = '<?xml version="1.0" encoding="UTF-8"?>\n<feedback'
        if r.style == "rfc9990":
            out += ' xmlns="urn:ietf:params:xml:ns:dmarc-2.0"'
        elif r.style == "draft":
            out += ' xmlns="http://dmarc.org/dmarc-xml/0.1"'
        out += ">\n"
    if r.version:
        out += f"  <version>{_number(r, '1.0', 1)}</version>\n"
    out += "  <report_metadata>\n" + _el(2, "org_name", r.org_name) + _el(2, "email", r.email)
    if r.extra:
        out += _el(2, "extra_contact_info", r.extra)
    out += _el(2, "report_id", report.report_id)
    if r.style == "rfc9990":
        out += _el(2, "generator", "ExampleNet Aggregate Reporter 3.4.1")
    out += "    <date_range>\n"
    out += f"      <begin>{_number(r, report.begin)}</begin>\n"
    out += f"      <end>{_number(r, report.end)}</end>\n"
    out += "    </date_range>\n  </report_metadata>\n"
    return out + policy_xml(report)


def policy_xml(report: Report) -> str:
    r, p = report.reporter, report.p
    out = "  <policy_published>\n" + _el(2, "domain", report.domain)
    if r.style == "rfc9990":
        out += _el(2, "p", p) + _el(2, "sp", p) + _el(2, "np", p) + _el(2, "adkim", "r")
        out += _el(2, "aspf", "r") + _el(2, "fo", "1") + _el(2, "discovery_method", "treewalk")
        return out + _el(2, "testing", "n") + "  </policy_published>\n"
    out += _el(2, "adkim", "r") + _el(2, "aspf", "r") + _el(2, "p", p)
    if r.sp_fo:
        out += _el(2, "sp", p)
    out += f"    <pct>{_number(r, 100, 2)}</pct>\n"
    if r.np:
        out += _el(2, "np", p)
    elif r.sp_fo and r.style != "draft":
        out += _el(2, "fo", "0")
    return out + "  </policy_published>\n"


def report_xml(report: Report, rng: random.Random) -> bytes:
    """The whole report; sets ``report.messages`` and ``report.xml_bytes``."""
    r = report.reporter
    kinds = traffic_kinds(report)
    weights = [w for w, _, _ in kinds] if report.records > 1 else [1.0] + [0.0] * (len(kinds) - 1)
    tos = r.envelope_to or ("",)
    shapes = {(i, to): shape_xml(report, auth, to) for i, (_, auth, _) in enumerate(kinds)
              for to in tos}  # fmt: skip
    picks = rng.choices(range(len(kinds)), weights, k=report.records)
    parts = [head_xml(report)]
    messages = 0
    for kind in picks:
        pool = kinds[kind][2]
        if pool == "spoof":
            ip, count = spoof_ip(rng), rng.randint(1, 3)
        else:
            ip = ipv4(SENDGRID if pool == "sendgrid" else M365 if pool == "m365" else GOOGLE, rng)
            count = message_count(rng)
        messages += count
        to = rng.choice(tos)
        parts.append(
            f"  <record>\n    <row>\n      <source_ip>{ip}</source_ip>\n"
            f"      <count>{_number(r, count)}</count>\n{shapes[kind, to]}"
        )
    parts.append("</feedback>\n")
    data = "".join(parts).encode("utf-8")
    if r.quirk == "bom":
        data = b"\xef\xbb\xbf\n\n" + data
    report.messages = messages
    report.xml_bytes = len(data)
    return data


def report_id(reporter: Reporter, domain: str, begin: int, rng: random.Random) -> str:
    style = reporter.id_style
    if style == "numeric":
        return str(rng.getrandbits(63))
    if style == "yahoo":
        return f"{begin}.{rng.randint(100000, 999999)}"
    if style == "bluewin":
        return f"bluewin.ch-{domain}-{begin}"
    if style == "draft":
        return f"{datetime.fromtimestamp(begin, UTC):%Y%m%d}-draft-{rng.randint(0, 9999):04d}"
    if style == "uuid":
        h = f"{rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    bits = 128 if style == "hex128" else 64
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


# --- containers -------------------------------------------------------------------------


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def zipped(member: str, data: bytes) -> bytes:
    info = zipfile.ZipInfo(member, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def report_mail(report: Report, xml: bytes, rua: str) -> bytes:
    """The report mail the reporter sends: a zip or gzip attachment, fixed boundary and date."""
    r = report.reporter
    sent = datetime.fromtimestamp(report.end, UTC) + timedelta(hours=2, seconds=report.seq % 3600)
    if r.container == "zip":
        name, kind, payload = (
            f"{report.stem}.zip",
            "application/zip",
            zipped(f"{report.stem}.xml", xml),
        )
    else:
        name, kind, payload = f"{report.stem}.xml.gz", r.attachment_type, gz(xml)
    boundary = f"=_bench_{report.seq:08d}_{report.begin}"
    shown_id = "" if r.key == "mimecast.org" else f"<{report.report_id}>"
    host = r.email.partition("@")[2]
    head = (
        f"Received: from out.{host} (out.{host} [203.0.113.45])\n\tby mx1.{rua.partition('@')[2]}"
        f" (Postfix) with ESMTPS id Q{report.seq:x}\n\tfor <{rua}>; "
        f"{sent:%a, %d %b %Y %H:%M:%S +0000}\n"
        f"From: {r.email}\nTo: {rua}\n"
        f"Subject: Report Domain: {report.domain} Submitter: {r.key} Report-ID: {shown_id}\n"
        f"Date: {sent:%a, %d %b %Y %H:%M:%S +0000}\n"
        f"Message-ID: <{report.seq}.{report.begin}@{host}>\nMIME-Version: 1.0\n"
        f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n'
    )
    body = ""
    if r.text_part:
        body += (
            f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n"
            f"DMARC aggregate report for {report.domain} from {r.org_name}.\n"
        )
    body += (
        f'--{boundary}\nContent-Type: {kind};\n\tname="{name}"\n'
        f'Content-Disposition: attachment;\n\tfilename="{name}"\n'
        "Content-Transfer-Encoding: base64\n\n"
    )
    encoded = base64.encodebytes(payload).decode("ascii")
    return (head + body).encode("ascii") + encoded.encode("ascii") + f"--{boundary}--\n".encode()


def packed(report: Report, xml: bytes) -> tuple[str, bytes]:
    """(file name, bytes) of a report in its container."""
    if report.container == "eml":
        return f"{report.stem}.eml", report_mail(report, xml, f"dmarc@{report.practice.domain}")
    if report.container == "zip":
        return f"{report.stem}.zip", zipped(f"{report.stem}.xml", xml)
    if report.container == "gzip":
        return f"{report.stem}.xml.gz", gz(xml)
    return f"{report.stem}.xml", xml


def container_of(reporter: Reporter, day: date, rng: random.Random) -> str:
    if reporter.container in ("zip", "gzip") and (
        rng.random() < EML_SHARE or (reporter.key == "gmx.net" and day.weekday() == 0)
    ):
        return "eml"
    return reporter.container


# --- planning ---------------------------------------------------------------------------


@dataclass
class Planner:
    """Chooses reports so that no natural key (reporter, domain, day) repeats."""

    preset: Preset
    rng: random.Random
    practices: list[Practice]
    taken: set[tuple[str, str, date]] = field(default_factory=set)

    def weights(self) -> list[float]:
        return [1.0 / (rank + 1) ** 0.7 for rank in range(len(self.practices))]

    def reports(self) -> Iterator[Report]:
        if self.preset.reporters_per_day:
            yield from self.daily_reports()
            return
        weights = self.weights()
        for seq in range(self.preset.reports):
            if self.preset.fixed:
                key, container, size = self.preset.fixed[seq]
                reporter = REPORTER_BY_KEY[key]
            else:
                reporter = REPORTERS[seq] if seq < len(REPORTERS) else self.pick_reporter()
                container, size = "", record_count(self.preset.sizes, self.rng)
            practice = self.rng.choices(self.practices, weights)[0]
            domain = practice.subdomain if self.rng.random() < 0.65 else practice.domain
            day = self.free_day(reporter, domain)
            container = container or container_of(reporter, day, self.rng)
            begin = Report(reporter, practice, domain, day, "", 0, "", seq).begin
            rid = report_id(reporter, domain, begin, self.rng)
            yield Report(reporter, practice, domain, day, rid, size, container, seq)

    def daily_reports(self) -> Iterator[Report]:
        """Reports in groups: one domain and day, then 1 to ``reporters_per_day`` receivers.

        The first group holds every reporter, so each shape and container is present.
        """
        weights = self.weights()
        seq = 0
        while seq < self.preset.reports:
            practice = self.rng.choices(self.practices, weights)[0]
            domain = practice.subdomain if self.rng.random() < 0.65 else practice.domain
            day = self.preset.first_day + timedelta(days=self.rng.randrange(self.preset.days))
            wanted = (
                len(REPORTERS) if seq == 0 else self.rng.randint(1, self.preset.reporters_per_day)
            )
            for reporter in self.receivers(domain, day, min(wanted, self.preset.reports - seq)):
                self.taken.add((reporter.key, domain, day))
                size = record_count(self.preset.sizes, self.rng)
                container = container_of(reporter, day, self.rng)
                begin = Report(reporter, practice, domain, day, "", 0, "", seq).begin
                rid = report_id(reporter, domain, begin, self.rng)
                yield Report(reporter, practice, domain, day, rid, size, container, seq)
                seq += 1

    def receivers(self, domain: str, day: date, count: int) -> list[Reporter]:
        """Up to *count* distinct reporters with no report for *domain* on *day* yet."""
        free = [r for r in REPORTERS if (r.key, domain, day) not in self.taken]
        if count >= len(free):
            return free
        chosen: list[Reporter] = []
        while len(chosen) < count:
            reporter = self.rng.choices(free, [r.share for r in free])[0]
            free.remove(reporter)
            chosen.append(reporter)
        return chosen

    def pick_reporter(self) -> Reporter:
        return self.rng.choices(REPORTERS, [r.share for r in REPORTERS])[0]

    def free_day(self, reporter: Reporter, domain: str) -> date:
        """A random day on which this reporter has no report for this domain yet."""
        first = self.rng.randrange(self.preset.days)
        for offset in range(self.preset.days):
            day = self.preset.first_day + timedelta(days=(first + offset) % self.preset.days)
            if (reporter.key, domain, day) not in self.taken:
                self.taken.add((reporter.key, domain, day))
                return day
        raise ValueError(f"preset {self.preset.name}: too many reports for its days")


# --- main -------------------------------------------------------------------------------


def generate(preset: Preset, out: Path, seed: int) -> dict[str, Any]:
    """Write the corpus into *out*/reports and return the manifest (also *out*/manifest.json)."""
    rng = random.Random(seed)
    (out / REPORTS).mkdir(parents=True, exist_ok=True)
    practices = make_practices(preset.practices, rng)
    files = []
    for report in Planner(preset, rng, practices).reports():
        xml = report_xml(report, rng)
        name, data = packed(report, xml)
        (out / REPORTS / name).write_bytes(data)
        files.append(
            {
                "path": f"{REPORTS}/{name}",
                "container": report.container,
                "reporter": report.reporter.key,
                "policy_domain": report.domain,
                "reports": 1,
                "records": report.records,
                "messages": report.messages,
                "xml_bytes": report.xml_bytes,
                "bytes": len(data),
            }
        )
    manifest = {
        "format": FORMAT,
        "preset": preset.name,
        "seed": seed,
        "totals": totals(files),
        "containers": _shares(files, "container"),
        "reporters": _shares(files, "reporter"),
        "files": files,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def totals(files: list[dict[str, Any]]) -> dict[str, int]:
    keys = ("reports", "records", "messages", "xml_bytes", "bytes")
    return {"files": len(files), **{k: sum(int(f[k]) for f in files) for k in keys}}


def _shares(files: list[dict[str, Any]], key: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in files:
        counts[f[key]] = counts.get(f[key], 0) + 1
    return dict(sorted(counts.items()))


def load_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a generated corpus."""
    data: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return data


def size_histogram(files: list[dict[str, Any]]) -> str:
    """Reports per size bucket, in one line."""
    bounds = (1, 5, 30, 300, 3000, 50000)
    counts = [0] * len(bounds)
    for f in files:
        counts[next(i for i, b in enumerate(bounds) if f["records"] <= b)] += 1
    labels = ["1"] + [f"{lo + 1}-{hi}" for lo, hi in zip(bounds, bounds[1:], strict=False)]
    return ", ".join(f"{label}: {n}" for label, n in zip(labels, counts, strict=True) if n)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks corpus", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--preset", choices=sorted(PRESETS), default="small")
    parser.add_argument("--out", type=Path, required=True, help="target folder (created)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    started = time.perf_counter()
    manifest = generate(PRESETS[args.preset], args.out, args.seed)
    t = manifest["totals"]
    print(
        f"corpus {args.preset} seed {args.seed}: {t['reports']} reports, {t['records']} records, "
        f"{t['messages']} messages, {t['xml_bytes'] / 1e6:.1f} MB XML in "
        f"{t['bytes'] / 1e6:.1f} MB of files; generated in {time.perf_counter() - started:.1f} s"
    )
    print(f"  containers {manifest['containers']}")
    print(f"  sizes {size_histogram(manifest['files'])}")
    return 0
