"""DKIM key records (RFC 6376 §3.6.1) and SendGrid's DKIM and return-path CNAMEs.

:func:`parse_key` is pure: it reads the tags of a key record and measures an RSA key from its
DER encoding (SubjectPublicKeyInfo, or a bare PKCS#1 RSAPublicKey) with a small ASN.1 reader,
so no cryptography library is needed. :func:`probe_selector` and :func:`probe_return_path`
look the names up and say what a receiver would find.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from ..dns.lookup import Lookup, Status
from ..dns.resolver import Resolver
from ..dns.spf import spf_records
from ..errors import AnalysisError

MIN_RSA_BITS = 1024  # Gmail and Yahoo sender requirements (reference §6.1)
RECOMMENDED_RSA_BITS = 2048
_RSA_OID = bytes.fromhex("2a864886f70d010101")  # 1.2.840.113549.1.1.1 rsaEncryption
_SEQUENCE, _INTEGER, _BIT_STRING, _OID = 0x30, 0x02, 0x03, 0x06
SENDGRID_SUFFIX = ".sendgrid.net"
_SENDGRID_DKIM = re.compile(r"^(s1|s2)\.domainkey\.u\d+\.wl\d*\.sendgrid\.net$")
_SENDGRID_RETURN_PATH = re.compile(r"^u\d+\.wl\d*\.sendgrid\.net$")


class DerError(AnalysisError, ValueError):
    """Bytes that are not the DER encoding this module expects."""


def _read_tlv(data: bytes, offset: int) -> tuple[int, bytes, int]:
    """Read one DER tag-length-value at *offset*; return (tag, value, next offset)."""
    if offset + 2 > len(data):
        raise DerError("truncated DER")
    tag, first = data[offset], data[offset + 1]
    offset += 2
    if first & 0x80:
        count = first & 0x7F
        if count == 0 or count > 4 or offset + count > len(data):
            raise DerError("bad DER length")
        length = int.from_bytes(data[offset : offset + count], "big")
        offset += count
    else:
        length = first
    if offset + length > len(data):
        raise DerError("DER value runs past the end")
    return tag, data[offset : offset + length], offset + length


def _expect(data: bytes, offset: int, tag: int) -> tuple[bytes, int]:
    found, value, after = _read_tlv(data, offset)
    if found != tag:
        raise DerError(f"expected DER tag {tag:#x}, found {found:#x}")
    return value, after


def rsa_key_bits(der: bytes) -> int:
    """Size in bits of the RSA modulus in a SubjectPublicKeyInfo or RSAPublicKey (RFC 8017)."""
    outer, _ = _expect(der, 0, _SEQUENCE)
    tag, first, after = _read_tlv(outer, 0)
    if tag == _INTEGER:  # bare RSAPublicKey: SEQUENCE { modulus, publicExponent }
        return _modulus_bits(first)
    if tag != _SEQUENCE:
        raise DerError("neither SubjectPublicKeyInfo nor RSAPublicKey")
    oid, _ = _expect(first, 0, _OID)
    if oid != _RSA_OID:
        raise DerError("the key is not an RSA key")
    bits, _ = _expect(outer, after, _BIT_STRING)
    if not bits or bits[0] != 0:
        raise DerError("bad BIT STRING")
    inner, _ = _expect(bits[1:], 0, _SEQUENCE)
    modulus, _ = _expect(inner, 0, _INTEGER)
    return _modulus_bits(modulus)


def _modulus_bits(value: bytes) -> int:
    bits = int.from_bytes(value, "big").bit_length()
    if bits == 0:
        raise DerError("empty modulus")
    return bits


@dataclass(frozen=True, slots=True)
class DkimKey:
    """A parsed key record. ``bits`` is set for RSA keys that could be measured."""

    text: str
    tags: dict[str, str]
    key_type: str
    revoked: bool
    bits: int | None = None
    error: str = ""

    @property
    def testing(self) -> bool:
        return "y" in self.tags.get("t", "").lower().split(":")


def parse_key(text: str) -> DkimKey:
    """Parse a DKIM key record; an empty ``p=`` means the key was revoked (RFC 6376 §3.6.1)."""
    tags = _key_tags(text)
    key_type = tags.get("k", "rsa").lower()
    if "v" in tags and tags["v"] != "DKIM1":
        return DkimKey(text, tags, key_type, False, error=f"v={tags['v']} is not DKIM1")
    if "p" not in tags:
        return DkimKey(text, tags, key_type, False, error="no p= tag: not a DKIM key record")
    key = re.sub(r"\s+", "", tags["p"])
    if not key:
        return DkimKey(text, tags, key_type, True)
    try:
        der = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        return DkimKey(text, tags, key_type, False, error="p= is not valid base64")
    return _measure(text, tags, key_type, der)


def _key_tags(text: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for part in text.split(";"):
        name, sep, value = part.partition("=")
        if sep:
            tags.setdefault(name.strip().lower(), value.strip())
    return tags


def _measure(text: str, tags: dict[str, str], key_type: str, der: bytes) -> DkimKey:
    if key_type == "ed25519":  # RFC 8463: the raw 32-byte public key
        error = "" if len(der) == 32 else "an Ed25519 key must be 32 bytes"
        return DkimKey(text, tags, key_type, False, error=error)
    if key_type != "rsa":
        return DkimKey(text, tags, key_type, False, error=f"unknown key type k={key_type}")
    try:
        return DkimKey(text, tags, key_type, False, bits=rsa_key_bits(der))
    except DerError as exc:
        return DkimKey(text, tags, key_type, False, error=f"p= is not an RSA public key ({exc})")


@dataclass(frozen=True, slots=True)
class SelectorProbe:
    """What DNS says about ``<selector>._domainkey.<domain>``."""

    selector: str
    name: str
    cname: Lookup
    txt: Lookup
    doubled: Lookup | None = None

    @property
    def cname_target(self) -> str | None:
        return self.cname.values[0] if self.cname.status is Status.ANSWER else None

    @property
    def keys(self) -> list[str]:
        return [v for v in self.txt.values if "p=" in v or "v=DKIM1" in v]

    @property
    def key(self) -> DkimKey | None:
        keys = self.keys
        return parse_key(keys[0]) if keys else None

    @property
    def points_to_sendgrid(self) -> bool:
        target = self.cname_target
        return target is not None and target.endswith(SENDGRID_SUFFIX)

    @property
    def sendgrid_shaped(self) -> bool:
        """The CNAME has the shape SendGrid gives: ``s1.domainkey.u<id>.wl<n>.sendgrid.net``."""
        return bool(_SENDGRID_DKIM.match(self.cname_target or ""))

    @property
    def errors(self) -> list[Lookup]:
        looked = [self.cname, self.txt] + ([self.doubled] if self.doubled else [])
        return [lk for lk in looked if not lk.ok]


def probe_selector(resolver: Resolver, domain: str, selector: str) -> SelectorProbe:
    """Look up a selector, and where nothing is there the zone-appended-twice mistake."""
    name = f"{selector}._domainkey.{domain}"
    cname = resolver.query(name, "CNAME")
    txt = resolver.txt(name)
    doubled = None
    if cname.void and txt.void:
        doubled = resolver.query(f"{name}.{domain}", "CNAME")
        if doubled.status is not Status.ANSWER:
            doubled = resolver.txt(f"{name}.{domain}")
    return SelectorProbe(selector, name, cname, txt, doubled)


@dataclass(frozen=True, slots=True)
class ReturnPathProbe:
    """What DNS says about a SendGrid return-path (bounce) name ``em<NNNN>.<domain>``."""

    name: str
    cname: Lookup
    txt: Lookup

    @property
    def cname_target(self) -> str | None:
        return self.cname.values[0] if self.cname.status is Status.ANSWER else None

    @property
    def spf_count(self) -> int:
        return len(spf_records(self.txt))

    @property
    def to_sendgrid(self) -> bool:
        return bool(_SENDGRID_RETURN_PATH.match(self.cname_target or ""))


def probe_return_path(resolver: Resolver, name: str) -> ReturnPathProbe:
    return ReturnPathProbe(name, resolver.query(name, "CNAME"), resolver.txt(name))
