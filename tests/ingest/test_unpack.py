"""Containers recognised by content: gzip, zip, XML; every limit enforced while streaming."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import random
import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dmarcwatch.ingest import unpack as unpack_module
from dmarcwatch.ingest.errors import (
    ContainerError,
    LimitExceeded,
    NotAReport,
    RejectClass,
    RejectedInput,
)
from dmarcwatch.ingest.limits import DEFAULT_LIMITS, Limits, MiB
from dmarcwatch.ingest.unpack import CHUNK_SIZE, Kind, Payload, sniff, unpack

REAL = Path("/work/shared/real-samples")
needs_real_samples = pytest.mark.skipif(not REAL.is_dir(), reason="no /work/shared/real-samples")


def report(n: int = 1) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<feedback><report_metadata><org_name>r'
        + str(n).encode()
        + b"</org_name></report_metadata></feedback>\n"
    )


def contents(data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[tuple[str, bytes]]:
    return [(p.location, b"".join(p.chunks())) for p in unpack(data, limits)]


def only_payload(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Payload:
    payloads = list(unpack(data, limits))
    assert len(payloads) == 1
    return payloads[0]


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def make_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as archive:
        for name, data in members.items():
            if name.endswith("/"):
                archive.mkdir(name)
            else:
                archive.writestr(name, data)
    return buf.getvalue()


def raw_zip(
    members: list[tuple[bytes, int, bytes, int, int]],
    declared: int | None = None,
    zip64: bool = False,
) -> bytes:
    """A zip written by hand: (name, method, stored bytes, crc, declared size) per member."""
    out, central = bytearray(), bytearray()
    for name, method, stored, crc, size in members:
        offset = len(out)
        out += struct.pack(
            "<4s5H3I2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(stored), size, len(name), 0
        )
        out += name + stored
        central += struct.pack(
            "<4s6H3I5H2I",
            *(b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc, len(stored), size, len(name)),
            *(0, 0, 0, 0, 0, offset),
        )
        central += name
    count = len(members) if declared is None else declared
    cd_offset = len(out)
    out += central
    if zip64:
        record = len(out)
        out += struct.pack(
            "<4sQ2H2I4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, len(central), cd_offset
        )
        out += struct.pack("<4sIQI", b"PK\x06\x07", 0, record, 1)
        out += struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 2**32 - 1, 2**32 - 1, 0)
    else:
        out += struct.pack(
            "<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, len(central), cd_offset, 0
        )
    return bytes(out)


def zero_deflate(mebibytes: int, lead: bytes = b"<feedback>") -> bytes:
    """A raw deflate stream of *lead* and *mebibytes* MiB of zeros, ~1 KiB per MiB.

    Built in milliseconds: each full-flushed block refers to nothing before it, so one block
    of 1 MiB zeros can be repeated; an empty final block ends the stream.
    """
    start = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = start.compress(lead) + start.flush(zlib.Z_FULL_FLUSH)
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = block.compress(bytes(MiB)) + block.flush(zlib.Z_FULL_FLUSH)
    return head + segment * mebibytes + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def gzip_member(deflated: bytes, crc: int, size: int, flags: int = 0, extra: bytes = b"") -> bytes:
    header = b"\x1f\x8b\x08" + bytes([flags]) + b"\0\0\0\0\0\xff" + extra
    return header + deflated + struct.pack("<II", crc, size & 0xFFFFFFFF)


def deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def consume_bounded(data: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[float, int]:
    """Unpack and stream everything; return (seconds, peak traced bytes); must raise."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(LimitExceeded, match="max_report_bytes"):
            for payload in unpack(data, limits):
                for _ in payload.chunks():
                    pass
        return time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- sniffing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (gz(b"x"), Kind.GZIP),
        (b"PK\x03\x04rest", Kind.ZIP),
        (b"PK\x05\x06" + bytes(18), Kind.ZIP),
        (b"<?xml version='1.0'?><feedback/>", Kind.XML),
        (b"<feedback/>", Kind.XML),
        (b" \r\n\t <feedback/>", Kind.XML),
        (b"\xef\xbb\xbf<?xml?>", Kind.XML),
        (b"\xef\xbb\xbf\n  <feedback/>", Kind.XML),
        ("\ufeff<feedback/>".encode("utf-16-le"), Kind.XML),
        ("\ufeff<feedback/>".encode("utf-16-be"), Kind.XML),
        ("\ufeff  <feedback/>".encode("utf-32-le"), Kind.XML),
        ("\ufeff<feedback/>".encode("utf-32-be"), Kind.XML),
        ("<feedback/>".encode("utf-16-le"), Kind.XML),
        ("<feedback/>".encode("utf-16-be"), Kind.XML),
        ("\n<feedback/>".encode("utf-16-le"), Kind.XML),
        (b"Subject: hello\r\n\r\nbody", Kind.MESSAGE),
        (b"Return-Path: <a@b.example>\n", Kind.MESSAGE),
        (b"From sender@example.com Mon Jan  1 00:00:00 2024\n", Kind.MESSAGE),
        (b'{"organization-name": "x"}', Kind.UNKNOWN),
        (b"%PDF-1.7", Kind.UNKNOWN),
        (b"", Kind.UNKNOWN),
        (b"   ", Kind.UNKNOWN),
        (b"\x1f", Kind.UNKNOWN),
    ],
)
def test_sniff_recognises_content_by_its_first_bytes(data: bytes, kind: Kind) -> None:
    assert sniff(data) is kind


# --- whole-input verdicts --------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\n", b" \r\n\t "])
def test_empty_input_is_rejected_as_empty(data: bytes) -> None:
    with pytest.raises(RejectedInput, match="empty input") as caught:
        unpack(data)
    assert caught.value.reject_class is RejectClass.EMPTY


def test_random_bytes_are_not_a_report_and_the_reason_shows_them_escaped() -> None:
    data = b"\x07\x00" + random.Random(7).randbytes(4094)
    with pytest.raises(NotAReport, match=r"unrecognised content \(first bytes '\\x07\\x00") as c:
        unpack(data)
    assert c.value.reject_class is RejectClass.NOT_A_REPORT
    assert "\n" not in c.value.reason


def test_one_byte_input_is_not_a_report() -> None:
    with pytest.raises(NotAReport, match="unrecognised content"):
        unpack(b"x")


def test_one_byte_tag_start_is_handed_on_as_xml_for_the_parser_to_judge() -> None:
    assert contents(b"<") == [("input", b"<")]


TLS_JSON = b'{"organization-name": "Example", "policies": []}'


def tls_payloads(data: bytes) -> list[tuple[str, str, bytes]]:
    return [(p.kind, p.location, b"".join(p.chunks())) for p in unpack(data)]


def test_tls_report_json_is_a_tls_payload() -> None:
    assert tls_payloads(TLS_JSON) == [("tls", "input", TLS_JSON)]


def test_gzipped_tls_report_is_a_tls_payload() -> None:
    assert tls_payloads(gz(TLS_JSON)) == [("tls", "gzip", TLS_JSON)]


def test_zipped_tls_report_is_a_tls_payload() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("r.json", TLS_JSON)
    assert tls_payloads(buffer.getvalue()) == [("tls", "zip member 'r.json'", TLS_JSON)]


# --- plain XML -------------------------------------------------------------------------------


def test_plain_xml_is_one_payload_with_the_bytes_unchanged() -> None:
    assert contents(report()) == [("input", report())]


def test_utf16_xml_with_bom_is_passed_through_unchanged() -> None:
    data = "\ufeff<?xml version='1.0' encoding='UTF-16'?><feedback/>".encode("utf-16-le")
    assert contents(data) == [("input", data)]


def test_chunks_can_be_streamed_twice_with_the_same_result() -> None:
    payload = only_payload(gz(report() * 1000))
    assert b"".join(payload.chunks()) == b"".join(payload.chunks()) == report() * 1000


def test_large_xml_streams_in_chunks_of_at_most_one_mebibyte() -> None:
    data = report() * (3 * MiB // len(report()))
    sizes = [len(chunk) for chunk in only_payload(data).chunks()]
    assert sum(sizes) == len(data)
    assert max(sizes) <= CHUNK_SIZE
    assert len(sizes) >= 3


def test_plain_xml_over_max_report_bytes_raises_while_streaming() -> None:
    payload = only_payload(report() * 100, Limits(max_report_bytes=1000))
    with pytest.raises(LimitExceeded, match="1000 bytes"):
        b"".join(payload.chunks())


# --- gzip ------------------------------------------------------------------------------------


def test_gzip_is_decompressed() -> None:
    assert contents(gz(report())) == [("gzip", report())]


def test_gzip_with_every_optional_header_field_and_reserved_flags_is_read() -> None:
    data = report()
    flags = 0x04 | 0x08 | 0x10 | 0x02 | 0xE0  # FEXTRA FNAME FCOMMENT FHCRC + reserved bits
    extra = b"\x04\x00abcd" + b"name.xml\0" + b"a comment\0" + b"\x00\x00"
    member = gzip_member(deflate(data), zlib.crc32(data), len(data), flags, extra)
    assert contents(member) == [("gzip", data)]


def test_nested_gzip_is_opened_layer_by_layer() -> None:
    assert contents(gz(gz(gz(report())))) == [("gzip > gzip > gzip", report())]


def test_gzip_followed_by_garbage_yields_the_report() -> None:
    assert contents(gz(report()) + b"\0\0\0\0garbage after the member") == [("gzip", report())]


def test_gzip_followed_by_a_single_stray_byte_yields_the_report() -> None:
    assert contents(gz(report()) + b"\n") == [("gzip", report())]


def test_concatenated_gzip_members_are_all_decoded() -> None:
    assert contents(gz(report(1)) + gz(report(2))) == [("gzip", report(1) + report(2))]


def test_truncated_gzip_raises_container_error_while_streaming() -> None:
    data = gz(b"<feedback>" + random.Random(1).randbytes(300_000).hex().encode())
    for cut in (len(data) // 2, len(data) - 4, len(data) - 1):
        payload = only_payload(data[:cut])
        with pytest.raises(ContainerError, match="truncated gzip"):
            b"".join(payload.chunks())


def test_gzip_cut_inside_its_header_raises_truncated() -> None:
    payload = only_payload(gz(report())[:6])
    with pytest.raises(ContainerError, match="truncated gzip"):
        b"".join(payload.chunks())


def test_gzip_with_wrong_crc_raises_container_error() -> None:
    data = bytearray(gz(report()))
    data[-8] ^= 0xFF
    payload = only_payload(bytes(data))
    with pytest.raises(ContainerError, match="CRC") as caught:
        b"".join(payload.chunks())
    assert caught.value.reject_class is RejectClass.CONTAINER


def test_gzip_with_wrong_length_raises_container_error() -> None:
    data = bytearray(gz(report()))
    data[-4] ^= 0x01
    with pytest.raises(ContainerError, match="length"):
        b"".join(only_payload(bytes(data)).chunks())


def test_gzip_with_damaged_deflate_data_raises_container_error() -> None:
    data = bytearray(gz(b"<feedback>" + random.Random(2).randbytes(50_000).hex().encode()))
    data[len(data) // 2 : len(data) // 2 + 16] = b"\xff" * 16
    with pytest.raises(ContainerError, match="gzip"):
        b"".join(only_payload(bytes(data)).chunks())


def test_gzip_with_unknown_method_is_a_container_error() -> None:
    data = bytearray(gz(report()))
    data[2] = 7
    with pytest.raises(ContainerError, match="compression method 7"):
        b"".join(only_payload(bytes(data)).chunks())


def test_gzip_of_something_else_is_not_a_report() -> None:
    with pytest.raises(ContainerError, match="gzip holds no XML report"):
        unpack(gz(b"just some text"))


def test_gzip_bomb_stops_at_the_limit_fast_and_in_bounded_memory() -> None:
    size = 10 * 1024 * MiB  # 10 GiB of zeros in one member, about 10 MB compressed
    bomb = gzip_member(zero_deflate(size // MiB), 0, size)
    assert len(bomb) < 20 * MiB
    seconds, peak = consume_bounded(bomb)
    assert seconds < 10
    assert peak < 64 * MiB


def test_bomb_of_many_concatenated_gzip_members_stops_at_the_limit() -> None:
    member = gzip_member(zero_deflate(64, b""), zlib.crc32(bytes(64 * MiB)), 64 * MiB)
    seconds, peak = consume_bounded(gz(b"<feedback>") + member * 160)
    assert seconds < 10
    assert peak < 64 * MiB


def test_fifty_nested_gzip_layers_exceed_the_depth_limit_quickly() -> None:
    data = report()
    for _ in range(50):
        data = gz(data)
    started = time.perf_counter()
    with pytest.raises(LimitExceeded, match="max_depth"):
        unpack(data)
    assert time.perf_counter() - started < 2


def test_nesting_exactly_at_max_depth_is_accepted() -> None:
    limits = Limits(max_depth=3)
    assert contents(gz(gz(gz(report()))), limits)[0][1] == report()
    with pytest.raises(LimitExceeded, match="more than 3 deep"):
        unpack(gz(gz(gz(gz(report())))), limits)


def test_a_50_mb_gzip_unpacks_whole_in_bounded_chunks() -> None:
    """Speed is the benchmark's (``python -m benchmarks parse``); here: every byte, in chunks."""
    rng = random.Random(3)
    rows = [
        f"<record><row><source_ip>{rng.randrange(2**32)}</source_ip>"
        f"<count>{rng.randrange(10**6)}</count></row></record>\n"
        for _ in range(20_000)
    ]
    xml = ("<feedback>" + "".join(rows)).encode()
    xml = xml * (50 * MiB // len(xml))
    data = zlib.compressobj(1, zlib.DEFLATED, 31)
    compressed = data.compress(xml) + data.flush()
    digest, total, largest = hashlib.sha256(), 0, 0
    for payload in unpack(compressed):
        for chunk in payload.chunks():
            digest.update(chunk)
            total += len(chunk)
            largest = max(largest, len(chunk))
    assert total == len(xml)
    assert digest.digest() == hashlib.sha256(xml).digest()
    assert largest < 8 * MiB


# --- zip -------------------------------------------------------------------------------------


def test_zip_member_is_a_payload_named_after_the_member() -> None:
    assert contents(make_zip({"a.xml": report()})) == [("zip member 'a.xml'", report())]


def test_every_report_member_of_a_zip_is_a_payload_and_other_members_are_skipped() -> None:
    data = make_zip(
        {
            "dir/": b"",
            "one.xml": report(1),
            "README.txt": b"These are your reports.",
            "two.xml": report(2),
            "dir/three.xml.gz": gz(report(3)),
        }
    )
    assert contents(data) == [
        ("zip member 'one.xml'", report(1)),
        ("zip member 'two.xml'", report(2)),
        ("zip member 'dir/three.xml.gz' > gzip", report(3)),
    ]


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_zip_members_in_other_compression_methods_are_read(method: int) -> None:
    assert contents(make_zip({"a.xml": report()}, method))[0][1] == report()


def test_zip_inside_gzip_and_zip_inside_zip_are_opened() -> None:
    inner = make_zip({"a.xml": report()})
    assert contents(gz(inner)) == [("gzip > zip member 'a.xml'", report())]
    assert contents(make_zip({"inner.zip": inner})) == [
        ("zip member 'inner.zip' > zip member 'a.xml'", report())
    ]


def test_zip_without_report_members_is_a_container_error() -> None:
    with pytest.raises(ContainerError, match="zip holds no XML member"):
        unpack(make_zip({"README.txt": b"nothing here", "logo.png": b"\x89PNG\r\n"}))


def test_empty_zip_is_a_container_error() -> None:
    with pytest.raises(ContainerError, match="zip holds no XML member"):
        unpack(make_zip({}))


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04" + b"\0" * 100, make_zip({"a.xml": report()})[:-30], b"PK\x05\x06\xff"],
)
def test_damaged_zip_is_a_container_error(data: bytes) -> None:
    with pytest.raises(ContainerError, match="zip"):
        unpack(data)


def test_member_with_bad_crc_raises_while_streaming_and_others_still_stream() -> None:
    data = bytearray(make_zip({"bad.xml": report(1), "good.xml": report(2)}, zipfile.ZIP_STORED))
    spot = data.index(report(1)) + 10
    data[spot] ^= 0x20
    bad, good = unpack(bytes(data))
    with pytest.raises(ContainerError, match="CRC"):
        b"".join(bad.chunks())
    assert b"".join(good.chunks()) == report(2)


def test_encrypted_member_is_a_failing_payload_beside_the_readable_ones() -> None:
    data = bytearray(make_zip({"secret.xml": report(1), "open.xml": report(2)}))
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        first = data.index(signature)
        data[first + flag_offset] |= 0x01
    secret, readable = unpack(bytes(data))
    assert secret.location == "zip member 'secret.xml'"
    with pytest.raises(ContainerError, match="encrypted"):
        b"".join(secret.chunks())
    assert b"".join(readable.chunks()) == report(2)


def test_hostile_member_names_are_only_quoted_into_the_location() -> None:
    data = make_zip({"../../etc/passwd": report(1), "a\nb\x1b[31m.xml": report(2)})
    assert [location for location, _ in contents(data)] == [
        "zip member '../../etc/passwd'",
        "zip member 'a\\x0ab\\x1b[31m.xml'",
    ]


def test_repeated_member_names_get_distinct_locations() -> None:
    stored = deflate(report())
    crc = zlib.crc32(report())
    entry = (b"a.xml", 8, stored, crc, len(report()))
    assert [loc for loc, _ in contents(raw_zip([entry, entry]))] == [
        "zip member 'a.xml'",
        "zip member 'a.xml' #2",
    ]


def test_zip_bomb_member_stops_at_the_limit() -> None:
    size = 4_000_000_000
    data = raw_zip([(b"bomb.xml", 8, zero_deflate(size // MiB), 0, size)])
    assert len(data) < 10 * MiB
    seconds, peak = consume_bounded(data)
    assert seconds < 10
    assert peak < 64 * MiB


def test_zip_member_that_understates_its_size_cannot_slip_past_the_checks() -> None:
    data = raw_zip([(b"liar.xml", 8, zero_deflate(1024), 0, 100)])
    payload = only_payload(data)
    with pytest.raises((ContainerError, LimitExceeded)):
        b"".join(payload.chunks())


def test_zip_with_100000_members_is_rejected_before_zipfile_reads_them() -> None:
    members = [(b"%06d.xml" % i, 0, b"", 0, 0) for i in range(100_000)]
    data = raw_zip(members, zip64=True)
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[-1].filename == "099999.xml"
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(LimitExceeded, match="100000 members"):
            unpack(data)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seconds < 1
    assert peak < 50 * MiB


def test_zip_that_understates_its_member_count_is_still_rejected() -> None:
    members = [(b"%05d.xml" % i, 0, b"", 0, 0) for i in range(5000)]
    with pytest.raises(LimitExceeded, match="more than 1000 members"):
        unpack(raw_zip(members, declared=1))


def test_zip_with_exactly_max_zip_members_is_accepted() -> None:
    limits = Limits(max_zip_members=3)
    three = make_zip({f"{i}.xml": report(i) for i in range(3)})
    four = make_zip({f"{i}.xml": report(i) for i in range(4)})
    assert len(contents(three, limits)) == 3
    with pytest.raises(LimitExceeded, match="max_zip_members"):
        unpack(four, limits)


# --- real samples ----------------------------------------------------------------------------


@needs_real_samples
@pytest.mark.parametrize(
    ("name", "location"),
    [
        ("nice-input.xml", "input"),
        ("nice-input.xml.gz", "gzip"),
        ("nice-input.xml.zip", "zip member 'nice-input.xml'"),
    ],
)
def test_real_google_report_reads_the_same_in_every_container(name: str, location: str) -> None:
    expected = (REAL / "nice-input.xml").read_bytes()
    assert contents((REAL / name).read_bytes()) == [(location, expected)]


@needs_real_samples
def test_real_fastmail_gzip_is_read() -> None:
    [path] = REAL.glob("fastmail.com!*.xml.gz")
    [(location, data)] = contents(path.read_bytes())
    assert location == "gzip"
    assert b"<feedback" in data


@needs_real_samples
def test_real_empty_file_is_rejected_as_empty() -> None:
    with pytest.raises(RejectedInput) as caught:
        unpack((REAL / "empty.xml").read_bytes())
    assert caught.value.reject_class is RejectClass.EMPTY


def test_zip_member_chunks_can_be_streamed_twice() -> None:
    payload = only_payload(make_zip({"a.xml": report() * 1000}))
    assert b"".join(payload.chunks()) == b"".join(payload.chunks()) == report() * 1000


_SPACES = st.sampled_from([" ", "\t", "\r\n", "\n"])
_HEADS = st.one_of(
    st.binary(max_size=600),
    st.tuples(st.sampled_from(b"AZaz<Rr\x00\xff"), st.binary(max_size=300)).map(
        lambda t: bytes([t[0]]) + t[1]
    ),
    st.tuples(
        st.lists(_SPACES, max_size=200).map("".join),
        st.sampled_from(["<", "<?xml", "a", "\u00e9<", "\U0001f600", ""]),
        st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]),
        st.binary(max_size=300),
        st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_BE]),
    ).map(lambda t: t[4] + (t[0] + t[1]).encode(t[2]) + t[3]),
)


@settings(max_examples=400, deadline=None)
@given(_HEADS)
def test_sniffing_on_a_prefix_decides_as_decoding_the_whole_head(head: bytes) -> None:
    assert unpack_module._is_xml(head) == (unpack_module._xml_text(head) is not None)
