"""The parser: formats, receivers' quirks, defaults, hostile XML, streaming."""

from __future__ import annotations

import codecs
import functools
import gzip
import io
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from dmarcwatch.ingest import parse
from dmarcwatch.ingest.errors import LimitExceeded, RejectClass, ReportParseError, UnsafeXML
from dmarcwatch.ingest.limits import Limits
from dmarcwatch.ingest.parse import open_report, parse_report
from tests.ingest.reportxml import Report, Row

REAL = Path(__file__).resolve().parents[3] / "shared" / "real-samples"


@pytest.fixture(autouse=True, params=["fast", "exact"])
def _both_paths(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here runs twice: on the fast path (the default) and with exact=True."""
    if request.param == "exact":
        module = sys.modules[__name__]
        monkeypatch.setattr(
            module, "parse_report", functools.partial(parse.parse_report, exact=True)
        )
        monkeypatch.setattr(module, "open_report", functools.partial(parse.open_report, exact=True))


def _chunks(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


# --- the formats -------------------------------------------------------------------------


def test_rfc7489_report_is_read_field_by_field() -> None:
    row = Row(envelope_to="gmail.com", reasons=[("local_policy", "arc=pass")])
    report = parse_report(Report(version="1.0", rows=[row]).bytes())
    assert report.schema == "rfc7489"
    assert report.metadata.org_name == "google.com"
    assert report.metadata.report_id == "17700000001"
    assert (report.metadata.begin, report.metadata.end) == (1759276800, 1759363199)
    record = report.records[0]
    assert record.source_ip == "167.89.10.20"
    assert record.count == 3
    assert (record.disposition, record.dkim, record.spf) == ("none", "pass", "pass")
    assert record.header_from == "email.physio-muster.ch"
    assert record.envelope_from == "em1234.email.physio-muster.ch"
    assert record.envelope_to == "gmail.com"
    assert [(d.domain, d.selector, d.result) for d in record.dkim_results] == [
        ("email.physio-muster.ch", "s1", "pass"),
        ("sendgrid.info", "smtpapi", "pass"),
    ]
    assert [(s.domain, s.scope, s.result) for s in record.spf_results] == [
        ("em1234.email.physio-muster.ch", "mfrom", "pass")
    ]
    assert [(r.type, r.comment) for r in record.reasons] == [("local_policy", "arc=pass")]
    assert report.warnings == ()


def test_rfc9990_report_with_namespace_and_new_elements() -> None:
    policy = (
        "<p>reject</p><np>quarantine</np><testing>n</testing>"
        "<discovery_method>treewalk</discovery_method>"
    )
    xml = Report(
        root_attrs=' xmlns="urn:ietf:params:xml:ns:dmarc-2.0"',
        version="1.0",
        policy=policy,
        metadata_extra="<generator>Example Reporter 1.2</generator>",
        rows=[
            Row(
                disposition="pass",
                reasons=[("policy_test_mode", None)],
                extra="<extension><domain>not.a.field</domain></extension>",
            )
        ],
    ).xml()
    xml = xml.replace(
        "<result>pass</result></spf>",
        "<result>pass</result><human_result>sender is authorised</human_result></spf>",
    )
    report = parse_report(xml.encode())
    assert report.schema == "rfc9990"
    assert report.metadata.generator == "Example Reporter 1.2"
    policy_published = report.policy
    assert (policy_published.p, policy_published.sp, policy_published.np) == (
        "reject",
        "reject",
        "quarantine",
    )
    assert policy_published.pct is None  # removed by RFC 9990
    assert policy_published.testing == "n"
    assert policy_published.discovery_method == "treewalk"
    record = report.records[0]
    assert record.disposition == "pass"
    assert record.reasons[0].type == "policy_test_mode"
    assert record.spf_results[0].human_result == "sender is authorised"
    assert record.header_from == "email.physio-muster.ch"


def test_prefixed_namespace_is_read_by_local_name() -> None:
    xml = Report(root_attrs=' xmlns:d="urn:ietf:params:xml:ns:dmarc-2.0"').xml()
    xml = xml.replace("<", "<d:").replace("<d:/", "</d:").replace("<d:?xml", "<?xml")
    report = parse_report(xml.encode())
    assert report.schema == "rfc9990"
    assert report.records[0].count == 3


def test_draft_report_without_version_scope_or_envelope_from() -> None:
    row = Row(envelope_from=None, spf_results=[("physio-muster.ch", None, "pass")])
    policy = "<adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct>"
    report = parse_report(Report(rows=[row], policy=policy).bytes())
    assert report.schema == "draft"
    assert report.records[0].envelope_from is None
    assert report.records[0].spf_results[0].scope == "mfrom"  # the RFC default


def test_missing_optional_policy_fields_take_rfc_defaults() -> None:
    report = parse_report(Report(policy="<p>quarantine</p>").bytes())
    policy = report.policy
    assert (policy.adkim, policy.aspf, policy.sp, policy.np, policy.pct, policy.fo) == (
        "r",
        "r",
        "quarantine",
        "quarantine",
        100,
        "0",
    )


def test_np_defaults_to_sp_when_sp_is_published() -> None:
    report = parse_report(Report(policy="<p>reject</p><sp>none</sp>").bytes())
    assert report.policy.np == "none"


# --- receivers' quirks -------------------------------------------------------------------


def test_utf8_bom_and_leading_whitespace_are_tolerated() -> None:
    data = codecs.BOM_UTF8 + b"\n\n   " + Report().bytes()
    report = parse_report(data)
    assert report.records[0].count == 3
    assert any("leading whitespace" in w for w in report.warnings)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_wide_encodings_are_read(codec: str) -> None:
    xml = Report(org="Zürich Mail AG").xml().replace("UTF-8", codec.upper())
    data = xml.encode(codec)
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    report = parse_report(data)
    assert report.metadata.org_name == "Zürich Mail AG"


def test_declared_latin1_is_transcoded() -> None:
    xml = Report(org="Réseau Suisse").xml().replace("UTF-8", "ISO-8859-1")
    report = parse_report(xml.encode("latin-1"))
    assert report.metadata.org_name == "Réseau Suisse"


def test_invalid_utf8_is_replaced_with_a_warning() -> None:
    data = Report(org="bad\xff").xml().encode("latin-1")
    report = parse_report(data)
    assert report.metadata.org_name == "bad\ufffd"
    assert "invalid UTF-8 replaced with U+FFFD" in report.warnings


def test_invalid_utf8_split_over_chunks_is_still_read() -> None:
    data = Report(org="Zürich \u00e9té").bytes()
    whole = parse_report(data)
    for size in (1, 2, 3, 7):
        assert parse_report(_chunks(data, size)) == whole


@pytest.mark.parametrize(
    "wrap",
    [
        lambda x: x.replace(
            "<report_metadata>",
            '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><report_metadata>',
        ).replace("</feedback>", "</xs:schema></feedback>"),
        # unbalanced, as some reporters send it
        lambda x: x.replace(
            "<report_metadata>",
            '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><report_metadata>',
        ),
    ],
    ids=["balanced", "unbalanced"],
)
def test_stray_schema_tags_are_ignored(wrap) -> None:  # type: ignore[no-untyped-def]
    report = parse_report(wrap(Report().xml()).encode())
    assert report.records[0].count == 3


def test_mixed_case_words_are_lowered_with_a_warning() -> None:
    row = Row(disposition="None", dkim="Pass", spf="FAIL")
    report = parse_report(Report(rows=[row], policy="<p>None</p>").bytes())
    record = report.records[0]
    assert (record.disposition, record.dkim, record.spf) == ("none", "pass", "fail")
    assert report.policy.p == "none"
    assert any("mixed-case" in w for w in report.warnings)


def test_identities_is_read_like_identifiers() -> None:
    report = parse_report(Report(rows=[Row(identifiers_tag="identities")]).bytes())
    assert report.records[0].header_from == "email.physio-muster.ch"


def test_whitespace_around_numbers_is_ignored() -> None:
    report = parse_report(Report(begin=" 1759276800\n", rows=[Row(count="\n 7 ")]).bytes())
    assert report.records[0].count == 7
    assert report.metadata.begin == 1759276800


def test_empty_reason_is_dropped_and_a_real_one_kept() -> None:
    xml = (
        Report()
        .xml()
        .replace(
            "<spf>pass</spf></policy_evaluated>",
            "<spf>pass</spf><reason><type></type><comment></comment></reason></policy_evaluated>",
        )
    )
    report = parse_report(xml.encode())
    assert report.records[0].reasons == ()


def test_stray_text_between_elements_is_ignored_with_a_warning() -> None:
    xml = Report().xml().replace("<sp>none</sp>", "<sp>none</sp>11")
    report = parse_report(xml.encode())
    assert report.policy.pct == 100
    assert any("stray text" in w for w in report.warnings)


def test_empty_auth_results_give_no_results() -> None:
    report = parse_report(Report(rows=[Row(dkim_results=[], spf_results=[])]).bytes())
    assert report.records[0].dkim_results == ()
    assert report.records[0].spf_results == ()


def test_comments_and_cdata_inside_values() -> None:
    xml = (
        Report()
        .xml()
        .replace(
            "<header_from>email.physio-muster.ch</header_from>",
            "<!-- note --><header_from><![CDATA[email.physio-muster.ch]]></header_from>",
        )
    )
    assert parse_report(xml.encode()).records[0].header_from == "email.physio-muster.ch"


def test_ipv6_is_normalised_and_ipv4_mapped_is_unwrapped() -> None:
    rows = [Row(ip="2001:DB8:0:0::1"), Row(ip="::ffff:192.0.2.7")]
    report = parse_report(Report(rows=rows).bytes())
    assert [r.source_ip for r in report.records] == ["2001:db8::1", "192.0.2.7"]
    assert any("IPv4-mapped" in w for w in report.warnings)


def test_invalid_source_ip_is_kept_with_a_warning() -> None:
    report = parse_report(Report(rows=[Row(ip="999.1.2.3")]).bytes())
    assert report.records[0].source_ip == "999.1.2.3"
    assert any("invalid source IP" in w for w in report.warnings)


def test_period_running_backwards_or_very_long_is_a_warning() -> None:
    backwards = parse_report(Report(begin="1759363199", end="1759276800").bytes())
    assert any("ends before it begins" in w for w in backwards.warnings)
    century = parse_report(Report(begin="1000000000", end="4155760000").bytes())
    assert any("spans" in w for w in century.warnings)


def test_report_without_records_is_kept_with_a_warning() -> None:
    report = parse_report(Report(rows=[]).bytes())
    assert report.records == ()
    assert any("no records" in w for w in report.warnings)


def test_data_after_the_report_is_ignored_with_a_warning() -> None:
    report = parse_report(Report().bytes() + b"\x00garbage")
    assert report.records[0].count == 3
    assert any("after the end" in w for w in report.warnings)


# --- what is refused ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("xml", "klass"),
    [
        (b"<html><body>hi</body></html>", RejectClass.NOT_DMARC),
        (b"<feedback><report_metadata>", RejectClass.MALFORMED_XML),
        (b"", RejectClass.EMPTY),
        (b"   \n", RejectClass.EMPTY),
        (b"<feedback>&undefined;</feedback>", RejectClass.MALFORMED_XML),
        (b"<feedback><record/></feedback>", RejectClass.INVALID_REPORT),
    ],
)
def test_not_a_report_is_rejected_with_its_class(xml: bytes, klass: RejectClass) -> None:
    with pytest.raises(ReportParseError) as info:
        parse_report(xml)
    assert info.value.reject_class == klass
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("count", ["-5", "abc", "1_000", "99999999999999999999999", "", "1.5"])
def test_bad_count_rejects_the_report(count: str) -> None:
    with pytest.raises(ReportParseError) as info:
        parse_report(Report(rows=[Row(), Row(count=count)]).bytes())
    assert info.value.reject_class == RejectClass.INVALID_REPORT
    assert "record 2" in str(info.value)


def test_decimal_and_iso_dates_are_read_with_a_warning() -> None:
    report = parse_report(Report(begin="1759276800.0", end="2025-10-01T23:59:59Z").bytes())
    assert (report.metadata.begin, report.metadata.end) == (1759276800, 1759363199)
    assert sum("read as" in w for w in report.warnings) == 2


def test_missing_date_range_or_domain_rejects_the_report() -> None:
    with pytest.raises(ReportParseError, match="date_range/begin"):
        parse_report(Report(begin="").bytes())
    with pytest.raises(ReportParseError, match="policy_published/domain"):
        parse_report(Report(domain="").bytes())


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<feedback><report_metadata><org_name>&lol3;</org_name></report_metadata></feedback>"""


@pytest.mark.parametrize(
    "xml",
    [
        BILLION_LAUGHS,
        b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<feedback>&x;</feedback>",
        b'<?xml version="1.0"?><!DOCTYPE feedback SYSTEM "http://example.invalid/x.dtd">'
        b"<feedback/>",
        b'<!DOCTYPE f [<!ENTITY % p SYSTEM "http://example.invalid/p">%p;]><feedback/>',
    ],
    ids=["billion-laughs", "external-entity", "external-dtd", "parameter-entity"],
)
def test_dtds_and_entities_are_refused(xml: bytes) -> None:
    with pytest.raises(UnsafeXML) as info:
        parse_report(xml)
    assert info.value.reject_class == RejectClass.UNSAFE_XML


def test_a_million_levels_of_nesting_is_refused_quickly_in_little_memory() -> None:
    deep = (
        Report()
        .xml()
        .replace("</feedback>", "<x>" * 1_000_000 + "</x>" * 1_000_000 + "</feedback>")
    )
    tracemalloc.start()
    with pytest.raises(LimitExceeded, match="nested deeper"):
        parse_report(_chunks(deep.encode(), 1 << 20))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 100 * 1024 * 1024


def test_a_huge_text_node_is_refused() -> None:
    xml = Report(org="A" * (2 * 1024 * 1024)).bytes()
    with pytest.raises(LimitExceeded, match="longer than 1024 KiB"):
        parse_report(xml)


@pytest.mark.parametrize(
    "token",
    [
        b"<" + b"a" * (8 << 20) + b"/>",
        b'<x a="' + b"a" * (8 << 20) + b'"/>',
        b"<!--" + b"a" * (8 << 20) + b"-->",
    ],
    ids=["name", "attribute", "comment"],
)
def test_a_huge_token_is_refused_quickly(token: bytes) -> None:
    data = Report().bytes().replace(b"<report_metadata>", token + b"<report_metadata>", 1)
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match="MiB without"):
        parse_report(_chunks(data, 1 << 20))
    assert time.monotonic() - started < 5


def test_the_record_limit_is_enforced() -> None:
    report = Report(rows=[Row() for _ in range(5)]).bytes()
    with pytest.raises(LimitExceeded, match="more than 4 records"):
        parse_report(report, Limits(max_records=4))


def test_auth_results_beyond_the_limit_are_dropped_with_one_warning_per_record() -> None:
    many = Row(
        dkim_results=[("d.example", f"s{i}", "pass") for i in range(20)],
        spf_results=[("d.example", "mfrom", "pass")] * 3,
    )
    report = parse_report(Report(rows=[many, many, Row()]).bytes(), Limits(max_auth_results=10))
    records = report.records
    assert [len(r.dkim_results) for r in records] == [10, 10, 2]
    assert [r.dkim_results[-1].selector for r in records[:2]] == ["s9", "s9"]
    assert [len(r.spf_results) for r in records] == [3, 3, 1]
    warnings = report.warnings
    assert any("more than 10 DKIM results" in w and "2 times" in w for w in warnings), warnings


def test_rfc_9990_caps_dkim_results_at_100_by_default() -> None:
    many = Row(dkim_results=[("d.example", None, "pass")] * 150)
    assert len(parse_report(Report(rows=[many]).bytes()).records[0].dkim_results) == 100


# --- streaming -----------------------------------------------------------------------------


def test_header_is_ready_before_records_are_read() -> None:
    rows = [Row(count=str(i + 1)) for i in range(2000)]
    data = Report(rows=rows).bytes()
    pieces = _chunks(data, 4096)
    pulled = 0

    def source():  # type: ignore[no-untyped-def]
        nonlocal pulled
        for piece in pieces:
            pulled += 1
            yield piece

    stream = open_report(source())
    assert stream.header.policy.domain == "email.physio-muster.ch"
    assert pulled < len(pieces) // 10  # most of the input is still unread
    total = sum(r.count for r in stream.records())
    assert total == sum(range(1, 2001))
    assert (stream.end.records, stream.end.messages) == (2000, total)


def test_end_is_not_available_before_the_records_are_read() -> None:
    stream = open_report([Report().bytes()])
    with pytest.raises(RuntimeError):
        _ = stream.end


def test_chunk_size_does_not_change_the_result() -> None:
    data = Report(rows=[Row(), Row(ip="2001:db8::2", count="9")]).bytes()
    whole = parse_report(data)
    for size in (1, 5, 64, 1000):
        assert parse_report(_chunks(data, size)) == whole


# --- real reports (third-party samples, not shipped) -----------------------------------------

REAL_TOTALS = {
    "nice-input.xml": (20, 3047),
    "nice-input.xml.gz": (20, 3047),
    "nice-input.xml.zip": (20, 3047),
    "example.net!example.com!1529366400!1529452799.xml": (1, 1),
    "fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz": (1, 1),
    "protection.outlook.com!example.com!1711756800!1711843200.xml": (1, 1),
    "rfc9990-sample.xml": (1, 123),
    "old_draft_from_wiki.xml": (1, 2),
}


def _xml_of(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz":
        return gzip.decompress(data)
    if path.suffix == ".zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read(archive.namelist()[0])
    return data


@pytest.mark.skipif(not REAL.is_dir(), reason="shared/real-samples is not present")
@pytest.mark.parametrize("name", sorted(REAL_TOTALS))
def test_real_reports_parse_to_their_published_totals(name: str) -> None:
    report = parse_report(_xml_of(REAL / name))
    assert (len(report.records), report.message_count) == REAL_TOTALS[name]


@pytest.mark.skipif(not REAL.is_dir(), reason="shared/real-samples is not present")
@pytest.mark.parametrize("name", ["invalid_xml.xml", "empty.xml"])
def test_broken_real_reports_are_rejected(name: str) -> None:
    with pytest.raises(ReportParseError):
        parse_report((REAL / name).read_bytes())
