"""The failing-sources table shows the sources with most messages and counts the others."""

from __future__ import annotations

import pandas as pd
import pytest

from dmarcwatch.analysis import columns as c
from dmarcwatch.analysis import tables
from dmarcwatch.analysis.catalogue import load_catalogue
from dmarcwatch.reports import compose
from dmarcwatch.reports.i18n import Translator


def _failing(sources: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.DOMAIN: "email.physio-muster.ch",
            c.SOURCE_IP: [f"192.0.2.{i}" for i in range(sources)],
            c.RDNS: "",
            c.SENDER: "unknown",
            c.FORWARDED: False,
            c.MESSAGES: list(range(1, sources + 1)),
            c.RECEIVER: "google.com",
            c.DMARC_PASS: False,
        }
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "… and 3 more sources with fewer messages"),
        ("de", "… und 3 weitere Quellen mit weniger Nachrichten"),
        ("fr", "… et 3 autres sources avec moins de messages"),
        ("it", "… e altre 3 fonti con meno messaggi"),
    ],
)
def test_sources_beyond_the_limit_are_counted_below_the_table(lang: str, expected: str) -> None:
    failing = tables.failing_sources(_failing(53), load_catalogue())
    view = compose.failing_table(failing, Translator.for_language(lang))
    assert len(view.rows) == 50 and view.rows[0][0].text == "192.0.2.52"
    assert view.note == expected


def test_a_table_within_the_limit_has_no_note() -> None:
    failing = tables.failing_sources(_failing(3), load_catalogue())
    view = compose.failing_table(failing, Translator.for_language("en"))
    assert len(view.rows) == 3 and view.note == ""
