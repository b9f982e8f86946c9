"""promtool, Prometheus's own checker of the text exposition format (Debian package
``prometheus``). Installed when missing and running as root (``--no-install-recommends``; the
Prometheus daemon is never needed nor started by the tests); else skipped, failed under CI."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

PACKAGE = "prometheus"


def _install() -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", PACKAGE]
    subprocess.run(command, env=env, check=False, capture_output=True, timeout=600)


@pytest.fixture(scope="session")
def promtool() -> str:
    """The path of promtool."""
    found = shutil.which("promtool")
    if found is None and os.geteuid() == 0:
        _install()
        found = shutil.which("promtool")
    if found is None:
        reason = f"promtool not installed (apt-get install --no-install-recommends {PACKAGE})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the metrics tests", pytrace=False)
        pytest.skip(reason)
    return found


def check_metrics(promtool: str, text: str) -> subprocess.CompletedProcess[str]:
    """``promtool check metrics`` over *text* (exit 0 clean, 3 lint problems, 1 parse error)."""
    return subprocess.run(
        [promtool, "check", "metrics"],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
