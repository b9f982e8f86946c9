"""TLS and failure reports in the store, on SQLite and PostgreSQL: deduplicated, redacted."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from dmarcwatch.analysis.read import Reader, Selection
from dmarcwatch.ingest import schema
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store

KINDS = Path(__file__).resolve().parents[2] / "samples" / "kinds"
TLS = sorted((KINDS / "tls").iterdir())
YAHOO = (KINDS / "failure" / "yahoo-sendgrid-unauthenticated.eml").read_bytes()


def rows(store: Store, table: str) -> list[dict[str, object]]:
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(schema.metadata.tables[table]))]


def test_tls_reports_are_stored_once_with_policies_and_failures(store: Store) -> None:
    for path in TLS:
        outcome = import_input(store, path.name, path.read_bytes())
        assert (outcome.kind, outcome.tls_reports, outcome.rejected) == ("processed", 1, ())
    again = import_input(store, "copy", TLS[0].read_bytes().replace(b"\n", b"\r\n"))
    assert again.tls_reports == 1 and again.rejected == ()
    assert len(rows(store, "tls_reports")) == 5
    assert len(rows(store, "tls_policies")) == 5
    failures = rows(store, "tls_failures")
    assert sorted(str(f["result_type"]) for f in failures) == [
        "certificate-expired",
        "starttls-not-supported",
        "sts-policy-fetch-error",
    ]
    totals = Reader(store.engine).tls_totals(Selection(domains=("physio-muster.ch",)))
    assert sum(t.successful for t in totals) == 57 + 210 + 12 + 48 + 95
    reader = Reader(store.engine)
    everything = Selection(receivers=("google.com",))
    assert [f.result_type for f in reader.tls_failures(everything)] == ["certificate-expired"]
    assert len(reader.tls_export_rows(Selection())) == 5


def test_a_tls_report_reusing_a_stored_id_with_other_content_is_a_conflict(store: Store) -> None:
    original = TLS[1].read_bytes()  # google.com!…json (plain)
    import_input(store, "a.json", original)
    changed = original.replace(
        b'"total-successful-session-count": 57', b'"total-successful-session-count": 58'
    )
    outcome = import_input(store, "b.json", changed)
    assert [r.reject_class for r in outcome.rejected] == ["conflict"]


def test_a_failure_report_keeps_only_what_diagnosis_needs_by_default(store: Store) -> None:
    outcome = import_input(store, "ruf.eml", YAHOO)
    assert (outcome.kind, outcome.failure_reports) == ("processed", 1)
    (row,) = rows(store, "failure_reports")
    assert row["personal"] is None and row["header_from"] == "*@email.praxis-beispiel.ch"
    assert "anna.meier" not in json.dumps(row, default=str)
    (blob,) = rows(store, "blobs")
    assert (blob["compression"], bytes(blob["data"]), blob["size"]) == ("dropped", b"", len(YAHOO))  # type: ignore[arg-type]
    assert list(store.iter_blobs(rejected_only=False)) == []  # nothing for reparse to read
    assert import_input(store, "again.eml", YAHOO).duplicates == 1  # skipped on its digest
    (found,) = Reader(store.engine).failure_reports(
        Selection(domains=("email.praxis-beispiel.ch",))
    )
    assert (found.reporter, found.dkim_signatures) == ("yahoo.com", (("sendgrid.net", "smtpapi"),))


def test_the_privacy_switch_keeps_the_details_and_the_mail(store: Store) -> None:
    store.keep_personal = True
    import_input(store, "ruf.eml", YAHOO)
    (row,) = rows(store, "failure_reports")
    personal = json.loads(str(row["personal"]))
    assert personal["original_rcpt_to"] == ["<anna.meier@yahoo.com>"]
    assert store.get_blob(str(rows(store, "blobs")[0]["sha256"])) == YAHOO
