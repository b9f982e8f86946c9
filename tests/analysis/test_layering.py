import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_analysis_imports_neither_the_cli_nor_reports_nor_mailbox_code():
    code = (
        "import sys, pkgutil, importlib\n"
        "import dmarcwatch.analysis as analysis\n"
        "for m in pkgutil.walk_packages(analysis.__path__, 'dmarcwatch.analysis.'):\n"
        "    if not m.name.startswith('dmarcwatch.analysis.check'):  # the check's own part\n"
        "        importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.startswith(('dmarcwatch.', 'reports'))\n"
        "       and not m.startswith(('dmarcwatch.analysis', 'dmarcwatch.ingest'))\n"
        "       or m in ('dmarcwatch.ingest.mailbox', 'dmarcwatch.ingest.poll',\n"
        "                'dmarcwatch.ingest.pipeline', 'imapclient')]\n"
        "print(','.join(sorted(bad)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def test_the_commands_offer_every_language_of_the_message_catalogues():
    from dmarcwatch.analysis.messages import LANGUAGES
    from dmarcwatch.commands import _analysis

    assert _analysis.LANGUAGES == LANGUAGES
