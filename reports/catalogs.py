"""Keep the message catalogues in step with the code (a maintainer's tool, not used at run time).

``python -m reports.catalogs`` extracts every message of ``reports/*.py`` and the templates
with Babel, adds new ones to each ``reports.po`` (untranslated, so the catalogue test fails
until someone translates them) and drops messages the code no longer uses. English msgstrs
are left empty: the msgid is the English text.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from dmarcwatch.reports.i18n import DOMAIN, LANGUAGES, LOCALES, po_path

PACKAGE = Path(__file__).parent
METHODS = [("*.py", "python"), ("templates/**.j2", "jinja2.ext:babel_extract")]
OPTIONS = {"templates/**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}}
HEADER = (
    "# The words of the dmarcwatch report, language {lang}.\n"
    "# msgid is the English text; update with: python -m reports.catalogs\n"
    "# This file is distributed under the same license as the dmarcwatch project."
)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def extract() -> Catalog:
    """Every message the code and templates use, with where it is used."""
    catalog = Catalog(domain=DOMAIN, project="dmarcwatch", version="1", charset="utf-8")
    found = extract_from_dir(PACKAGE, METHODS, OPTIONS, KEYWORDS, comment_tags=("TRANSLATORS:",))
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def update(lang: str, template: Catalog) -> tuple[int, int]:
    """Merge *template* into the catalogue of *lang*; returns (added, removed)."""
    path = po_path(lang)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=LOCALES[lang], domain=DOMAIN)
    else:
        catalog = Catalog(locale=LOCALES[lang], domain=DOMAIN, project="dmarcwatch")
    before = {m.id for m in catalog if m.id}
    catalog.update(template, no_fuzzy_matching=True)
    after = {m.id for m in catalog if m.id}
    catalog.obsolete.clear()
    catalog.fuzzy = False
    catalog.project, catalog.version = "dmarcwatch", "1"
    catalog.header_comment = HEADER.format(lang=lang)
    catalog.last_translator = "dmarcwatch contributors"
    catalog.language_team = f"{LOCALES[lang]} (dmarcwatch)"
    catalog.msgid_bugs_address = ""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=96, omit_header=False, sort_output=True,
                 include_lineno=False)  # fmt: skip
    return len(after - before), len(before - after)


def main() -> int:
    template = extract()
    for lang in LANGUAGES:
        added, removed = update(lang, template)
        print(f"{po_path(lang).relative_to(PACKAGE.parent)}: {added} new, {removed} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
