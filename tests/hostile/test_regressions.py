"""Bugs the hostile corpus found, each pinned at the function where it was fixed."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from dmarcwatch.ingest.errors import (
    ContainerError,
    LimitExceeded,
    RejectClass,
    RejectedInput,
    ReportParseError,
)
from dmarcwatch.ingest.limits import Limits
from dmarcwatch.ingest.parse import parse_report
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store
from dmarcwatch.ingest.unpack import unpack
from tests.hostile.generate import (
    make_zip,
    overlapping_zip,
    recursive_zip,
    report,
    zip_with_empty_name,
)
from tests.ingest.reportxml import Report, Row

BIG = 2**63 - 1


@pytest.mark.parametrize("exact", [False, True], ids=["fast", "exact"])
@pytest.mark.parametrize("digits", ["9" * 5000, "0" * 5000 + "3" + "0" * 19])
def test_a_count_of_thousands_of_digits_is_out_of_range_not_a_crash(
    digits: str, exact: bool
) -> None:
    """int() refuses strings over 4,300 digits with a ValueError, which crashed the import."""
    with pytest.raises(ReportParseError, match="out of range") as info:
        parse_report(Report(rows=[Row(count=digits)]).bytes(), exact=exact)
    assert info.value.reject_class is RejectClass.INVALID_REPORT


def test_a_count_padded_with_thousands_of_zeros_is_read() -> None:
    parsed = parse_report(Report(rows=[Row(count="0" * 5000 + "3")]).bytes())
    assert parsed.records[0].count == 3


def test_a_begin_of_thousands_of_digits_is_rejected_not_a_crash() -> None:
    with pytest.raises(ReportParseError) as info:
        parse_report(Report(begin="9" * 5000).bytes())
    assert info.value.reject_class is RejectClass.INVALID_REPORT


def test_counts_of_2_63_minus_1_are_rejected_and_nothing_is_stored(tmp_path: Path) -> None:
    """Each fitted a BIGINT but their sum did not: SQLite raised OverflowError (exit 70)."""
    data = Report(rows=[Row(count=str(BIG)), Row(count=str(BIG))]).bytes()
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        outcome = import_input(store, "sum.xml", data)
        assert outcome.kind == "invalid"
        assert [r.reject_class for r in outcome.rejected] == ["invalid-report"]
        totals = store.totals()
    assert (totals.reports, totals.records, totals.rejects) == (0, 0, 1)


@pytest.mark.parametrize("exact", [False, True], ids=["fast", "exact"])
def test_a_count_is_at_most_2_32_minus_1(exact: bool) -> None:
    """Larger counts, summed over a store, overflowed SQLite's SUM in every analysis command."""
    top = 2**32 - 1
    rows = [Row(count=str(top)), Row(count=str(top))]
    assert parse_report(Report(rows=rows).bytes(), exact=exact).records[1].count == top
    with pytest.raises(ReportParseError, match="out of range"):
        parse_report(Report(rows=[Row(count=str(top + 1))]).bytes(), exact=exact)


def test_the_store_sums_the_largest_counts(tmp_path: Path) -> None:
    top = 2**32 - 1
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        for i in range(3):
            data = Report(report_id=f"max{i}", rows=[Row(count=str(top))] * 2).bytes()
            assert import_input(store, f"max{i}.xml", data).stored == 1
        assert store.totals().messages == 6 * top


def test_zip_entries_that_share_one_member_are_refused() -> None:
    """An overlap bomb: 1,000 directory entries, one compressed member (Python 3.11.7's
    zipfile does not check this itself)."""
    with pytest.raises(ContainerError, match="overlap"):
        list(unpack(overlapping_zip(1000)))


def test_a_zip_of_zips_is_bounded_by_its_members_in_all() -> None:
    """10 x 10 x 10 x 10 members: each zip is under the limit, together they are not."""
    data = recursive_zip(10, 5)
    with pytest.raises(LimitExceeded, match="members in all"):
        list(unpack(data))
    assert len(list(unpack(recursive_zip(10, 3)))) == 100  # 10 x 10 is fine


def _stored_zip(size: int) -> bytes:
    """A zip that stores (does not compress) one member of *size* bytes of XML-ish text."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("r.xml", b"<feedback>" + b" " * size)
    return buffer.getvalue()


def test_nested_zips_kept_in_memory_are_bounded_per_input() -> None:
    """Inner zips are decompressed into memory: 8 of 90 MiB from a 700 kB input took 830 MB."""
    limits = Limits(max_report_bytes=1 << 20)
    outer = make_zip([(f"z{i}.zip", _stored_zip(400_000)) for i in range(3)])
    with pytest.raises(LimitExceeded, match="nested zips"):
        list(unpack(outer, limits))
    assert len(list(unpack(make_zip([("z.zip", _stored_zip(400_000))]), limits))) == 1


def test_a_zip_of_reports_still_yields_every_member() -> None:
    data = make_zip([(f"r{i}.xml", report(f"m{i}")) for i in range(20)])
    assert len(list(unpack(data))) == 20


def test_a_zip_member_without_a_name_is_read() -> None:
    """ZipInfo.is_dir() raises IndexError on an empty name (found by atheris): exit 70."""
    payloads = list(unpack(zip_with_empty_name(report("noname"))))
    assert [p.location for p in payloads] == ["zip member ''"]
    assert parse_report(payloads[0].chunks()).header.metadata.report_id == "noname"


def test_one_line_messages_escape_bidi_overrides_and_isolates() -> None:
    """A zip member named '\\u202ereport.xml' showed reversed in the reject line."""
    from dmarcwatch.ingest.errors import quote

    assert quote("\u202ereport\u2066.xml\u2069\u202a") == "'\\u202ereport\\u2066.xml\\u2069\\u202a'"


@pytest.mark.parametrize(
    "encoding", ["rot13", "zlib_codec", "base64", "hex", "uu", "idna", "undefined", "utf_16"]
)
def test_a_declared_encoding_that_is_not_a_character_encoding_is_no_crash(encoding: str) -> None:
    """codecs.lookup() also finds bytes-to-bytes codecs (zlib: a bomb with no limit) and
    codecs that refuse 'replace'; each crashed the parser with TypeError, AssertionError or
    UnicodeError (exit 70)."""
    data = f'<?xml version="1.0" encoding="{encoding}"?>'.encode()
    data += Report(declaration="").bytes()
    try:
        report_or_none = parse_report(data)
    except ReportParseError as exc:
        assert exc.reject_class is RejectClass.MALFORMED_XML
        return
    assert any("not usable" in warning for warning in report_or_none.warnings)


@pytest.mark.parametrize("charset", ["idna", "undefined"])
def test_an_encoded_word_in_a_charset_that_refuses_replace_is_no_crash(charset: str) -> None:
    """The subject's decoding raised UnicodeError, a crash for the whole message."""
    from tests.hostile.generate import odd_charset_mail

    assert len(list(unpack(odd_charset_mail(charset)))) == 1


def test_a_lone_surrogate_from_utf_7_is_replaced_not_a_crash() -> None:
    """UTF-7 can encode lone surrogates, which UTF-8 cannot hold: UnicodeEncodeError (found by
    atheris)."""
    data = b'<?xml version="1.0" encoding="UTF-7"?>'
    data += Report(declaration="", org="a+2ib-b").bytes()
    report_read = parse_report(data)
    assert report_read.header.metadata.org_name == "a\ufffdb"
    assert "bytes invalid in utf-7 replaced with U+FFFD" in report_read.warnings


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"])
def test_bzip2_and_lzma_members_inflate_in_bounded_memory(method: int) -> None:
    """zipfile inflates these without an output bound: a 935-byte bzip2 member peaked at 2 GB."""
    from tests.hostile.generate import compressed_zip

    data = compressed_zip(method, b"<feedback>", b" ", 64 * (1 << 20))
    tracemalloc.start()
    try:
        with pytest.raises(RejectedInput):
            for payload in unpack(data):
                parse_report(payload.chunks())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * (1 << 20), f"peak {peak // (1 << 20)} MiB"


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"])
def test_bzip2_and_lzma_members_are_checked_against_their_crc(method: int) -> None:
    archive = bytearray(make_zip([("r.xml", report("crc"))], method))
    central = archive.find(b"PK\x01\x02")
    archive[central + 16] ^= 0xFF  # the CRC-32 the central directory declares
    local = 14
    archive[local] ^= 0xFF  # and the local header's
    (payload,) = unpack(bytes(archive))
    with pytest.raises(ContainerError, match="CRC"):
        b"".join(payload.chunks())


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"])
def test_a_truncated_bzip2_or_lzma_member_is_a_container_error(method: int) -> None:
    big = report("trunc", rows=[Row(ip=f"192.0.2.{i}") for i in range(1, 200)])
    archive = bytearray(make_zip([("r.xml", big)], method))
    central = archive.find(b"PK\x01\x02")
    (size,) = struct.unpack_from("<I", archive, central + 20)
    struct.pack_into("<I", archive, central + 20, size // 2)  # the member seems to end early
    (payload,) = unpack(bytes(archive))
    with pytest.raises(ContainerError):
        b"".join(payload.chunks())
