"""Property tests: whatever the bytes, unpack and parse return or raise the project's own
rejection error (:class:`ingest.errors.RejectedInput`), never anything else, and quickly.

Examples are derived from a fixed seed (``derandomize``), so every run tries the same
inputs; ``benchmarks/fuzz.py`` runs the same properties with many more examples.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dmarcwatch.ingest.errors import RejectedInput
from dmarcwatch.ingest.limits import Limits
from dmarcwatch.ingest.parse import parse_report
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store
from dmarcwatch.ingest.unpack import unpack
from tests.fuzz.strategies import any_input, mutated_reports, split

EXAMPLES = int(os.environ.get("DMARCWATCH_FUZZ_EXAMPLES", "250"))
# Small limits so that limit paths are reached by small inputs, and each example is cheap.
LIMITS = Limits(max_report_bytes=1 << 20, max_zip_members=20, max_depth=4, max_mime_parts=50)
TIMES = re.compile(r"(.*) \((\d+) times\)", re.DOTALL)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=3000,  # ms per example, generous for a loaded two-core machine
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def read_everything(data: bytes, *, exact: bool = False) -> int:
    """Unpack and parse every payload; return the records read. Rejections are fine."""
    try:
        payloads = list(unpack(data, LIMITS))
    except RejectedInput:
        return 0
    records = 0
    for payload in payloads:
        try:
            records += len(parse_report(payload.chunks(), LIMITS, exact=exact).records)
        except RejectedInput:
            continue
    return records


def outcome(chunks: Iterable[bytes], *, exact: bool) -> object:
    """The parsed report, or the rejection's class and reason.

    Which warnings are the header's, which come after it, and so their order and how a
    repeated one is counted in each part, depend on how much was read when the header was
    ready (on the chunking); each warning and how often it was given in all do not.
    """
    try:
        report = parse_report(chunks, LIMITS, exact=exact)
    except RejectedInput as exc:
        return (exc.reject_class, exc.reason)
    return (replace(report.header, warnings=()), report.records, tally(report.warnings))


def tally(warnings: Iterable[str]) -> Counter[str]:
    """Each warning with the times it was given ("… (3 times)" is the same warning 3 times)."""
    counts: Counter[str] = Counter()
    for warning in warnings:
        found = TIMES.fullmatch(warning)
        if found:
            counts[found.group(1)] += int(found.group(2))
        else:
            counts[warning] += 1
    return counts


@FUZZ
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_are_read_or_rejected(data: bytes) -> None:
    read_everything(data)


@FUZZ
@given(any_input())
def test_arbitrary_input_behind_any_magic_is_read_or_rejected(data: bytes) -> None:
    read_everything(data)


@FUZZ
@given(mutated_reports())
def test_mutated_reports_are_read_or_rejected(data: bytes) -> None:
    read_everything(data)


@FUZZ
@given(st.data())
def test_the_fast_path_and_the_exact_parser_agree_on_mutated_reports(data: st.DataObject) -> None:
    """Records read by regular expressions must come out as expat's callbacks read them, and
    whatever the chunking of the stream."""
    xml = data.draw(mutated_reports(max_mutations=2).filter(lambda b: b.lstrip()[:1] == b"<"))
    exact = outcome([xml], exact=True)
    assert outcome(data.draw(split(xml)), exact=False) == exact
    assert outcome([xml], exact=False) == exact


@settings(FUZZ, max_examples=max(20, EXAMPLES // 5))
@given(st.lists(any_input(), min_size=1, max_size=4))
def test_the_pipeline_stores_or_rejects_every_input_and_never_fails(inputs: list[bytes]) -> None:
    """Through the store too: an input may be stored, found a duplicate or rejected, and the
    store's totals add up (nothing half-stored)."""
    with Store.open(":memory:") as store:
        stored = records = 0
        for number, data in enumerate(inputs):
            result = import_input(store, f"fuzz-{number}", data, LIMITS)
            stored += result.stored
            records += result.records
        totals = store.totals()
    assert (totals.reports, totals.records) == (stored, records)
