"""Byte-compile dmarcwatch before timing it, as ``pip install`` does.

A wheel installed by pip is byte-compiled at install time; a checkout run with
``PYTHONDONTWRITEBYTECODE`` set (as in some CI images and containers) compiles every module
from source at each start, about 0.1 s here. The benchmarks compare with parsedmarc, which
pip installed byte-compiled, so they compile the checkout first.
"""

from __future__ import annotations

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def byte_compile() -> None:
    """Write the ``.pyc`` files of the package (its stages are symlinked inside it)."""
    compileall.compile_dir(ROOT / "dmarcwatch", quiet=1)
