"""The five charts of one domain, titled and described in the reader's language.

A chart with nothing to draw (no SendGrid mail, no failing source) is replaced by a sentence
saying so, rather than an empty frame.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..analysis.api import DomainSummary
from . import chartdata as cd
from . import charts
from .charts import RenderedChart
from .i18n import Translator
from .view import ChartNote

CHART_KEYS = ("daily", "senders", "sendgrid", "receivers", "failing")


@dataclass(frozen=True)
class Gallery:
    charts: tuple[RenderedChart, ...]
    notes: tuple[ChartNote, ...]


def chart_id(index: int, key: str) -> str:
    """The HTML id of a chart: stable, and free of any text taken from reports."""
    return f"chart-{index}-{key}"


def domain_gallery(
    summary: DomainSummary,
    index: int,
    first: dt.date,
    last: dt.date,
    t: Translator,
    *,
    png: bool = False,
) -> Gallery:
    """Draw the charts of *summary* for the days *first* to *last*."""
    drawn: list[RenderedChart] = []
    notes: list[ChartNote] = []
    if not summary.messages:
        return Gallery((), ())
    names = summary.catalogue.name

    def add(key: str, title: str, description: str, build: charts.Builder) -> None:
        drawn.append(charts.draw(key, chart_id(index, key), title, description, build, png=png))

    daily = cd.daily_results(summary.rows, first, last)
    add(
        "daily",
        t.gettext("Messages per day by DMARC result"),
        t.gettext(
            "One bar per day (UTC). Blue passes DMARC; orange fails although it comes from a "
            "known service; vermilion fails and comes from an unknown source."
        ),
        lambda: charts.daily_chart(daily, t),
    )
    senders = cd.sender_pass_rates(summary.senders())
    add(
        "senders",
        t.gettext("DMARC pass rate per sender"),
        t.gettext(
            "The share of each sender's messages that passed DMARC, with the number of "
            "messages. Forwarded copies are listed apart."
        ),
        lambda: charts.senders_chart(senders, names, t),
    )
    cells = cd.sendgrid_cells(summary.sendgrid_matrix())
    if int(cells.to_numpy().sum()):
        add(
            "sendgrid",
            t.gettext("SendGrid: SPF aligned \u00d7 DKIM aligned"),
            t.gettext(
                "Messages sent through SendGrid. DMARC passes when SPF or DKIM is aligned with "
                "the From domain; the outlined cell fails."
            ),
            lambda: charts.sendgrid_chart(cells, t),
        )
    else:
        notes.append(
            ChartNote(
                "sendgrid",
                t.gettext("SendGrid: SPF aligned \u00d7 DKIM aligned"),
                t.gettext("No mail went through SendGrid in this period."),
            )
        )
    receivers = cd.receiver_dispositions(summary.receivers())
    add(
        "receivers",
        t.gettext("What receivers did with the mail"),
        t.gettext("Messages per receiver: delivered, quarantined (spam folder) or rejected."),
        lambda: charts.receivers_chart(receivers, t),
    )
    failing = cd.top_failing(summary.failing_sources())
    if len(failing):
        add(
            "failing",
            t.gettext("Top sources failing DMARC"),
            t.gettext(
                "The source IPs with most messages failing DMARC. Orange: a known service "
                "(often forwarding or a setup error); vermilion: an unknown source, possibly "
                "someone using the domain."
            ),
            lambda: charts.failing_chart(failing, t),
        )
    else:
        notes.append(
            ChartNote(
                "failing",
                t.gettext("Top sources failing DMARC"),
                t.gettext("No source failed DMARC in this period."),
            )
        )
    return Gallery(tuple(drawn), tuple(notes))
