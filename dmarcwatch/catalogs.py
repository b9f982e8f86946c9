"""Keep the message catalogues in step with the code (a maintainer's tool, not used at run time).

``python -m dmarcwatch.catalogs`` extracts with Babel every message of each gettext domain
(``analysis``, ``reports`` with its templates, ``commands``): the texts marked with
``_``, ``gettext``, ``ngettext``, ``pgettext``, ``npgettext``, ``N_`` and ``NP_`` (context
first). It adds new ones to each ``<package>/locale/<lang>/LC_MESSAGES/<domain>.po``
(untranslated, so the catalogue test fails until someone translates them) and drops messages the
code no longer uses. English msgstrs are left empty: the msgid is the English text.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from dmarcwatch.analysis.i18n import ANALYSIS, Domain
from dmarcwatch.analysis.languages import LANGUAGES, LOCALES
from dmarcwatch.commands._words import COMMANDS
from dmarcwatch.reports.i18n import REPORTS

DOMAINS = (ANALYSIS, REPORTS, COMMANDS)
ROOT = Path(__file__).parent
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": ((1, "c"), 2),
    "NP_": ((1, "c"), 2, 3),
}
HEADER = (
    "# The words of dmarcwatch ({domain}), language {lang}.\n"
    "# msgid is the English text; update with: python -m dmarcwatch.catalogs\n"
    "# This file is distributed under the same license as the dmarcwatch project."
)


def extract(domain: Domain) -> Catalog:
    """Every message the code (and templates) of *domain* use, with where they are used."""
    catalog = Catalog(domain=domain.name, project="dmarcwatch", version="1", charset="utf-8")
    found = extract_from_dir(domain.folder, list(domain.sources), domain.options, KEYWORDS,
                             comment_tags=("TRANSLATORS:",))  # fmt: skip
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def update(domain: Domain, lang: str, template: Catalog) -> tuple[int, int]:
    """Merge *template* into the catalogue of *lang*; returns (added, removed)."""
    path = domain.po_path(lang)
    catalog = _read(domain, lang)
    before = _keys(catalog)
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    after = _keys(catalog)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    catalog.project, catalog.version = "dmarcwatch", "1"
    catalog.header_comment = HEADER.format(domain=domain.name, lang=lang)
    catalog.last_translator = "dmarcwatch contributors"
    catalog.language_team = f"{LOCALES[lang]} (dmarcwatch)"
    catalog.msgid_bugs_address = ""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=96, omit_header=False, sort_output=True,
                 include_lineno=False)  # fmt: skip
    return len(after - before), len(before - after)


def _read(domain: Domain, lang: str) -> Catalog:
    path = domain.po_path(lang)
    if not path.exists():
        return Catalog(locale=LOCALES[lang], domain=domain.name, project="dmarcwatch")
    with path.open("rb") as handle:
        return read_po(handle, locale=LOCALES[lang], domain=domain.name)


def _keys(catalog: Catalog) -> set[tuple[object, str | None]]:
    return {(m.id, m.context) for m in catalog if m.id}


def main() -> int:
    for domain in DOMAINS:
        template = extract(domain)
        for lang in LANGUAGES:
            added, removed = update(domain, lang, template)
            print(f"{domain.po_path(lang).relative_to(ROOT)}: {added} new, {removed} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
