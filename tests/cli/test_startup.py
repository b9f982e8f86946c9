"""The command line starts fast: building the parser imports no heavy library."""

from __future__ import annotations

import subprocess
import sys


def test_building_the_parser_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from dmarcwatch.cli import build_parser\n"
        "build_parser()\n"
        "heavy = {'pandas', 'numpy', 'matplotlib', 'dns', 'msal', 'jinja2', 'pyarrow'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_dns_command_defaults_match_the_dns_layer() -> None:
    from dmarcwatch.analysis.dns.resolver import DEFAULT_RETRIES, DEFAULT_TIMEOUT
    from dmarcwatch.commands import check, senders

    assert (check.DEFAULT_TIMEOUT, check.DEFAULT_RETRIES) == (DEFAULT_TIMEOUT, DEFAULT_RETRIES)
    assert senders.DEFAULT_TIMEOUT == DEFAULT_TIMEOUT
