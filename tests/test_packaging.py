"""Every data file the packages need is shipped in the wheel."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

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
