"""A matplotlib figure as SVG markup fit to sit inline in an HTML page, byte for byte stable.

matplotlib writes a standalone document: an XML declaration, a DOCTYPE, metadata naming its
version, a global ``<style>`` and ids such as ``figure_1`` that repeat in every figure. Inline,
the style would apply to the whole page and the ids would clash, so they go; the ids that are
referenced (clip paths, markers) are hashed with a per-chart salt and stay unique. Text stays
text (``svg.fonttype = none``): it scales, can be searched and copied, and is escaped by
matplotlib's XML writer.
"""

from __future__ import annotations

import io
import re

from matplotlib.figure import Figure

from .errors import ReportsError

_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_STYLE = re.compile(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ID = re.compile(r'\sid="([^"]*)"')
_REFERENCE = re.compile(r'(?:href="#|url\(#)([^")]+)')
_ROOT = re.compile(r"<svg\b[^>]*>")
_VIEWBOX = re.compile(r'viewBox="([^"]+)"')
# Inside a tag (text content cannot hold a raw '<'): elements and attributes that run code or
# load something. matplotlib never writes them; finding one means the SVG is not ours.
_UNSAFE = re.compile(
    r"<\s*/?\s*(?:script|style|foreignObject|iframe|object|embed|image|a)\b"
    r"|<[^>]*(?:\son\w+\s*=|javascript:|data:|https?:)",
    re.I,
)


class UnsafeSvg(ReportsError, ValueError):
    """An SVG that holds markup matplotlib does not write (scripts, handlers, links)."""


def figure_svg(figure: Figure, element_id: str, label_id: str) -> str:
    """The figure as an inline ``<svg>`` element with *element_id*, labelled by *label_id*."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return inline(buffer.getvalue(), element_id, label_id)


def inline(document: str, element_id: str, label_id: str) -> str:
    """Strip a standalone SVG document down to an element for an HTML page."""
    text = _PROLOGUE.sub("", document, count=1)
    text = _METADATA.sub("", text)
    text = _STYLE.sub("", text, count=1)
    text = _COMMENT.sub("", text)
    referenced = set(_REFERENCE.findall(text))
    text = _ID.sub(lambda m: m.group(0) if m.group(1) in referenced else "", text)
    view_box = _VIEWBOX.search(text)
    box = view_box.group(1) if view_box else "0 0 100 100"
    root = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'id="{element_id}" class="chart-svg" viewBox="{box}" role="img" '
        f'aria-labelledby="{label_id}">'
    )
    text = _ROOT.sub(lambda _: root, text, count=1).strip() + "\n"
    check_inert(text.replace(root, "<svg>", 1))
    return text


def check_inert(svg: str) -> None:
    """Raise :class:`UnsafeSvg` if *svg* has a script, an event handler or a link."""
    found = _UNSAFE.search(svg)
    if found:
        raise UnsafeSvg(f"unexpected markup in a chart: {found.group(0)[:40]!r}")


def figure_png(figure: Figure, dpi: int = 150) -> bytes:
    """The figure as PNG, without the software stamp (so equal inputs give equal bytes)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
