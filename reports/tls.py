"""The TLS section of a domain in the report: SMTP TLS reports (RFC 8460) as two tables.

Sessions per reporter and policy type, then every failure detail with its day, result and the
receiving server. Drawn from what the analysis hands over (:class:`DomainSummary`), no SQL.
"""

from __future__ import annotations

from ..analysis.api import DomainSummary
from .i18n import Translator
from .view import Cell, TableView

MAX_FAILURE_ROWS = 50


def tls_tables(summary: DomainSummary, t: Translator) -> tuple[TableView, ...]:
    """The domain's TLS tables; none without TLS reports."""
    if not summary.tls:
        return ()
    return (_sessions(summary, t), *_failures(summary, t))


def _number(value: int, t: Translator) -> Cell:
    return Cell(t.number(value), True)


def _sessions(summary: DomainSummary, t: Translator) -> TableView:
    columns = (
        Cell(t.gettext("Reporter")),
        Cell(t.gettext("Policy")),
        Cell(t.gettext("Reports"), True),
        Cell(t.gettext("Encrypted sessions"), True),
        Cell(t.gettext("Failed sessions"), True),
    )
    rows = tuple(
        (
            Cell(total.org_name),
            Cell(total.policy_type),
            _number(total.reports, t),
            _number(total.successful, t),
            Cell(t.number(total.failed), True, "bad" if total.failed else ""),
        )
        for total in summary.tls
    )
    caption = t.gettext("Delivery to the domain over TLS, by reporter")
    return TableView("tls", caption, columns, rows)


def _failures(summary: DomainSummary, t: Translator) -> tuple[TableView, ...]:
    failures = summary.tls_failures
    if not failures:
        return ()
    columns = (
        Cell(t.gettext("Day")),
        Cell(t.gettext("Reporter")),
        Cell(t.gettext("Result")),
        Cell(t.gettext("Receiving server")),
        Cell(t.gettext("Sending server")),
        Cell(t.gettext("Sessions"), True),
    )
    rows = tuple(
        (
            Cell(t.date(f.day)),
            Cell(f.org_name),
            Cell(f.result_type + (f" ({f.failure_reason_code})" if f.failure_reason_code else "")),
            Cell(f.receiving_mx_hostname or f.receiving_ip or "–"),
            Cell(f.sending_mta_ip or "–"),
            _number(f.sessions, t),
        )
        for f in failures[:MAX_FAILURE_ROWS]
    )
    caption = t.gettext("TLS failures reported")
    return (TableView("tls-failures", caption, columns, rows),)
