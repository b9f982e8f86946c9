"""The report page: one HTML file from a Jinja2 template with autoescaping on.

Everything a report says about itself (reporter names, domains, reverse DNS, comments) is
attacker-controlled, so the template escapes every value; the only markup passed through is
the charts' SVG, which matplotlib's XML writer escaped and :func:`reports.svg.inline` checked.
The page loads nothing: styles are inline, charts are inline SVG, and a Content-Security-Policy
forbids scripts and every fetch should anything slip through.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2
from markupsafe import Markup

from .i18n import Translator, load_translations
from .view import ReportView

TEMPLATES = Path(__file__).with_name("templates")
TEMPLATE = "report.html.j2"


@functools.cache
def _environment(lang: str) -> jinja2.Environment:
    """One environment per language, its gettext installed once (they are never shared)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value, whatever the template's file name
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["svg"] = Markup  # charts only: escaped by matplotlib, checked by reports.svg
    env.install_gettext_translations(  # type: ignore[attr-defined]
        load_translations(lang), newstyle=True
    )
    return env


def render_html(view: ReportView, t: Translator) -> str:
    """The page of *view*, its sentences in *t*'s language."""
    return _environment(t.lang).get_template(TEMPLATE).render(report=view)
