"""Report mails for the forged-reporter tests: DKIM keys made here, mails signed with dkimpy.

A :class:`Signer` holds one RSA key for one domain and a selector of its own (the DNS server
is shared by the session); :meth:`Signer.publish` serves
its public key from the loopback DNS test server, :meth:`Signer.sign` signs a mail.
"""

from __future__ import annotations

import base64
import gzip
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.ingest.reportxml import Report, Row
from tests.servers.dns import DnsTestServer

DOMAIN = "email.physio-muster.ch"
SIGNED_HEADERS = [b"from", b"to", b"subject", b"date", b"message-id"]


def sendgrid_failing(count: str = "40") -> Row:
    """SendGrid mail that fails DMARC: signed and bounced as sendgrid.net, not the domain."""
    return Row(
        count=count,
        dkim="fail",
        spf="fail",
        envelope_from="sendgrid.net",
        dkim_results=[("sendgrid.net", "s1", "pass")],
        spf_results=[("sendgrid.net", "mfrom", "pass")],
    )


def sendgrid_passing(count: str = "400") -> Row:
    """What the forger claims: SendGrid mail signed and aligned as the domain."""
    return Row(count=count)


BEGIN = 1759276800  # 2025-10-01T00:00:00Z


def report(report_id: str, rows: list[Row], org: str = "google.com", day: int = 0) -> bytes:
    """A report of *org* for day *day* after 1 October 2025."""
    begin = BEGIN + day * 86400
    return Report(
        org=org,
        email=f"noreply-dmarc-support@{org}",
        report_id=report_id,
        begin=str(begin),
        end=str(begin + 86399),
        rows=rows,
    ).bytes()


def mail(xml: bytes, sender: str = "noreply-dmarc-support@google.com", name: str = "r") -> bytes:
    """A report mail as Google sends it: a gzip attachment."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = f"dmarc@{DOMAIN}"
    message["Subject"] = f"Report domain: {DOMAIN} Submitter: google.com Report-ID: {name}"
    message["Date"] = "Thu, 02 Oct 2025 06:00:00 +0000"
    message["Message-ID"] = f"<{name}@google.com>"
    message.set_content("This is an aggregate report from google.com.")
    message.add_attachment(
        gzip.compress(xml, mtime=0),
        maintype="application",
        subtype="gzip",
        filename=f"google.com!{DOMAIN}!{name}.xml.gz",
    )
    return message.as_bytes().replace(b"\n", b"\r\n")


@dataclass
class Signer:
    """One DKIM key of *domain* under *selector*."""

    domain: str
    selector: str = field(default_factory=lambda: f"s{uuid.uuid4().hex[:12]}")
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=1024)
    )

    def record(self) -> str:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return "v=DKIM1; k=rsa; p=" + base64.b64encode(public).decode("ascii")

    def publish(self, dns: DnsTestServer) -> None:
        dns.add_txt(f"{self.selector}._domainkey.{self.domain}.", self.record())

    def sign(self, message: bytes) -> bytes:
        pem = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        header = dkim.sign(
            message,
            self.selector.encode(),
            self.domain.encode(),
            pem,
            include_headers=SIGNED_HEADERS,
        )
        return bytes(header) + message
