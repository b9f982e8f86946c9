"""Build aggregate-report XML for tests: small, explicit, with hooks for every quirk."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Row:
    ip: str = "167.89.10.20"
    count: str = "3"
    disposition: str = "none"
    dkim: str = "pass"
    spf: str = "pass"
    header_from: str = "email.physio-muster.ch"
    envelope_from: str | None = "em1234.email.physio-muster.ch"
    envelope_to: str | None = None
    reasons: list[tuple[str, str | None]] = field(default_factory=list)
    dkim_results: list[tuple[str, str | None, str]] = field(
        default_factory=lambda: [
            ("email.physio-muster.ch", "s1", "pass"),
            ("sendgrid.info", "smtpapi", "pass"),
        ]
    )
    spf_results: list[tuple[str, str | None, str]] = field(
        default_factory=lambda: [("em1234.email.physio-muster.ch", "mfrom", "pass")]
    )
    identifiers_tag: str = "identifiers"
    extra: str = ""

    def xml(self) -> str:
        reasons = "".join(
            f"<reason><type>{t}</type>{f'<comment>{c}</comment>' if c is not None else ''}</reason>"
            for t, c in self.reasons
        )
        envelope_from = (
            f"<envelope_from>{self.envelope_from}</envelope_from>"
            if self.envelope_from is not None
            else ""
        )
        envelope_to = (
            f"<envelope_to>{self.envelope_to}</envelope_to>" if self.envelope_to is not None else ""
        )
        dkims = "".join(
            f"<dkim><domain>{d}</domain>"
            f"{f'<selector>{s}</selector>' if s is not None else ''}"
            f"<result>{r}</result></dkim>"
            for d, s, r in self.dkim_results
        )
        spfs = "".join(
            f"<spf><domain>{d}</domain>{f'<scope>{s}</scope>' if s is not None else ''}"
            f"<result>{r}</result></spf>"
            for d, s, r in self.spf_results
        )
        tag = self.identifiers_tag
        return (
            "<record>\n  <row>\n"
            f"    <source_ip>{self.ip}</source_ip>\n    <count>{self.count}</count>\n"
            f"    <policy_evaluated><disposition>{self.disposition}</disposition>"
            f"<dkim>{self.dkim}</dkim><spf>{self.spf}</spf>{reasons}</policy_evaluated>\n"
            f"  </row>\n  <{tag}>{envelope_to}{envelope_from}"
            f"<header_from>{self.header_from}</header_from></{tag}>\n"
            f"  <auth_results>{dkims}{spfs}</auth_results>{self.extra}\n</record>\n"
        )


@dataclass
class Report:
    org: str = "google.com"
    email: str = "noreply-dmarc-support@google.com"
    report_id: str = "17700000001"
    begin: str = "1759276800"
    end: str = "1759363199"
    domain: str = "email.physio-muster.ch"
    policy: str = "<adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct>"
    rows: list[Row] = field(default_factory=lambda: [Row()])
    root_attrs: str = ""
    version: str | None = None
    declaration: str = '<?xml version="1.0" encoding="UTF-8"?>\n'
    metadata_extra: str = ""

    def xml(self) -> str:
        version = f"<version>{self.version}</version>" if self.version is not None else ""
        return (
            f"{self.declaration}<feedback{self.root_attrs}>{version}\n"
            f"<report_metadata><org_name>{self.org}</org_name><email>{self.email}</email>"
            f"<report_id>{self.report_id}</report_id><date_range><begin>{self.begin}</begin>"
            f"<end>{self.end}</end></date_range>{self.metadata_extra}</report_metadata>\n"
            f"<policy_published><domain>{self.domain}</domain>{self.policy}</policy_published>\n"
            + "".join(row.xml() for row in self.rows)
            + "</feedback>\n"
        )

    def bytes(self) -> bytes:
        return self.xml().encode("utf-8")
