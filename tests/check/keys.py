"""DKIM public keys for test zones, DER-encoded here so any key size can be served.

Only the modulus size matters to the check, so the modulus is a random odd number with its top
bit set; the encoding is the real SubjectPublicKeyInfo (RFC 5280) around an RSAPublicKey.
"""

from __future__ import annotations

import base64
import random

RSA_OID = bytes.fromhex("06092a864886f70d010101")  # OID 1.2.840.113549.1.1.1 as DER


def der(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 0x80:
        return bytes([tag, size]) + body
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(raw)]) + raw + body


def der_integer(value: int) -> bytes:
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")  # leading 0: stays positive
    return der(0x02, raw)


def rsa_public_key(bits: int, seed: int = 1) -> bytes:
    """DER RSAPublicKey (PKCS#1) with a *bits*-bit modulus."""
    modulus = random.Random(seed).getrandbits(bits) | (1 << (bits - 1)) | 1
    return der(0x30, der_integer(modulus) + der_integer(65537))


def spki(bits: int, seed: int = 1) -> bytes:
    algorithm = der(0x30, RSA_OID + bytes([0x05, 0x00]))
    return der(0x30, algorithm + der(0x03, b"\x00" + rsa_public_key(bits, seed)))


def dkim_record(bits: int, seed: int = 1) -> str:
    """A DKIM key record as a sending service publishes it."""
    return "v=DKIM1; k=rsa; p=" + base64.b64encode(spki(bits, seed)).decode("ascii")
