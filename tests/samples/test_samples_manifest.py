"""The bundled samples hold exactly what ``samples/manifest.json`` says.

Everything here is counted independently of dmarcwatch's parser: a small unpacker (gzip, zip,
MIME by magic bytes) and ``defusedxml.ElementTree``. The manifest is what dmarcwatch's own
parser is later tested against, so it must not be derived from that parser.
"""

from __future__ import annotations

import csv
import email
import email.policy
import io
import json
import re
import subprocess
import sys
import zipfile
import zlib
from collections import Counter
from email.message import Message
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import pytest
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from dmarcwatch.ingest.limits import DEFAULT_LIMITS

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
MANIFEST: list[dict[str, Any]] = json.loads((SAMPLES / "manifest.json").read_text("utf-8"))
REPORTS = [e for e in MANIFEST if e["kind"] == "report"]
BROKEN = [e for e in MANIFEST if e["kind"] == "broken"]
REJECT_CLASSES = {
    "limit",
    "container",
    "not-a-report",
    "failure-report",
    "tls-report",
    "malformed-xml",
    "unsafe-xml",
    "not-dmarc",
    "invalid-report",
    "empty",
}
NOT_REPORT_TYPES = ("text/plain", "text/html", "application/pdf")
RFC7489_NAME = re.compile(r"^[^!]*!([^!]+)!(\d+)!(\d+)(?:![^!]+)?\.(?:xml|xml\.gz|zip|eml)$")


class TooLarge(Exception):
    """Decompressed data passed the report size limit."""


class Rejected(Exception):
    """The input is not a usable report; ``args[0]`` is the reject class."""


# --- unpacking ------------------------------------------------------------------------------


def inflate_gzip(data: bytes) -> bytes:
    """Gunzip with a size cap; damage raises zlib.error or EOFError."""
    inflater = zlib.decompressobj(wbits=31)
    limit = DEFAULT_LIMITS.max_report_bytes
    out = inflater.decompress(data, limit + 1)
    if len(out) > limit:
        raise TooLarge
    if not inflater.eof:
        raise EOFError("gzip stream ended early")
    return out


def payloads(data: bytes) -> list[bytes]:
    """Every XML payload inside *data*."""
    if data.startswith(b"\x1f\x8b"):
        return payloads(inflate_gzip(data))
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [x for info in archive.infolist() for x in payloads(archive.read(info))]
    if re.match(rb"[\x21-\x39\x3b-\x7e]+:[ \t]", data):
        return mail_payloads(email.message_from_bytes(data, policy=email.policy.default))
    return [data]


def mail_payloads(msg: Message) -> list[bytes]:
    """Report payloads in a mail; failure and TLS reports are rejected by their class."""
    found: list[bytes] = []
    for leaf in msg.walk():
        ctype = leaf.get_content_type()
        if ctype == "message/feedback-report":
            raise Rejected("failure-report")
        if ctype.startswith("application/tlsrpt"):
            raise Rejected("tls-report")
        if leaf.is_multipart() or ctype.startswith(NOT_REPORT_TYPES):
            continue
        body = leaf.get_payload(decode=True)
        if isinstance(body, bytes) and body.lstrip()[:1] in (b"<", b"\x1f", b"P", b"\xef", b"\xff"):
            found.extend(payloads(body))
    if not found:
        raise Rejected("not-a-report")
    return found


# --- XML ------------------------------------------------------------------------------------


def xml_text(xml: bytes) -> str:
    """Decoded XML with the known damage repaired: BOM, blanks, UTF-16, xs:schema tags."""
    if xml.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = xml.decode("utf-16")
    else:
        text = xml.decode("utf-8-sig")
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text.lstrip())
    return re.sub(r"</?xs:schema\b[^>]*>", "", text)


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def child(parent: Element, name: str) -> Element | None:
    return next((e for e in parent if local(e.tag) == name), None)


def text_at(parent: Element, *path: str) -> str | None:
    node: Element | None = parent
    for name in path:
        node = child(node, name) if node is not None else None
    return None if node is None or node.text is None else node.text.strip()


def feedback(xml: bytes) -> Element:
    """The <feedback> element, or Rejected with the class a strict ingester would give."""
    try:
        root = SafeET.fromstring(xml_text(xml), forbid_dtd=True)
    except DefusedXmlException as error:
        raise Rejected("unsafe-xml") from error
    except ParseError as error:
        raise Rejected("malformed-xml") from error
    found = next((e for e in root.iter() if local(e.tag) == "feedback"), None)
    if found is None:
        raise Rejected("not-dmarc")
    return found


def missing_fields(report: Element) -> list[str]:
    """Required RFC 7489 / RFC 9990 fields that are absent or not numbers where they must be."""
    required = [
        ("report_metadata", "org_name"),
        ("report_metadata", "report_id"),
        ("report_metadata", "date_range", "begin"),
        ("report_metadata", "date_range", "end"),
        ("policy_published", "domain"),
        ("policy_published", "p"),
    ]
    problems = ["/".join(p) for p in required if not text_at(report, *p)]
    for name in ("begin", "end"):
        value = text_at(report, "report_metadata", "date_range", name) or "0"
        if not value.isdigit():
            problems.append(name)
    for record in records(report):
        if not (text_at(record, "row", "count") or "").isdigit():
            problems.append("count")
        if not text_at(record, "row", "source_ip"):
            problems.append("source_ip")
    return problems


def records(report: Element) -> list[Element]:
    return [e for e in report if local(e.tag) == "record"]


def count(data: bytes) -> tuple[int, int, int]:
    """(reports, records, messages) of one file."""
    reports = [feedback(xml) for xml in payloads(data)]
    rows = [r for report in reports for r in records(report)]
    return len(reports), len(rows), sum(int(text_at(r, "row", "count") or "") for r in rows)


def classify(data: bytes) -> str:
    """The reject class of a broken input, or 'accepted'."""
    if not data.strip():
        return "empty"
    try:
        reports = [feedback(xml) for xml in payloads(data)]
    except TooLarge:
        return "limit"
    except (EOFError, zlib.error, zipfile.BadZipFile):
        return "container"
    except Rejected as rejected:
        return str(rejected.args[0])
    if any(missing_fields(report) for report in reports):
        return "invalid-report"
    return "accepted"


# --- tests ----------------------------------------------------------------------------------


def path_id(entry: dict[str, Any]) -> str:
    return str(entry["path"])


@pytest.mark.parametrize("entry", REPORTS, ids=path_id)
def test_report_sample_holds_the_declared_reports_records_and_messages(
    entry: dict[str, Any],
) -> None:
    data = (SAMPLES / entry["path"]).read_bytes()
    assert count(data) == (entry["reports"], entry["records"], entry["messages"])


@pytest.mark.parametrize("entry", REPORTS, ids=path_id)
def test_report_sample_has_every_required_field(entry: dict[str, Any]) -> None:
    data = (SAMPLES / entry["path"]).read_bytes()
    assert classify(data) == "accepted"


@pytest.mark.parametrize("entry", BROKEN, ids=path_id)
def test_broken_sample_is_rejected_with_its_declared_class(entry: dict[str, Any]) -> None:
    assert entry["reject_class"] in REJECT_CLASSES
    assert (entry["reports"], entry["records"], entry["messages"]) == (0, 0, 0)
    assert classify((SAMPLES / entry["path"]).read_bytes()) == entry["reject_class"]


def test_oversized_sample_is_a_valid_report_once_the_limit_is_lifted() -> None:
    data = (SAMPLES / "broken/oversized-padded.xml.gz").read_bytes()
    xml = zlib.decompress(data, wbits=31)
    assert len(xml) > DEFAULT_LIMITS.max_report_bytes
    assert len(records(feedback(xml))) == 1


def test_manifest_lists_every_sample_file_exactly_once() -> None:
    listed = [e["path"] for e in MANIFEST]
    on_disk = sorted(
        str(p.relative_to(SAMPLES))
        for folder in ("reports", "broken", "demo")
        for p in (SAMPLES / folder).rglob("*")
        if p.is_file() and p.name != "MANIFEST.csv"
    )
    assert len(listed) == len(set(listed))
    assert sorted(listed) == on_disk


def readme_rows() -> dict[str, list[str]]:
    """README file-table rows keyed by path (without backticks)."""
    text = (SAMPLES / "README.md").read_text("utf-8")
    table = text.split("<!-- BEGIN FILE TABLE -->")[1].split("<!-- END FILE TABLE -->")[0]
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        rows[cells[0].strip("`").split("` (")[0]] = cells
    return rows


def test_readme_table_mirrors_the_manifest() -> None:
    rows = readme_rows()
    for entry in MANIFEST:
        if entry["path"].startswith("demo/"):
            continue
        cells = rows[entry["path"]]
        assert cells[1:7] == [
            entry["kind"],
            entry["container"],
            str(entry["reports"]),
            str(entry["records"]),
            str(entry["messages"]),
            entry["reject_class"] or "–",
        ]
    for folder in ("demo/physio-muster/", "demo/praxis-beispiel/"):
        mine = [e for e in MANIFEST if e["path"].startswith(folder)]
        totals = [str(sum(e[k] for e in mine)) for k in ("reports", "records", "messages")]
        assert rows[folder][3:6] == totals


def test_demo_csv_manifest_matches_manifest_json() -> None:
    with (SAMPLES / "demo" / "MANIFEST.csv").open(newline="", encoding="utf-8") as handle:
        from_csv = {
            "demo/" + row["path"]: (int(row["reports"]), int(row["records"]), int(row["messages"]))
            for row in csv.DictReader(handle)
        }
    from_json = {
        e["path"]: (e["reports"], e["records"], e["messages"])
        for e in MANIFEST
        if e["path"].startswith("demo/")
    }
    assert from_csv == from_json


def test_demo_set_has_35_days_for_two_practices_from_six_reporters() -> None:
    with (SAMPLES / "demo" / "MANIFEST.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["practice"] for r in rows} == {"physio-muster", "praxis-beispiel"}
    assert len({r["day"] for r in rows}) == 35
    assert min(r["day"] for r in rows) == "2026-09-01"
    assert max(r["day"] for r in rows) == "2026-10-05"
    assert len({r["receiver"] for r in rows}) == 6
    assert {r["container"] for r in rows} == {"gzip", "zip", "eml"}


@pytest.mark.parametrize(
    "entry", [e for e in REPORTS if RFC7489_NAME.match(Path(e["path"]).name)], ids=path_id
)
def test_rfc7489_file_name_agrees_with_the_report_inside(entry: dict[str, Any]) -> None:
    match = RFC7489_NAME.match(Path(entry["path"]).name)
    assert match is not None
    [report] = [feedback(xml) for xml in payloads((SAMPLES / entry["path"]).read_bytes())]
    assert text_at(report, "policy_published", "domain") == match.group(1)
    assert text_at(report, "report_metadata", "date_range", "begin") == match.group(2)
    assert text_at(report, "report_metadata", "date_range", "end") == match.group(3)


def aligned_dkim_share(practice: str, before: bool) -> float:
    """Share of messages whose DKIM result was aligned, before or after 2026-09-15."""
    tally: Counter[bool] = Counter()
    for entry in REPORTS:
        if not entry["path"].startswith(f"demo/{practice}/"):
            continue
        for report in map(feedback, payloads((SAMPLES / entry["path"]).read_bytes())):
            begin = int(text_at(report, "report_metadata", "date_range", "begin") or "")
            if (begin < 1789430400) != before:  # 2026-09-15 00:00 UTC
                continue
            for record in records(report):
                dkim = text_at(record, "row", "policy_evaluated", "dkim") == "pass"
                tally[dkim] += int(text_at(record, "row", "count") or "")
    return tally[True] / sum(tally.values())


def test_demo_tells_the_unauthenticated_sendgrid_story() -> None:
    assert aligned_dkim_share("praxis-beispiel", before=True) == 0
    assert aligned_dkim_share("praxis-beispiel", before=False) > 0.8
    assert aligned_dkim_share("physio-muster", before=True) > 0.9


def run(script: str, out: Path) -> None:
    subprocess.run(
        [sys.executable, str(SAMPLES / script), "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )


def test_generators_reproduce_the_committed_files_byte_for_byte(tmp_path: Path) -> None:
    run("generate_demo.py", tmp_path / "demo")
    run("build_samples.py", tmp_path)
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    demo = {
        str(p.relative_to(tmp_path)) for p in written if p.relative_to(tmp_path).parts[0] == "demo"
    }
    committed_demo = {
        str(p.relative_to(SAMPLES)) for p in (SAMPLES / "demo").rglob("*") if p.is_file()
    }
    assert demo == committed_demo
    assert len(written) > 500
    for path in written:
        relative = path.relative_to(tmp_path)
        assert path.read_bytes() == (SAMPLES / relative).read_bytes(), relative
