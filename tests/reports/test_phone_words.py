"""On a phone-wide screen the report wraps between words, never inside a short word.

A word broken inside ("Veränderun g", "p=quarant ine") happens when ``overflow-wrap: anywhere``
lets a grid or flex box shrink below its longest word; only names too long for the whole line
(long host names) may break.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dmarcwatch.analysis.languages import LANGUAGES
from dmarcwatch.cli import main
from tests.ingest.reportxml import Report, Row
from tests.servers.chromium import Chromium

pytestmark = pytest.mark.chromium

# Words (letters only, up to 16) drawn on more than one line: their rectangles' tops differ.
BROKEN_WORDS = r"""(() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/[\p{L}=]{2,16}/gu)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
      const where = node.parentElement;
      if (tops.size > 1) broken.push(`${match[0]} in ${where.tagName}.${where.className}`);
    }
  }
  return broken;
})()"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_short_word_is_broken_on_a_phone(
    chromium: Chromium, demo_db: str, tmp_path: Path, lang: str
) -> None:
    out = tmp_path / f"report-{lang}.html"
    assert main(["report", "--db", demo_db, "--lang", lang, "-o", str(out)]) == 0
    with chromium.open(out.as_uri(), width=360, height=800, mobile=True) as page:
        assert page.evaluate(BROKEN_WORDS) == []
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_a_name_longer_than_the_screen_breaks_instead_of_widening_the_page(
    chromium: Chromium, tmp_path: Path
) -> None:
    domain = f"{'praxis' * 10}.{'physiotherapie' * 4}.example"
    row = Row(header_from=domain, envelope_from=domain, dkim_results=[(domain, "s1", "pass")])
    (tmp_path / "long.xml").write_bytes(Report(domain=domain, rows=[row]).bytes())
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["import", "--quiet", "--db", url, str(tmp_path / "long.xml")]) == 0
    out = tmp_path / "report.html"
    assert main(["report", "--db", url, "--lang", "de", "-o", str(out)]) == 0
    with chromium.open(out.as_uri(), width=360, height=800, mobile=True) as page:
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
