"""The report's charts, drawn with matplotlib's explicit Figure/Axes API on the Agg canvas.

No pyplot: each chart is a :class:`~matplotlib.figure.Figure` made here and dropped after it
is written, so nothing global is kept between charts (safe under cron and in tests). Colours
are the Okabe-Ito palette, told apart with red-green colour blindness: blue for mail that
passes (or is delivered), orange for failures from a known sender (or quarantine), vermilion
for failures from unknown sources (or reject). Every label that comes from a report (receiver
names, reverse DNS) is cut short and shown as plain text (mathtext is off).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, cast

import matplotlib
import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from ..analysis import columns as c
from ..analysis import tables
from . import chartdata as cd
from .i18n import Translator
from .svg import figure_png, figure_svg

BLUE = "#0072B2"
ORANGE = "#E69F00"
VERMILION = "#D55E00"
SKY = "#56B4E9"
INK = "#1F2933"
MUTED = "#52606D"
GRID = "#D9DEE3"
TRACK = "#EEF1F4"
WIDTH = 5.2  # inches; the page scales the SVG to its column (about 13 px text on a desktop)
MAX_LABEL = 34
_CONTROL: dict[int, str | None] = dict.fromkeys(
    [*range(32), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029], " "
)
_CONTROL |= dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], None)
# Invisible format characters (marks, joiners, byte-order mark, tags): dropped.
_CONTROL |= dict.fromkeys([0x061C, 0x200B, 0x200E, 0x200F, *range(0x2060, 0x2065), 0xFEFF], None)
_CONTROL |= dict.fromkeys(range(0xE0000, 0xE0080), None)


def _style(salt: str) -> dict[str, Any]:
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": salt,  # stable, per-chart ids: same data, same bytes
        "text.parse_math": False,  # a '$' in a receiver's name is a dollar, not TeX
        "text.usetex": False,
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],
        "font.size": 9,
        "axes.edgecolor": GRID,
        "axes.labelcolor": MUTED,
        "axes.titlesize": 10,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "text.color": INK,
        "legend.frameon": False,
        "legend.fontsize": 8.5,
        "figure.dpi": 100,
        "path.simplify": True,
    }


def label(text: object, limit: int = MAX_LABEL) -> str:
    """Report text fit for an axis: no control or bidi characters, at most *limit* characters."""
    clean = " ".join(str(text).translate(_CONTROL).split())
    return clean if len(clean) <= limit else clean[: limit - 1] + "\u2026"


Builder = Callable[[], Figure]


@dataclass(frozen=True)
class RenderedChart:
    """One chart, drawn: its SVG for the page and, when asked, a PNG for ``--charts-dir``."""

    key: str
    element_id: str
    title: str
    description: str
    svg: str
    png: bytes | None = None


@contextmanager
def _drawing(salt: str) -> Iterator[None]:
    with matplotlib.rc_context(cast(Any, _style(salt))):
        yield


def draw(
    key: str,
    element_id: str,
    title: str,
    description: str,
    build: Builder,
    *,
    png: bool = False,
) -> RenderedChart:
    """Build a figure with the report style and write it as inline SVG (and PNG)."""
    with _drawing(element_id):
        figure = build()
        # lay out once, then freeze: the SVG is the same with or without the PNG
        figure.get_layout_engine().execute(figure)  # type: ignore[union-attr]
        figure.set_layout_engine("none")
        svg = figure_svg(figure, element_id, f"{element_id}-title")
        image = figure_png(figure) if png else None
    return RenderedChart(key, element_id, title, description, svg, image)


def _figure(height: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH, height), layout="constrained")
    FigureCanvasAgg(figure)  # the Agg canvas: text can be measured while the chart is built
    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(length=0)
    return figure, axes


def _value_grid(axes: Axes, axis: Literal["x", "y"]) -> None:
    axes.grid(axis=axis, color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)


def _COUNT_TICKS() -> matplotlib.ticker.MaxNLocator:  # noqa: N802 - reads like a constant
    return matplotlib.ticker.MaxNLocator(5, integer=True, steps=[1, 2, 2.5, 5, 10])


def _count_formatter(t: Translator) -> matplotlib.ticker.FuncFormatter:
    return matplotlib.ticker.FuncFormatter(lambda v, _pos: t.number(v))


def daily_chart(data: pd.DataFrame, t: Translator) -> Figure:
    """Messages per day, stacked: pass, fail (known sender), fail (unknown source)."""
    figure, axes = _figure(2.9)
    days = np.arange(len(data))
    bottom = np.zeros(len(data))
    series = (
        (cd.PASS, BLUE, t.gettext("passes DMARC")),
        (cd.FAIL_KNOWN, ORANGE, t.gettext("fails, known sender")),
        (cd.FAIL_UNKNOWN, VERMILION, t.gettext("fails, unknown source")),
    )
    width = 0.8 if len(data) <= 45 else 0.95
    keys: list[matplotlib.patches.Patch] = []
    for column, colour, name in series:
        top = bottom + data[column].to_numpy(dtype=float)
        axes.add_collection(_bars(days - width / 2, width, bottom, top, colour), autolim=True)
        keys.append(matplotlib.patches.Patch(facecolor=colour, linewidth=0, label=name))
        bottom = top
    axes.autoscale_view()
    _date_axis(axes, [ts.date() for ts in data.index], t)
    axes.yaxis.set_major_formatter(_count_formatter(t))
    axes.yaxis.set_major_locator(_COUNT_TICKS())
    axes.set_ylabel(t.gettext("messages"))
    axes.set_xlim(-0.7, max(len(data) - 0.3, 0.7))
    _value_grid(axes, "y")
    _legend(figure, keys)
    return figure


def _bars(
    left: npt.NDArray[np.floating[Any]],
    width: float,
    bottom: npt.NDArray[np.floating[Any]],
    top: npt.NDArray[np.floating[Any]],
    colour: str,
) -> PolyCollection:
    """Vertical bars from *bottom* to *top* as one collection: drawn as ``Axes.bar`` draws
    them (the same pixels, limits and zero line), without an artist per day, which cost
    two thirds of the daily chart over 90 days."""
    right = left + width
    corners = [(left, bottom), (left, top), (right, top), (right, bottom)]
    outlines = np.stack([np.column_stack(corner) for corner in corners], axis=1)
    bars = PolyCollection(list(outlines), facecolors=colour, edgecolors="none", linewidths=0)
    bars.sticky_edges.y.extend(np.unique(bottom).tolist())  # as bar(): no margin below a base
    return bars


def _date_axis(axes: Axes, days: list[dt.date], t: Translator) -> None:
    """About six date labels, on Mondays when the period is longer than two weeks."""
    if not days:
        axes.set_xticks([])
        return
    if len(days) > 14:
        ticks = [i for i, d in enumerate(days) if d.weekday() == 0]
        step = max(1, round(len(ticks) / 7))
        ticks = ticks[::step]
    else:
        step = max(1, round(len(days) / 7))
        ticks = list(range(0, len(days), step))
    axes.set_xticks(ticks, [t.short_date(days[i]) for i in ticks])


def sender_name(sender: str, forwarded: bool, names: Callable[[str], str], t: Translator) -> str:
    """The sender's catalogue name (or *unknown* in the reader's language), marked if forwarded."""
    name = t.gettext("unknown sender") if sender == cd.UNKNOWN else names(sender)
    return t.gettext("%(sender)s, forwarded", sender=name) if forwarded else name


def senders_chart(data: pd.DataFrame, names: Callable[[str], str], t: Translator) -> Figure:
    """Per sender, one bar of its mail: the part passing DMARC and the part failing."""
    n = len(data)
    figure, axes = _figure(1.0 + 0.3 * max(n, 2))
    rows = np.arange(n)
    passing = data[c.DMARC_PASS].to_numpy(dtype=float)
    total = data[c.MESSAGES].to_numpy(dtype=float)
    share = np.divide(passing, total, out=np.zeros(n), where=total > 0)
    unknown = (data[c.SENDER] == cd.UNKNOWN).to_numpy()
    fail_colours = [VERMILION if u else ORANGE for u in unknown]
    axes.barh(rows, np.ones(n), 0.62, color=TRACK, linewidth=0)
    axes.barh(rows, 1 - share, 0.62, left=share, color=fail_colours, linewidth=0)
    axes.barh(rows, share, 0.62, color=BLUE, linewidth=0, label=t.gettext("passes DMARC"))
    labels = [
        label(sender_name(s, bool(f), names, t))
        for s, f in zip(data[c.SENDER], data[c.FORWARDED], strict=True)
    ]
    axes.set_yticks(rows, labels)
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _pos: t.percent(v, 0)))
    axes.xaxis.set_major_locator(matplotlib.ticker.FixedLocator([0, 0.5, 1]))
    right = axes.twinx()
    right.set_ylim(axes.get_ylim())
    right.set_yticks(
        rows,
        [
            t.gettext("%(share)s of %(messages)s", share=t.percent(float(s)), messages=t.number(m))
            for s, m in zip(share, total, strict=True)
        ],
    )
    right.tick_params(length=0, colors=INK)
    for spine in (*axes.spines.values(), *right.spines.values()):
        spine.set_visible(False)
    axes.set_xlabel(t.gettext("share of the sender's messages passing DMARC"))
    _value_grid(axes, "x")
    _legend_fail(figure, t, any(unknown), not all(unknown))
    return figure


def _legend_fail(figure: Figure, t: Translator, unknown: bool, known: bool) -> None:
    handles = [_patch(BLUE, t.gettext("passes DMARC"))]
    if known:
        handles.append(_patch(ORANGE, t.gettext("fails, known sender")))
    if unknown:
        handles.append(_patch(VERMILION, t.gettext("fails, unknown source")))
    _legend(figure, handles)


def _patch(colour: str, text: str) -> matplotlib.patches.Patch:
    return matplotlib.patches.Patch(color=colour, label=text)


def _legend(figure: Figure, handles: list[Any]) -> None:
    """The keys above the plot, left-aligned: in one row if it fits the width, else fewer."""
    labels = [h.get_label() for h in handles]
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    for columns in range(len(handles), 0, -1):
        legend = figure.legend(
            handles=handles,
            labels=labels,
            loc="outside upper left",
            ncols=columns,
            handlelength=1,
            handleheight=1,
            columnspacing=1.2,
        )
        if legend.get_window_extent(renderer).width <= figure.bbox.width * 0.97 or columns == 1:
            return
        legend.remove()


_HEAT = LinearSegmentedColormap.from_list("dmarcwatch-blues", ["#F3F7FB", SKY, BLUE])


def sendgrid_chart(cells: pd.DataFrame, t: Translator) -> Figure:
    """SendGrid's mail in a 2×2 grid: SPF aligned (rows) × DKIM aligned (columns), with counts.

    Mail with neither aligned fails DMARC (RFC 7489 §3.1, §4.2); that cell is outlined.
    """
    figure, axes = _figure(3.0)
    values = cells.to_numpy(dtype=float)
    total = values.sum()
    scale = values / values.max() if values.max() > 0 else values
    for (row, col), value in np.ndenumerate(scale):  # rectangles, not a bitmap: stays vector
        axes.add_patch(
            matplotlib.patches.Rectangle(
                (col - 0.5, row - 0.5), 1, 1, facecolor=_HEAT(value), edgecolor="white",
                linewidth=2,
            )
        )  # fmt: skip
    axes.set_xlim(-0.5, 1.5)
    axes.set_ylim(1.5, -0.5)
    for (row, col), count in np.ndenumerate(values):
        share = t.percent(count / total) if total else t.percent(0)
        dark = scale[row, col] > 0.55
        axes.text(
            col,
            row,
            f"{t.number(count)}\n{share}",
            ha="center",
            va="center",
            fontsize=11,
            fontweight="bold",
            color="white" if dark else INK,
            linespacing=1.4,
        )
    axes.add_patch(
        matplotlib.patches.Rectangle(
            (0.5, 0.5), 1, 1, fill=False, edgecolor=VERMILION, linewidth=2.5
        )
    )
    axes.text(
        1,
        1.36,
        t.gettext("fails DMARC"),
        ha="center",
        va="center",
        fontsize=8.5,
        color=VERMILION,
    )
    yes, no = t.gettext("aligned"), t.gettext("not aligned")
    axes.set_xticks([0, 1], [yes, no])
    axes.set_yticks([0, 1], [yes, no])
    axes.xaxis.set_ticks_position("top")
    axes.xaxis.set_label_position("top")
    axes.set_xlabel(t.gettext("DKIM (signature domain)"))
    axes.set_ylabel(t.gettext("SPF (return path)"))
    for spine in axes.spines.values():
        spine.set_visible(False)
    return figure


def receivers_chart(data: pd.DataFrame, t: Translator) -> Figure:
    """Per receiver, its messages by what it did: delivered, quarantined, rejected."""
    n = len(data)
    figure, axes = _figure(1.0 + 0.3 * max(n, 2))
    rows = np.arange(n)
    left = np.zeros(n)
    names = {
        "none": t.gettext("delivered (none)"),
        "quarantine": t.gettext("quarantined"),
        "reject": t.gettext("rejected"),
    }
    for disposition, colour in zip(tables.DISPOSITIONS, (BLUE, ORANGE, VERMILION), strict=True):
        values = data[disposition].to_numpy(dtype=float)
        axes.barh(rows, values, 0.62, left=left, color=colour, label=names[disposition])
        left += values
    axes.set_yticks(rows, [label(r) for r in data[c.RECEIVER]])
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(_count_formatter(t))
    axes.xaxis.set_major_locator(_COUNT_TICKS())
    axes.set_xlabel(t.gettext("messages"))
    axes.spines["left"].set_visible(False)
    _value_grid(axes, "x")
    _legend(figure, axes.get_legend_handles_labels()[0])
    return figure


def failing_chart(data: pd.DataFrame, t: Translator) -> Figure:
    """The source IPs with most failing mail, coloured by whether their sender is known."""
    n = len(data)
    figure, axes = _figure(1.0 + 0.3 * max(n, 2))
    rows = np.arange(n)
    unknown = (data[tables.SENDER_NAME] == cd.UNKNOWN).to_numpy()
    colours = [VERMILION if u else ORANGE for u in unknown]
    values = data[c.MESSAGES].to_numpy(dtype=float)
    axes.barh(rows, values, 0.62, color=colours, linewidth=0)
    labels = [_source_label(row, t) for row in data.itertuples(index=False)]
    axes.set_yticks(rows, labels)
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(_count_formatter(t))
    axes.xaxis.set_major_locator(_COUNT_TICKS())
    axes.set_xlabel(t.gettext("messages failing DMARC"))
    axes.spines["left"].set_visible(False)
    _value_grid(axes, "x")
    handles = []
    if not all(unknown):
        handles.append(_patch(ORANGE, t.gettext("known sender")))
    if any(unknown):
        handles.append(_patch(VERMILION, t.gettext("unknown source")))
    _legend(figure, handles)
    return figure


def _source_label(row: Any, t: Translator) -> str:
    name = getattr(row, tables.SENDER_NAME)
    who = t.gettext("unknown") if name == cd.UNKNOWN else str(name)
    rdns = str(getattr(row, c.RDNS) or "")
    detail = f"{who}, {rdns}" if rdns else who
    return f"{label(getattr(row, c.SOURCE_IP), 40)} \u00b7 {label(detail, 28)}"
