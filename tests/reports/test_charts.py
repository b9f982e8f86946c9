"""Charts: drawn from small frames, inline SVG that is stable, unique and inert."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable

import matplotlib.image
import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from matplotlib.axes import Axes

from dmarcwatch.analysis import columns as c
from dmarcwatch.analysis import tables
from dmarcwatch.reports import chartdata as cd
from dmarcwatch.reports import charts
from dmarcwatch.reports.i18n import Translator
from dmarcwatch.reports.svg import UnsafeSvg, check_inert, figure_png, inline

T = Translator.for_language("en")


def _rows() -> pd.DataFrame:
    """Classified rows as analysis hands them: a pass, a known and an unknown failure."""
    return pd.DataFrame(
        {
            c.DAY: pd.to_datetime(["2026-09-01", "2026-09-01", "2026-09-03"]),
            c.DMARC_PASS: [True, False, False],
            c.SENDER: ["sendgrid", "sendgrid", "unknown"],
            c.MESSAGES: [10, 3, 5],
        }
    )


def test_daily_results_fill_every_day_and_split_failures() -> None:
    data = cd.daily_results(_rows(), dt.date(2026, 9, 1), dt.date(2026, 9, 4))
    assert list(data.index.strftime("%m-%d")) == ["09-01", "09-02", "09-03", "09-04"]
    assert data.loc["2026-09-01"].to_dict() == {cd.PASS: 10, cd.FAIL_KNOWN: 3, cd.FAIL_UNKNOWN: 0}
    assert data.loc["2026-09-02"].sum() == 0
    assert data.loc["2026-09-03", cd.FAIL_UNKNOWN] == 5


def _draw(key: str, build: charts.Builder, png: bool = False) -> charts.RenderedChart:
    return charts.draw(key, f"chart-1-{key}", key, key, build, png=png)


def _daily() -> charts.Builder:
    data = cd.daily_results(_rows(), dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    return lambda: charts.daily_chart(data, T)


def test_chart_svg_is_byte_identical_when_drawn_twice() -> None:
    first = _draw("daily", _daily(), png=True)
    second = _draw("daily", _daily(), png=True)
    assert first.svg == second.svg
    assert first.png == second.png
    assert first.png is not None and first.png.startswith(b"\x89PNG")


def test_chart_svg_is_an_inline_element_with_its_id_and_label() -> None:
    svg = _draw("daily", _daily()).svg
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'id="chart-1-daily"' in svg
    assert 'aria-labelledby="chart-1-daily-title"' in svg
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg and "<metadata" not in svg
    assert "<style" not in svg  # matplotlib's global style would leak into the page
    assert "<image" not in svg  # vector only
    assert "Matplotlib v" not in svg  # no version stamp: same bytes on any matplotlib


def test_two_charts_share_no_element_id() -> None:
    daily = _draw("daily", _daily()).svg
    failing = pd.DataFrame(
        {c.SOURCE_IP: ["192.0.2.1"], c.RDNS: [""], tables.SENDER_NAME: ["unknown"],
         c.FORWARDED: [False], c.MESSAGES: [4]}
    )  # fmt: skip
    other = _draw("failing", lambda: charts.failing_chart(failing, T)).svg
    ids_daily = set(re.findall(r'\sid="([^"]+)"', daily))
    ids_other = set(re.findall(r'\sid="([^"]+)"', other))
    assert ids_daily and ids_other
    assert not ids_daily & ids_other
    for ref in re.findall(r'(?:href="#|url\(#)([^")]+)', daily):
        assert ref in ids_daily  # every reference resolves inside its own chart


def test_report_text_in_labels_is_escaped_cut_and_not_tex() -> None:
    receivers = pd.DataFrame(
        {
            c.RECEIVER: ["<script>alert(1)</script>", "cost $x^2$ & co", "A" * 80],
            "none": [5, 3, 1],
            "quarantine": [0, 1, 0],
            "reject": [1, 0, 0],
        }
    )
    svg = _draw("receivers", lambda: charts.receivers_chart(receivers, T)).svg
    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "cost $x^2$ &amp; co" in svg  # mathtext off: the dollars are text
    assert "A" * 33 + "\u2026" in svg
    assert "A" * 34 not in svg


def test_control_and_bidi_characters_leave_labels() -> None:
    assert charts.label("evil\u202egro.elgoog\nline") == "evilgro.elgoog line"


def test_every_chart_builds_from_analysis_shaped_frames() -> None:
    senders = pd.DataFrame(
        {c.SENDER: ["sendgrid", "unknown"], c.FORWARDED: [False, True],
         c.MESSAGES: [100, 7], c.DMARC_PASS: [97, 0]}
    )  # fmt: skip
    matrix = pd.DataFrame([[60, 0], [30, 10]], index=[True, False], columns=[True, False])
    names = {"sendgrid": "SendGrid"}.get
    built = [
        _draw("senders", lambda: charts.senders_chart(senders, lambda s: names(s) or s, T)),
        _draw("sendgrid", lambda: charts.sendgrid_chart(cd.sendgrid_cells(matrix), T)),
    ]
    assert "SendGrid" in built[0].svg and "unknown sender, forwarded" in built[0].svg
    assert "97.0% of 100" in built[0].svg
    heat = built[1].svg
    assert ">30<" in heat and ">30.0%<" in heat  # the count and its share of SendGrid's mail
    assert ">10<" in heat and ">10.0%<" in heat and "fails DMARC" in heat


def test_translated_chart_uses_the_language() -> None:
    data = cd.daily_results(_rows(), dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    de = Translator.for_language("de")
    svg = _draw("daily", lambda: charts.daily_chart(data, de)).svg
    assert "besteht DMARC" in svg
    assert "Nachrichten" in svg
    assert "Sept." in svg  # dates on the axis in German


@pytest.mark.parametrize(
    "markup",
    [
        "<svg><script>alert(1)</script></svg>",
        '<svg><rect onload="alert(1)"/></svg>',
        '<svg><a href="https://evil.example/">x</a></svg>',
        '<svg><use xlink:href="data:image/svg+xml,AAA"/></svg>',
        "<svg><foreignObject></foreignObject></svg>",
    ],
)
def test_svg_with_active_content_is_refused(markup: str) -> None:
    with pytest.raises(UnsafeSvg):
        check_inert(markup)
    with pytest.raises(UnsafeSvg):
        inline(markup, "chart-x", "chart-x-title")


def test_text_that_merely_mentions_a_handler_is_fine() -> None:
    check_inert('<svg><text>"onerror=alert(1) javascript:x</text></svg>')


@pytest.mark.parametrize(
    "heights",
    [[3.0, 0.0, 7.5, 1.0], [0.0, 0.0, 0.0], [5.0], list(map(float, range(90)))],
    ids=["some", "zeros", "one", "ninety"],
)
def test_bars_drawn_as_one_collection_look_as_axes_bar_draws_them(heights: list[float]) -> None:
    def png(draw: Callable[[Axes, npt.NDArray[np.float64]], None]) -> tuple[bytes, object]:
        with charts._drawing("bars"):
            figure, axes = charts._figure(2.9)
            draw(axes, np.arange(len(heights), dtype=float))
            figure.get_layout_engine().execute(figure)  # type: ignore[union-attr]
            return figure_png(figure), axes.get_ylim()

    bottom = np.array(heights) / 3

    def by_bar(axes: Axes, days: npt.NDArray[np.float64]) -> None:
        axes.bar(days, heights, 0.95, bottom=bottom, color=charts.ORANGE, linewidth=0)

    def by_collection(axes: Axes, days: npt.NDArray[np.float64]) -> None:
        top = bottom + np.array(heights)
        axes.add_collection(charts._bars(days - 0.475, 0.95, bottom, top, charts.ORANGE))
        axes.autoscale_view()

    (expected, expected_limits), (drawn, limits) = png(by_bar), png(by_collection)
    assert limits == expected_limits
    assert np.array_equal(_pixels(drawn), _pixels(expected))


def _pixels(png: bytes) -> npt.NDArray[np.float32]:
    return np.asarray(matplotlib.image.imread(io.BytesIO(png), format="png"))
