"""Text that reached the terminal raw before issue 19, item 12: invisible format characters,
and one long cell padding every row of a text table (the SMTP reply: tests/reports)."""

from __future__ import annotations

import pandas as pd
import pytest

from dmarcwatch.commands.senders import CELL_WIDTH, as_text
from dmarcwatch.ingest.errors import quote
from dmarcwatch.reports import charts
from dmarcwatch.reports.text import plain

INVISIBLE = "\u061c\u200b\u200e\u200f\u2060\u2064\ufeff\U000e0001\U000e0041\U000e007f"


@pytest.mark.parametrize("char", list(INVISIBLE))
def test_invisible_format_characters_are_escaped_for_the_terminal(char: str) -> None:
    shown = quote(f"report{char}.xml")
    assert char not in shown
    assert "\\u" in shown or "\\U" in shown


def test_invisible_format_characters_are_dropped_from_mail_text_and_charts() -> None:
    assert plain(f"goo{INVISIBLE}gle.com") == "google.com"
    assert charts.label(f"goo{INVISIBLE}gle.com") == "google.com"


def test_a_long_cell_is_cut_and_does_not_pad_every_row() -> None:
    long_domain = "a" * 1_000_000 + ".ch"
    rows = [
        {
            "domain": domain,
            "sender_name": "SendGrid",
            "sources": 1,
            "messages": 10,
            "dmarc_pass_pct": 100.0,
            "dkim_aligned_pct": 100.0,
            "spf_aligned_pct": 100.0,
        }
        for domain in [long_domain, *(f"email{i}.physio.ch" for i in range(11))]
    ]
    text = as_text(pd.DataFrame(rows))
    assert len(text) < 12 * 200
    lines = text.splitlines()
    assert max(len(line) for line in lines) < CELL_WIDTH + 80
    assert ("a" * (CELL_WIDTH - 1) + "…") in text
