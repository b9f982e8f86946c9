"""Parsing of SPF, DMARC and DKIM key records, and the DER reader: pure functions, no DNS."""

from __future__ import annotations

import base64

import pytest

from dmarcwatch.analysis.check.dkim import DerError, parse_key, rsa_key_bits
from dmarcwatch.analysis.dns.dmarc import is_dmarc_candidate, looks_like_dmarc, parse_dmarc
from dmarcwatch.analysis.dns.spf import is_spf, parse_spf
from tests.check.keys import der, dkim_record, rsa_public_key, spki


def test_spf_terms_are_parsed_with_qualifiers_targets_and_prefixes():
    record = parse_spf("v=spf1 +a:web.example.ch/24 -mx ~ip4:192.0.2.0/24 include:x.example ?all")
    assert not record.errors
    names = [(t.qualifier, t.name, t.target, t.cidr) for t in record.terms]
    assert names == [
        ("+", "a", "web.example.ch", "/24"),
        ("-", "mx", None, ""),
        ("~", "ip4", "192.0.2.0/24", ""),
        ("+", "include", "x.example", ""),
        ("?", "all", None, ""),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "v=spf1 ip4:192.0.2.300 -all",
        "v=spf1 ip6:192.0.2.1 -all",
        "v=spf1 include: -all",
        "v=spf1 foo -all",
        "v=spf1 a/33 -all",
        "v=spf1 redirect=a.example redirect=b.example",
        "v=spf1 include:example.123 -all",
    ],
)
def test_spf_syntax_errors_are_listed(text):
    assert parse_spf(text).errors


def test_spf_unknown_modifiers_and_macros_are_valid():
    record = parse_spf("v=spf1 exists:%{i}._spf.example.ch foo=bar -all")
    assert not record.errors
    assert record.terms[0].has_macro


@pytest.mark.parametrize(
    ("text", "expected"),
    [("v=spf1 -all", True), ("V=SPF1", True), ("v=spf10 -all", False), ("spf1", False)],
)
def test_a_record_is_spf_only_with_the_exact_version(text, expected):
    assert is_spf(text) is expected


def test_dmarc_tags_are_read_and_reports_split():
    record = parse_dmarc("v=DMARC1; p=quarantine; rua=mailto:a@x.example,mailto:b@y.example!10m")
    assert record.policy == "quarantine"
    assert [u.host for u in record.rua] == ["x.example", "y.example"]
    assert record.rua[1].size == "10m"
    assert not record.problems


def test_dmarc_subdomain_policy_falls_back_to_p():
    assert parse_dmarc("v=DMARC1; p=reject").subdomain_policy() == "reject"
    assert parse_dmarc("v=DMARC1; p=reject; sp=none").subdomain_policy() == "none"
    assert (
        parse_dmarc("v=DMARC1; p=reject; sp=none; np=quarantine").subdomain_policy(exists=False)
        == "quarantine"
    )


@pytest.mark.parametrize(
    ("text", "fragment", "fatal"),
    [
        ("v=DMARC1; p=rejekt", "rejekt", True),
        ("v=DMARC1; p=none; p=reject", "twice", True),
        ("v=DMARC1; p=none; adkim=x", "adkim", False),
        ("v=DMARC1; rua=mailto:a@x.example", "no p=", False),
        ("v=DMARC1; rua=mailto:a@x.example; p=none", "directly follow", False),
        ("v=DMARC1; p=none; rua=https://x.example", "mailto", False),
        ("v=DMARC1; p=none; foo=bar", "unknown tag", False),
        ("v=dmarc1; p=none", "case-sensitive", False),
    ],
)
def test_dmarc_defects_are_described(text, fragment, fatal):
    problems = parse_dmarc(text).problems
    assert any(fragment in p.detail and p.fatal is fatal for p in problems), problems


def test_dmarc_candidates_and_near_misses():
    assert is_dmarc_candidate("v=DMARC1; p=none")
    assert is_dmarc_candidate("v=DMARC1")
    assert not is_dmarc_candidate("v=DMARC1 p=none")
    assert looks_like_dmarc("v=DMARC1 p=none")
    assert not looks_like_dmarc("v=spf1 -all")


@pytest.mark.parametrize("bits", [512, 1024, 2048, 4096])
def test_rsa_key_size_is_read_from_subject_public_key_info(bits):
    assert rsa_key_bits(spki(bits)) == bits


def test_rsa_key_size_is_read_from_a_bare_pkcs1_key():
    assert rsa_key_bits(rsa_public_key(2048)) == 2048


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x30",
        b"\x30\x05\x02\x01",
        der(0x04, b"abc"),
        der(0x30, der(0x30, der(0x06, b"\x2a"))),
    ],
    ids=["empty", "truncated", "short", "not-a-sequence", "not-rsa"],
)
def test_bad_der_is_rejected(data):
    with pytest.raises(DerError):
        rsa_key_bits(data)


def test_dkim_key_records():
    assert parse_key(dkim_record(2048)).bits == 2048
    assert parse_key("v=DKIM1; k=rsa; p=").revoked
    assert parse_key("v=DKIM1; p=not*base64").error
    assert parse_key("v=DKIM2; p=abc").error
    assert parse_key("v=DKIM1; k=rsa; t=y; p=" + _b64(spki(1024))).testing
    ed25519 = parse_key("v=DKIM1; k=ed25519; p=" + _b64(bytes(32)))
    assert not ed25519.error and ed25519.bits is None


def test_whitespace_inside_a_key_is_ignored():
    key = _b64(spki(2048))
    assert parse_key(f"v=DKIM1; p={key[:100]} {key[100:]}").bits == 2048


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
