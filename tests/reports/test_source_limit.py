"""The failing-sources table shows the sources with most messages and counts the others."""

from __future__ import annotations

import random

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


def _spread(seed: int, rows: int = 400) -> pd.DataFrame:
    """Failing and passing rows of two domains, IPs met several times, ties in messages."""
    rng = random.Random(seed)
    return pd.DataFrame(
        {
            c.DOMAIN: [rng.choice(["a.example", "b.example"]) for _ in range(rows)],
            c.SOURCE_IP: [f"198.51.100.{rng.randrange(90)}" for _ in range(rows)],
            c.RDNS: [rng.choice(["", "mx.example.net"]) for _ in range(rows)],
            c.SENDER: [rng.choice(["unknown", "sendgrid", "microsoft365"]) for _ in range(rows)],
            c.FORWARDED: [rng.random() < 0.2 for _ in range(rows)],
            c.MESSAGES: [rng.choice([1, 2, 2, 5]) for _ in range(rows)],
            c.RECEIVER: [rng.choice(["google.com", "gmx.net", "Yahoo", None]) for _ in range(rows)],
            c.DMARC_PASS: [rng.random() < 0.3 for _ in range(rows)],
        }
    )


def _expected(rows: pd.DataFrame, limit: int) -> list[tuple[object, ...]]:
    """The table worked out in plain Python: sums per source, biggest first, ties in the
    order the sources are first met; the receivers of every failing row of the source."""
    sources: dict[tuple[str, str], dict[str, object]] = {}
    for row in rows[~rows[c.DMARC_PASS]].to_dict("records"):
        key = (row[c.DOMAIN], row[c.SOURCE_IP])
        seen = sources.setdefault(key, {"messages": 0, "receivers": set(), "forwarded": False})
        seen["messages"] += row[c.MESSAGES]  # type: ignore[operator]
        seen["receivers"].add(str(row[c.RECEIVER]))  # type: ignore[attr-defined]
        seen["forwarded"] = seen["forwarded"] or row[c.FORWARDED]
    ranked = sorted(sources.items(), key=lambda item: -item[1]["messages"])  # type: ignore[operator]
    return [
        (domain, ip, s["messages"], ", ".join(sorted(s["receivers"])), s["forwarded"])  # type: ignore[call-overload]
        for (domain, ip), s in ranked[:limit]
    ]


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("limit", [3, 50, 200])
def test_the_sources_shown_are_summed_and_named_from_every_failing_row(
    seed: int, limit: int
) -> None:
    rows = _spread(seed)
    failing = tables.failing_sources(rows, load_catalogue(), limit=limit)
    shown = list(
        zip(
            failing[c.DOMAIN], failing[c.SOURCE_IP], failing[c.MESSAGES], failing["receivers"],
            failing[c.FORWARDED], strict=True,
        )
    )  # fmt: skip
    expected = _expected(rows, limit)
    assert shown == expected
    failing_sources = len(
        {tuple(k) for k in rows[~rows[c.DMARC_PASS]][[c.DOMAIN, c.SOURCE_IP]].values}
    )
    assert failing.attrs[tables.LEFT_OFF] == max(0, failing_sources - limit)
