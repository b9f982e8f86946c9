"""Zones for the DNS check tests: simulated providers, and practice setups good and broken.

Every practice case lives under its own organisational domain (``<case>.ch``) so the tree
walks of different cases never meet. The providers (``sendgrid.net`` and friends) are served
by the same test server, as the real ones would be by theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.check.keys import dkim_record
from tests.servers.dns import DnsTestServer

SENDGRID_USER = "u123.wl.sendgrid.net"


def add_providers(server: DnsTestServer) -> None:
    """SPF of the providers a practice includes, SendGrid's per-user names, a report host."""
    server.add_txt(
        "sendgrid.net",
        "v=spf1 ip4:167.89.0.0/17 ip4:149.72.0.0/16 ip4:159.183.0.0/16 "
        "include:ab.sendgrid.net ~all",
    )
    server.add_txt("ab.sendgrid.net", "v=spf1 ip4:168.245.0.0/17 ~all")
    server.add_txt(SENDGRID_USER, "v=spf1 ip4:167.89.10.1 ip4:167.89.10.2 -all")
    server.add_txt(f"s1.domainkey.{SENDGRID_USER}", dkim_record(2048, seed=11))
    server.add_txt(f"s2.domainkey.{SENDGRID_USER}", dkim_record(2048, seed=12))
    server.add_txt("spf.protection.outlook.com", "v=spf1 include:spfd.protection.outlook.com -all")
    server.add_txt("spfd.protection.outlook.com", "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 -all")
    server.add_txt(
        "_spf.google.com",
        "v=spf1 include:_netblocks.google.com include:_netblocks2.google.com "
        "include:_netblocks3.google.com ~all",
    )
    server.add_txt("_netblocks.google.com", "v=spf1 ip4:35.190.247.0/24 ~all")
    server.add_txt("_netblocks2.google.com", "v=spf1 ip6:2001:4860:4000::/36 ~all")
    server.add_txt("_netblocks3.google.com", "v=spf1 ip4:172.217.0.0/19 ~all")
    server.add_txt("servers.mcsv.net", "v=spf1 ip4:205.201.128.0/20 -all")
    server.add_txt("spf.mandrillapp.com", "v=spf1 ip4:198.2.128.0/18 -all")
    server.add(
        "reports.example.net. 60 IN MX 10 mx.example.net.\n"
        "mx.example.net. 60 IN A 192.0.2.10\n"
        '_dmarc.example.net. 60 IN TXT "v=DMARC1; p=reject"\n'
    )


@dataclass
class Practice:
    """A practice domain ``email.<org>`` sending through SendGrid, set up correctly by default.

    Change a field to break one thing; ``None`` leaves the record out.
    """

    org: str
    spf: list[str] | None = field(default_factory=lambda: ["v=spf1 include:sendgrid.net ~all"])
    dmarc: list[str] | None = None
    org_dmarc: list[str] | None = None
    s1: str | None = f"s1.domainkey.{SENDGRID_USER}"
    s2: str | None = f"s2.domainkey.{SENDGRID_USER}"
    return_path: str | None = SENDGRID_USER
    extra: str = ""

    @property
    def domain(self) -> str:
        return f"email.{self.org}"

    @property
    def em(self) -> str:
        return f"em1234.{self.domain}"

    def publish(self, server: DnsTestServer) -> str:
        org, domain = self.org, self.domain
        rua = f"rua=mailto:dmarc@{org}"
        dmarc = self.dmarc if self.dmarc is not None else [f"v=DMARC1; p=none; {rua}"]
        org_dmarc = self.org_dmarc if self.org_dmarc is not None else [f"v=DMARC1; p=none; {rua}"]
        server.add(f"{org}. 60 IN MX 10 mx.{org}.\nmx.{org}. 60 IN A 192.0.2.20\n")
        server.add_txt(domain, *(self.spf or []))
        server.add_txt(f"_dmarc.{domain}", *dmarc)
        server.add_txt(f"_dmarc.{org}", *org_dmarc)
        zone = ""
        for selector, target in (("s1", self.s1), ("s2", self.s2)):
            if target:
                zone += f"{selector}._domainkey.{domain}. 60 IN CNAME {target}.\n"
        if self.return_path:
            zone += f"{self.em}. 60 IN CNAME {self.return_path}.\n"
        zone += self.extra.replace("$D", domain).replace("$O", org)
        if zone:
            server.add(zone)
        return domain
