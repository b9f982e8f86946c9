"""The root of every error the analysis stage raises on purpose.

The command line maps it, and its subclasses, to exit codes in one place
(:mod:`dmarcwatch.errors`); anything else that escapes is a bug.
"""

from __future__ import annotations


class AnalysisError(Exception):
    """Root of every error the analysis stage raises on purpose."""
