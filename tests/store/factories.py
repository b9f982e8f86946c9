"""Reports built directly from :mod:`ingest.model`, for store tests (no parser involved)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from dmarcwatch.ingest.model import (
    DkimAuthResult,
    PolicyOverrideReason,
    PolicyPublished,
    Record,
    ReportEnd,
    ReportHeader,
    ReportMetadata,
    SpfAuthResult,
)
from dmarcwatch.ingest.store import AddResult, Store


def header(report_id: str = "r-1", *, domain: str = "email.physio-muster.ch") -> ReportHeader:
    """A header with every optional field set, so a round trip checks them all."""
    return ReportHeader(
        schema="rfc7489",
        version="1.0",
        metadata=ReportMetadata(
            org_name="google.com",
            email="noreply-dmarc-support@google.com",
            report_id=report_id,
            begin=1_700_000_000,
            end=1_700_086_399,
            extra_contact_info="https://support.google.com/a/answer/2466580",
            errors=("one error", "zwei Fehler ü"),
            generator="gen 1.0",
        ),
        policy=PolicyPublished(
            domain=domain,
            adkim="s",
            aspf="r",
            p="quarantine",
            sp="reject",
            np="none",
            pct=50,
            fo="1",
            testing="n",
            discovery_method="treewalk",
        ),
        warnings=("header warning",),
    )


def record(i: int) -> Record:
    """Record number *i*; every few records have no DKIM result, two of them, or reasons."""
    dkim = tuple(
        DkimAuthResult(f"d{j}.example", f"s{j}" if j else None, "pass", "good" if j else None)
        for j in range(i % 3)
    )
    reasons = (
        (PolicyOverrideReason("forwarded", None), PolicyOverrideReason("local_policy", "x\ty"))
        if i % 4 == 0
        else ()
    )
    return Record(
        source_ip=f"192.0.2.{i % 256}",
        count=i + 1,
        disposition="none",
        dkim="pass" if i % 2 else "fail",
        spf="fail",
        reasons=reasons,
        header_from="physio-muster.ch",
        envelope_from="email.physio-muster.ch" if i % 2 else None,
        envelope_to=None,
        dkim_results=dkim,
        spf_results=(SpfAuthResult("email.physio-muster.ch", "mfrom", "pass", None),),
    )


def records(n: int) -> Iterator[Record]:
    return (record(i) for i in range(n))


CONTENT_SHA256 = hashlib.sha256(b"content").hexdigest()


class Counted:
    """Passes records through and counts them, as the parser's stream does for its ReportEnd."""

    def __init__(self, rows: Iterable[Record]) -> None:
        self._rows = rows
        self.records = 0
        self.messages = 0

    def __iter__(self) -> Iterator[Record]:
        for row in self._rows:
            self.records += 1
            self.messages += row.count
            yield row

    def end(self) -> ReportEnd:
        return ReportEnd(self.records, self.messages, warnings=("end warning",))


def add(
    store: Store,
    head: ReportHeader,
    rows: Iterable[Record],
    *,
    data: bytes = b"<feedback/>",
    location: str = "report.xml",
) -> AddResult:
    """Store a report the way the pipeline does: blob first, then the report."""
    blob = store.put_blob(data)
    counted = Counted(rows)
    return store.add_report(
        head,
        counted,
        counted.end,
        source="file:/inbox/report.xml",
        location=location,
        blob_sha256=blob,
        content_sha256=lambda: CONTENT_SHA256,
    )
