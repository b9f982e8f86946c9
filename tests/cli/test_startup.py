"""The command line starts fast: building the parser imports no heavy library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _printed_by(code: str) -> str:
    """What *code* prints, run in a fresh interpreter (so the imports it counts are its own)."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip()


def test_building_the_parser_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from dmarcwatch.cli import build_parser\n"
        "build_parser()\n"
        "heavy = {'pandas', 'numpy', 'matplotlib', 'dns', 'msal', 'jinja2', 'pyarrow'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    assert _printed_by(code) == "[]"


def test_dns_command_defaults_match_the_dns_layer() -> None:
    from dmarcwatch.analysis.dns.resolver import DEFAULT_RETRIES, DEFAULT_TIMEOUT
    from dmarcwatch.commands import check, senders

    assert (check.DEFAULT_TIMEOUT, check.DEFAULT_RETRIES) == (DEFAULT_TIMEOUT, DEFAULT_RETRIES)
    assert senders.DEFAULT_TIMEOUT == DEFAULT_TIMEOUT


def test_every_command_module_is_listed_and_registers_the_command_it_is_listed_for() -> None:
    import argparse
    import pkgutil

    from dmarcwatch import commands

    modules = {m.name for m in pkgutil.iter_modules(commands.__path__) if m.name[0] != "_"}
    assert modules == {command.module for command in commands.COMMANDS.values()}
    for name in commands.COMMANDS:
        sub = argparse.ArgumentParser().add_subparsers()
        commands.load(name).register(sub)
        assert list(sub.choices) == [name]


def test_a_command_line_imports_the_module_of_its_command_only() -> None:
    code = (
        "import sys\n"
        "from dmarcwatch.cli import build_parser\n"
        "build_parser(['--version', 'parse', 'report.xml'])\n"
        "names = [m.split('.')[2] for m in sys.modules if m.startswith('dmarcwatch.commands.')]\n"
        "print(sorted(n for n in names if n[0] != '_'))\n"
    )
    assert _printed_by(code) == "['parse']"


def test_commands_that_read_no_mailbox_do_not_load_the_imap_client() -> None:
    code = (
        "import sys\n"
        "from dmarcwatch.cli import build_parser\n"
        "for command in ('import', 'parse', 'diagnose', 'monitor'):\n"
        "    build_parser([command])\n"
        "print('imapclient' in sys.modules)\n"
    )
    assert _printed_by(code) == "False"


def test_a_sqlite_user_never_loads_the_postgresql_dialect(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from dmarcwatch import cli\n"
        f"cli.main(['diagnose', '--db', {str(tmp_path / 'store.db')!r}, '--domain', 'a.example'])\n"
        "print('sqlalchemy.dialects.postgresql' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
