"""The DNS check of one domain: SPF, DMARC and DKIM as receivers will see them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..dns.names import normalise_domain
from ..dns.resolver import Resolver, ResolverConfig
from .check_dkim import SelectorRequest, Source, check_dkim
from .check_dmarc import check_dmarc
from .check_spf import check_spf
from .findings import render_findings
from .messages import DEFAULT_LANGUAGE
from .model import CheckFinding, Observation, Severity
from .origins import KnownSender, known_senders
from .records import RecordText, record_texts
from .seen import MAX_REPORT_SELECTORS, Seen
from .senders import SENDGRID


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The findings of one check, and how the DNS server behaved during it."""

    domain: str
    findings: tuple[CheckFinding, ...]
    answered: int
    failed: int
    records: tuple[RecordText, ...] = ()  # the SPF, DMARC and DKIM texts seen

    @property
    def unreachable(self) -> bool:
        """No query got an answer: the check could not look at anything."""
        return self.answered == 0 and self.failed > 0


def assess_domain(
    domain: str,
    *,
    resolver_config: ResolverConfig,
    selectors: Sequence[str] = (),
    senders: Sequence[str] = (),
    return_paths: Sequence[str] = (),
    seen: Seen | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> CheckReport:
    """Check *domain*; *senders* are catalogue ids or names (``UnknownSender`` otherwise).

    Raises :class:`~dmarcwatch.analysis.dns.names.InvalidDomain` for a name DNS cannot hold.
    """
    name = normalise_domain(domain)
    seen = seen or Seen()
    resolver = Resolver(resolver_config)
    known = known_senders(resolver, name, senders, seen.senders)
    declared = [k.dns for k in known if k.declared]
    requests = [SelectorRequest(s.lower(), Source.GIVEN) for s in selectors]
    requests += [SelectorRequest(s, Source.REPORTS) for s in seen.selectors]
    requests += [SelectorRequest(s, Source.SENDER, d.id) for d in declared for s in d.selectors]
    paths = [normalise_domain(p) for p in (*return_paths, *seen.return_paths)]
    observations = _observe(resolver, name, known, requests, list(dict.fromkeys(paths)))
    if seen.selectors_left_out:
        observations.append(_selectors_capped(seen.selectors_left_out))
    if resolver.unreachable:
        observations = [_unreachable(observations)]
    findings = render_findings(observations, name, language)
    records = record_texts(resolver.lookups(), name)
    return CheckReport(name, tuple(findings), resolver.answered, resolver.failed, records)


def check_domain(
    domain: str,
    *,
    resolver_config: ResolverConfig,
    selectors: Sequence[str] = (),
    senders: Sequence[str] = (),
    language: str = DEFAULT_LANGUAGE,
) -> list[CheckFinding]:
    """The findings of :func:`assess_domain`, worst first (for the HTML report)."""
    report = assess_domain(
        domain,
        resolver_config=resolver_config,
        selectors=selectors,
        senders=senders,
        language=language,
    )
    return list(report.findings)


def _observe(
    resolver: Resolver,
    domain: str,
    senders: list[KnownSender],
    requests: list[SelectorRequest],
    return_paths: list[str],
) -> list[Observation]:
    apex = resolver.txt(domain)
    sendgrid = any(s.dns.id == SENDGRID and s.declared for s in senders)
    dkim_requests = [r for r in requests if not (sendgrid and r.sender == SENDGRID)]
    found = check_spf(resolver, domain, apex, senders)
    found += check_dmarc(resolver, domain, apex)
    found += check_dkim(resolver, domain, dkim_requests, sendgrid, return_paths)
    return found


def _selectors_capped(left_out: int) -> Observation:
    params = {"count": left_out, "limit": MAX_REPORT_SELECTORS}
    return Observation("dkim-selectors-capped", Severity.INFO, "dkim-selectors-capped", params, ())


def _unreachable(observations: list[Observation]) -> Observation:
    errors = [o for o in observations if o.code == "dns-error"]
    error = str(errors[0].params.get("error", "no answer")) if errors else "no answer"
    evidence = tuple(line for o in errors for line in o.evidence)
    return Observation(
        "dns-error", Severity.CRITICAL, "dns-error.unreachable", {"error": error}, evidence
    )
