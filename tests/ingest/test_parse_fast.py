"""The fast path reads every report exactly as the exact parser does: records, header, warnings.

``parse_report(..., exact=True)`` reads every record with expat callbacks; the default reads
plain records with regular expressions. Both are run over the same chunks and must agree on
everything: the header (with its warnings), each record, the end (with its warnings), or the
very same error, down to the line and column of a well-formedness error. The fast path is
checked both with expat parsing the plain records' bytes and with it parsing a stand-in
(``ingest.parse.EXPAT_READS_PLAIN_RECORDS``).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dmarcwatch.ingest import parse
from dmarcwatch.ingest.errors import RejectedInput
from dmarcwatch.ingest.limits import Limits
from dmarcwatch.ingest.model import Record, ReportEnd, ReportHeader
from dmarcwatch.ingest.parse import open_report
from dmarcwatch.ingest.unpack import unpack
from tests.ingest.reportxml import Report, Row

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
REAL = ROOT.parent / "shared" / "real-samples"
_NOT_REPORTS = {".py", ".md", ".json", ".csv"}

Outcome = tuple[ReportHeader, list[Record], ReportEnd] | tuple[str, str, str]


def outcome(chunks: Iterable[bytes], *, exact: bool, limits: Limits | None = None) -> Outcome:
    """What one parse gives: (header, records, end), or the error it raised."""
    try:
        stream = open_report(chunks, limits or Limits(), exact=exact)
        records = list(stream.records())
        return stream.header, records, stream.end
    except RejectedInput as exc:
        return type(exc).__name__, str(exc), str(exc.reject_class)


def assert_same(chunks: list[bytes], limits: Limits | None = None) -> Outcome:
    """Both ways of the fast path give what the exact parser gives; return that."""
    exact = outcome(chunks, exact=True, limits=limits)
    saved = parse.EXPAT_READS_PLAIN_RECORDS
    try:
        for expat_reads in (True, False):
            parse.EXPAT_READS_PLAIN_RECORDS = expat_reads
            assert outcome(chunks, exact=False, limits=limits) == exact, f"{expat_reads=}"
    finally:
        parse.EXPAT_READS_PLAIN_RECORDS = saved
    return exact


def _split(data: bytes, cuts: Iterable[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in zip(points, points[1:], strict=False)]


# --- every sample and real report ------------------------------------------------------------


def _sample_files() -> list[Path]:
    return sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix not in _NOT_REPORTS)


def _payload_chunks(data: bytes) -> list[list[bytes]]:
    try:
        return [list(payload.chunks()) for payload in unpack(data)]
    except RejectedInput:
        return []


def test_every_bundled_sample_reads_the_same_both_ways() -> None:
    files = _sample_files()
    assert len(files) > 100
    compared = 0
    for path in files:
        for chunks in _payload_chunks(path.read_bytes()):
            assert_same(chunks)
            whole = b"".join(chunks)
            assert_same(_split(whole, range(0, len(whole), 997)))
            compared += 1
    assert compared > 100


@pytest.mark.skipif(not REAL.is_dir(), reason="shared/real-samples is not present")
def test_every_real_report_reads_the_same_both_ways() -> None:
    for path in sorted(REAL.iterdir()):
        for chunks in _payload_chunks(path.read_bytes()):
            assert_same(chunks)
            whole = b"".join(chunks)
            assert_same(_split(whole, range(0, len(whole), 313)))


# --- hand-made cases around what makes a record plain or not -----------------------------------

_RECORD = Row().xml()
_CASES = {
    "comment hiding a record": _RECORD.replace("<record>", "<!-- <record> -->\n<record>", 1),
    "record inside a comment": "<!--" + _RECORD + "-->" + _RECORD,
    "record inside CDATA": "<x><![CDATA[" + _RECORD + "]]></x>" + _RECORD,
    "record inside an extension": "<extension>" + _RECORD + "</extension>" + _RECORD,
    "record inside a processing instruction": "<?pi " + _RECORD + "?>" + _RECORD,
    "attribute on record": _RECORD.replace("<record>", '<record id="1">'),
    "attribute on human_result": _RECORD.replace(
        "<result>pass</result></spf>",
        "<result>pass</result><human_result lang='en'>ok</human_result></spf>",
    ),
    "two attributes on human_result": _RECORD.replace(
        "<result>pass</result></spf>",
        '<result>pass</result><human_result a="1" a="2">ok</human_result></spf>',
    ),
    "'>' in an attribute": _RECORD.replace(
        "<result>pass</result></spf>",
        '<result>pass</result><human_result a="x>y">ok</human_result></spf>',
    ),
    "attribute on a leaf": _RECORD.replace("<count>", '<count n="1">'),
    "record tag in an attribute": _RECORD.replace("<row>", '<row a="x><record>">'),
    "entity in a value": _RECORD.replace("s1</selector>", "s&amp;1</selector>"),
    "CDATA in a value": _RECORD.replace("<count>3", "<count><![CDATA[3]]>"),
    "empty element": _RECORD.replace("<selector>s1</selector>", "<selector/>"),
    "unknown element in row": _RECORD.replace("<row>", "<row><x>1</x>"),
    "leaf in the wrong section": _RECORD.replace("<row>", "<row><header_from>x.ch</header_from>"),
    "count after policy_evaluated": _RECORD.replace("</row>", "<count>9</count></row>"),
    "ip after policy_evaluated": _RECORD.replace("</row>", "<source_ip>::1</source_ip></row>"),
    "repeated leaves": _RECORD.replace("<count>3</count>", "<count>3</count><count>4</count>"),
    "stray text in a record": _RECORD.replace("</row>", "</row>stray"),
    "CR inside a value": _RECORD.replace("<count>3", "<count>\r\n3\r\n"),
    "closing bracket in a value": _RECORD.replace("s1</selector>", "s]1</selector>"),
    "U+FFFE in a value": _RECORD.replace("s1</selector>", "s\ufffe1</selector>"),
    "control character in a value": _RECORD.replace("s1</selector>", "s\x011</selector>"),
    "bad count": _RECORD.replace("<count>3", "<count>-3"),
    "no count": _RECORD.replace("<count>3</count>", ""),
    "no identifiers": _RECORD.replace("<identifiers>", "<x>").replace("</identifiers>", "</x>"),
    "identities": _RECORD.replace("identifiers>", "identities>"),
    "no auth_results": _RECORD.replace("<auth_results>", "<x>").replace("</auth_results>", "</x>"),
    "no policy_evaluated": _RECORD.replace("policy_evaluated>", "policy_x>"),
    "mismatched tags": _RECORD.replace("</count>", "</counts>"),
    "prefixed record": _RECORD.replace("<", "<d:").replace("<d:/", "</d:"),
    "unclosed record at the end": _RECORD + "<record><row>",
    "extension in identifiers": _RECORD.replace(
        "</identifiers>", "<extension><envelope_to>x.ch</envelope_to></extension></identifiers>"
    ),
    "unknown element in dkim": _RECORD.replace("</dkim>", "<x><domain>evil</domain></x></dkim>"),
    "record in a record": _RECORD.replace("</row>", "</row>" + _RECORD),
}


@pytest.mark.parametrize("body", list(_CASES.values()), ids=list(_CASES))
@pytest.mark.parametrize("copies", [1, 3])
def test_tricky_records_read_the_same_both_ways(body: str, copies: int) -> None:
    xml = Report(rows=[], root_attrs=' xmlns:d="urn:x"').xml()
    xml = xml.replace("</feedback>", (_RECORD + body) * copies + _RECORD + "</feedback>")
    data = xml.encode()
    assert_same([data])
    assert_same(_split(data, range(0, len(data), 101)))


@pytest.mark.parametrize("newline", ["", "\n", "\r\n", "\r"])
def test_errors_after_plain_records_are_placed_at_the_same_line_and_column(newline: str) -> None:
    rows = [Row(header_from="zürich-physio.ch", count=str(i)) for i in range(1, 30)]
    xml = Report(rows=rows).xml().replace("\n", "")
    xml = xml.replace("><", ">" + newline + "<").replace("</feedback>", "</x></feedback>")
    got = assert_same([xml.encode()])
    assert got[0] == "ReportParseError"
    assert "mismatched tag" in got[1]
    assert ("at line 1," in got[1]) == (newline == "")


def test_plain_records_read_fast_still_warn_about_text_after_them() -> None:
    xml = (
        Report(rows=[Row(), Row(), Row()])
        .xml()
        .replace("</record>\n<record>", "</record>x<record>", 1)
    )
    got = assert_same([xml.encode()])
    header, _, end = got
    assert isinstance(header, ReportHeader) and isinstance(end, ReportEnd)
    assert any("stray text" in w for w in header.warnings + end.warnings)


def test_limits_are_hit_at_the_same_record_both_ways() -> None:
    rows = [Row(count=str(i)) for i in range(1, 9)]
    data = Report(rows=rows).bytes()
    got = assert_same([data], Limits(max_records=5))
    assert got[0] == "LimitExceeded"
    many = Row(dkim_results=[("d.example", "s", "Pass")] * 12)
    data = Report(rows=[Row(), many, many]).bytes()
    got = assert_same([data], Limits(max_auth_results=10))
    assert "more than 10 DKIM results" in repr(got)


def test_fast_path_streams_a_large_report_in_bounded_memory() -> None:
    rows = [Row(ip=f"10.0.{i // 256}.{i % 256}", count=str(i + 1)) for i in range(30_000)]
    data = Report(rows=rows).bytes()  # 20 MB; all its records held at once take over 10 MB

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(data), 1 << 20):
            yield data[start : start + (1 << 20)]

    tracemalloc.start()
    try:
        stream = open_report(chunks())
        total = sum(record.count for record in stream.records())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == 30_000 * 30_001 // 2
    assert peak < 8 * 1024 * 1024


def test_plain_records_are_read_on_the_fast_path() -> None:
    """Not a tautology: the fast path must actually be taken for a plain report."""
    data = Report(rows=[Row(count=str(i + 1)) for i in range(50)]).bytes()
    stream = open_report([data])
    records = list(stream.records())
    assert len(records) == 50
    # The builder saw only the first record's start tag: the rest came from templates.
    assert stream._builder.reader._templates  # noqa: SLF001


# --- generated reports ---------------------------------------------------------------------------

_WS = st.sampled_from(["", " ", "\n  ", "\r\n    ", "\t"])
_TEXTS = st.sampled_from(
    ["", " ", "x", "Pass", "PASS", "fail", "none", "unknown-word", "a&amp;b", "é", "a]b", "a>b"]
)


@dataclass
class _Style:
    """How one leaf is written."""

    value: str
    form: str  # plain, padded, cdata, entity, comment, empty, absent, twice, prefixed


# Forms a plain record may have, and forms that make it not plain.
_PLAIN_FORMS = st.sampled_from(["plain"] * 8 + ["padded", "absent", "twice"])
_ANY_FORMS = st.sampled_from(
    ["plain"] * 12
    + ["padded", "cdata", "entity", "comment", "empty", "absent", "twice", "prefixed", "wrapped"]
)


def _leaf(name: str, style: _Style, ws: str) -> str:
    v = style.value
    form = style.form
    if form == "absent":
        return ""
    if form == "empty":
        return f"<{name}/>{ws}"
    if form == "padded":
        v = f"  {v}\n"
    elif form == "cdata":
        v = f"<![CDATA[{v}]]>"
    elif form == "entity":
        v = v.replace("a", "&#97;") + "&amp;"
    elif form == "comment":
        v = f"<!-- c -->{v}"
    if form == "twice":
        return f"<{name}>x</{name}>{ws}<{name}>{v}</{name}>{ws}"
    if form == "prefixed":
        return f"<d:{name}>{v}</d:{name}>{ws}"
    if form == "wrapped":  # an extension around a known leaf: the leaf is not read
        return f"<ext><{name}>{v}</{name}></ext>{ws}"
    return f"<{name}>{v}</{name}>{ws}"


_IPS = st.sampled_from(
    ["192.0.2.1", "167.89.10.20", "2001:DB8::1", "::ffff:192.0.2.7", "010.1.1.1", "999.1.1.1", ""]
)
_COUNTS = st.sampled_from(
    ["1", "42", " 7 ", "0", "007", "123456789012345678"] * 6 + ["-1", "x", "99999999999999999999"]
)
_DOMAINS = st.sampled_from(["email.physio-muster.ch", "Example.COM.", "sendgrid.net", "", "é.ch"])
_WORDS = st.sampled_from(["pass", "fail", "none", "Pass", "quarantine", "softfail", "bogus", ""])


@st.composite
def _record(draw: st.DrawFn) -> str:
    """One record; half of them plain (only forms the fast path reads), half anything."""
    ws = draw(_WS)
    forms = _PLAIN_FORMS if draw(st.booleans()) else _ANY_FORMS

    def leaf(name: str, values: st.SearchStrategy[str]) -> str:
        return _leaf(name, _Style(draw(values), draw(forms)), ws)

    row_leaves = [leaf("source_ip", _IPS), leaf("count", _COUNTS)]
    evaluated = [leaf("disposition", _WORDS), leaf("dkim", _WORDS), leaf("spf", _WORDS)]
    for _ in range(draw(st.integers(0, 2))):
        evaluated.append(
            f"<reason>{ws}{leaf('type', _WORDS)}{leaf('comment', _TEXTS)}</reason>{ws}"
        )
    ids = [leaf("header_from", _DOMAINS), leaf("envelope_from", _DOMAINS)]
    if draw(st.booleans()):
        ids.append(leaf("envelope_to", _DOMAINS))
    auths = []
    for kind in draw(st.lists(st.sampled_from(["dkim", "spf"]), max_size=3)):
        extra = leaf("selector" if kind == "dkim" else "scope", _TEXTS)
        human = leaf("human_result", _TEXTS) if draw(st.booleans()) else ""
        if human and draw(st.booleans()):
            human = human.replace("<human_result>", "<human_result lang='en' >", 1)
        inner = [leaf("domain", _DOMAINS), leaf("result", _WORDS), extra, human]
        auths.append(f"<{kind}>{ws}{''.join(draw(st.permutations(inner)))}</{kind}>{ws}")
    if draw(st.booleans()):
        row_leaves = list(draw(st.permutations(row_leaves)))
    row = (
        f"<row>{ws}{''.join(row_leaves[:1])}"
        f"<policy_evaluated>{ws}{''.join(draw(st.permutations(evaluated)))}"
        f"</policy_evaluated>{ws}{''.join(row_leaves[1:])}</row>{ws}"
    )
    id_tag = draw(st.sampled_from(["identifiers"] * 4 + ["identities"]))
    sections = [
        row,
        f"<{id_tag}>{ws}{''.join(draw(st.permutations(ids)))}</{id_tag}>{ws}",
        f"<auth_results>{ws}{''.join(auths)}</auth_results>{ws}",
    ]
    extra = draw(
        st.sampled_from(
            [""] * 6
            + ["<extension><record><row/></record></extension>", "<!-- <record> -->", "<x/>"]
        )
    )
    if draw(st.integers(0, 9)) == 0:
        sections = list(draw(st.permutations(sections)))
    return f"<record>{ws}{''.join(sections)}{extra}</record>{draw(_WS)}"


@st.composite
def _report(draw: st.DrawFn) -> bytes:
    records = draw(st.lists(_record(), max_size=6))
    common = draw(st.lists(st.sampled_from(records), max_size=8)) if records else []
    between = draw(st.sampled_from(["", "\n", "<!-- <record> -->", "<x><record/></x>", "z"]))
    body = between.join(records + common)
    xml = Report(rows=[], root_attrs=' xmlns:d="urn:x"').xml()
    return xml.replace("</feedback>", body + "</feedback>").encode()


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(_report(), st.lists(st.integers(0, 1 << 16), max_size=6))
def test_generated_reports_read_the_same_both_ways(data: bytes, cuts: list[int]) -> None:
    assert_same([data])
    assert_same(_split(data, cuts))


def test_split_keeps_every_byte() -> None:
    data = bytes(range(200))
    assert b"".join(_split(data, [5, 300, 77, 0])) == data
