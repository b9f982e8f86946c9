"""Key fields an index can hold, on both backends (``store_url``: SQLite and a real
PostgreSQL, whose B-tree refused a 6,000-character ``org_name`` with "index row size …
exceeds" and exit 70, so that the rest of the batch was lost and ``poll`` failed every run)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest

from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store
from tests.ingest.reportxml import Report

EMOJI = "\U0001f600"  # four bytes in UTF-8


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        yield opened


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"org": "o" * 6000}, "org_name is 6000 bytes long, more than the 512"),
        ({"report_id": EMOJI * 129}, "report_id is 516 bytes long, more than the 512"),
        ({"domain": "d" * 1100 + ".ch"}, "policy_domain is 1103 bytes long"),
    ],
)
def test_a_key_field_too_long_for_the_index_is_rejected_in_one_line(
    store: Store, fields: dict[str, str], message: str
) -> None:
    outcome = import_input(store, "long.xml", Report(**fields).bytes())  # type: ignore[arg-type]
    (rejection,) = outcome.rejected
    assert message in rejection.reason and "\n" not in rejection.reason
    assert rejection.reject_class == "invalid-report"
    assert import_input(store, "next.xml", Report(report_id="next").bytes()).stored == 1
    assert store.totals().reports == 1


def test_key_fields_at_their_longest_are_stored_and_found_again(store: Store) -> None:
    report = Report(org=EMOJI * 128, report_id=EMOJI * 128, domain=("a" * 63 + ".") * 3 + "ch")
    assert import_input(store, "a.xml", report.bytes()).stored == 1
    again = import_input(store, "b.xml", report.bytes().replace(b"\n", b"\r\n"))
    assert (again.stored, again.duplicates) == (0, 1)


def test_a_reject_named_by_a_very_long_member_name_is_kept(store: Store) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(2):
            archive.writestr(f"{i}{'n' * 6000}.xml", b"<feedback>broken")
    outcome = import_input(store, "long-names.zip", buffer.getvalue())
    assert len(outcome.rejected) == 2
    assert store.totals().rejects == 2
