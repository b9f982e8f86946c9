"""The wheel: every data file the packages need is in it, under one namespace, and it runs."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterable
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "analysis", "reports", "dmarcwatch")


def test_every_data_file_matches_the_package_data_patterns() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["*"]
    suffixes = {pattern.rsplit("*", 1)[1] for pattern in patterns}
    missing = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            if not any(fnmatch(path.name, f"*{suffix}") for suffix in suffixes):
                missing.append(str(path.relative_to(ROOT)))
    assert missing == []


@pytest.mark.slow
def test_the_built_wheel_installs_one_namespace_and_runs(tmp_path: Path) -> None:
    """`python -m build` makes a wheel; a fresh venv installs it and runs the main job."""
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], ROOT)
    wheel = _one(dist.glob("dmarcwatch-*.whl"))
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], tmp_path)

    site = _one((venv / "lib").glob("python3*/site-packages"))
    installed = {path.name for path in site.iterdir()}
    assert not installed & {"ingest", "analysis", "reports"}
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/", 1)[0] for name in archive.namelist()}
    assert tops == {
        "dmarcwatch",
        f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info",
    }

    command = str(venv / "bin" / "dmarcwatch")
    (tmp_path / "none").write_text("", encoding="utf-8")  # an empty config, not the user's
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DMARCWATCH_CONFIG": str(tmp_path / "none"),
    }
    db = f"sqlite:///{tmp_path / 'store.db'}"
    report = tmp_path / "report.html"
    # from tmp_path, so nothing of the source tree can be imported by accident
    done = _run([command, "import", "--db", db, str(ROOT / "samples" / "reports")], tmp_path, env)
    assert "reports stored" in done.stdout
    _run([command, "report", "--db", db, "--lang", "fr", "-o", str(report)], tmp_path, env)
    assert "<html" in report.read_text(encoding="utf-8")
    done = _run([command, "diagnose", "--db", db, "--lang", "de"], tmp_path, env)
    assert "Behebung:" in done.stdout


def _run(
    argv: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    if env is None:  # pip needs its settings, but nothing that points at the source tree
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(
        argv, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _one(paths: Iterable[Path]) -> Path:
    found = list(paths)
    assert len(found) == 1, found
    return found[0]
