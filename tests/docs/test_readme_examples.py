"""README.md's command examples print what the README says they print.

Every ``$ dmarcwatch …`` line of the README runs (convention: ``tests/docs/examples.py``) in a
fresh directory, with a fresh SQLite store and an empty config file, and its output is compared
with the lines under it. The examples share that store in README order; a test whose examples
follow others runs those first, so each test also passes on its own (``-k``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs.examples import Command, Example, examples, mismatch

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
EXAMPLES = examples(README.read_text(encoding="utf-8"))


class ReadmeRun:
    """One run of the README's commands: a directory, a store, and what each command printed."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.done: dict[int, subprocess.CompletedProcess[str]] = {}
        for entry in ROOT.iterdir():  # repository paths such as samples/ read as in a clone
            if not entry.name.startswith("."):
                (home / entry.name).symlink_to(entry)
        (home / "config.toml").write_text("", encoding="utf-8")
        self.env = self._environment()

    def _environment(self) -> dict[str, str]:
        """The caller's environment, but nothing of the user's: store, config, dirs, locale."""
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "DMARCWATCH_"))}
        return {
            **keep,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(self.home / "home"),
            "XDG_CONFIG_HOME": str(self.home / "home" / ".config"),
            "XDG_DATA_HOME": str(self.home / "home" / ".local" / "share"),
            "XDG_CACHE_HOME": str(self.home / "home" / ".cache"),
            "LANG": "C.UTF-8",
            "LANGUAGE": "",
            "DMARCWATCH_DB": f"sqlite:///{self.home / 'dmarcwatch.db'}",
            "DMARCWATCH_CONFIG": str(self.home / "config.toml"),
        }

    def result(self, command: Command) -> subprocess.CompletedProcess[str]:
        """What *command* printed, after running every command before it in the README."""
        for earlier in _commands_up_to(command):
            if earlier.line not in self.done:
                self.done[earlier.line] = self._run(earlier)
        return self.done[command.line]

    def _run(self, command: Command) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", command.text],
            cwd=self.home,
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
            check=False,
        )


def _commands_up_to(last: Command) -> Iterator[Command]:
    for example in EXAMPLES:
        if example.not_run is not None:
            continue
        for command in example.commands:
            yield command
            if command is last:
                return


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory: pytest.TempPathFactory) -> ReadmeRun:
    return ReadmeRun(tmp_path_factory.mktemp("readme"))


def _param(example: Example) -> object:
    words = example.commands[0].text.split()[:2]
    marks = [pytest.mark.skip(reason=example.not_run)] if example.not_run else []
    return pytest.param(example, id=f"line{example.line}-{'-'.join(words)}", marks=marks)


def test_the_readme_has_runnable_examples() -> None:
    assert [e for e in EXAMPLES if e.not_run is None], "README.md: no example is run"


@pytest.mark.parametrize("example", [_param(e) for e in EXAMPLES])
def test_readme_example_prints_what_the_readme_shows(
    readme_run: ReadmeRun, example: Example
) -> None:
    for command in example.commands:
        done = readme_run.result(command)
        where = f"README.md line {command.line}: $ {command.text}"
        assert done.returncode == 0, f"{where}\nexit {done.returncode}\n{done.stderr}"
        assert done.stderr == "", f"{where}\nprinted on stderr:\n{done.stderr}"
        differs = mismatch(command, done.stdout.splitlines())
        assert differs is None, f"{where}\n{differs}\n\nthe whole output:\n{done.stdout}"
