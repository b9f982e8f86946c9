"""The analysis stage's exceptions: one root, each class says when it is raised.

::

    AnalysisError
    ├── InvalidArgument        a value the caller gave cannot be used (also a ValueError)
    │   ├── InvalidDomain      a name DNS cannot hold (analysis.dns.names)
    │   ├── UnknownSender      a sender the catalogue does not know (analysis.check.senders)
    │   └── NameserverError    a name server that is no address and does not resolve
    │                          (analysis.dns.resolver)
    ├── CatalogueError         the sender catalogue or a network snapshot is unreadable or
    │                          breaks the format (also a ValueError)
    ├── UnknownLanguage        a language with no message catalogue (analysis.i18n; also a
    │                          ValueError)
    └── DerError               a DKIM key that is not DER-encoded RSA (analysis.check.dkim);
                               the check reports it as a finding, it never escapes

The classes the command line maps live here, so it can name them without loading the
analysis; the others beside the code that raises them. The command line maps them to exit
codes in one place (:mod:`dmarcwatch.errors`); anything else that escapes is a bug.
"""

from __future__ import annotations


class AnalysisError(Exception):
    """Root of every error the analysis stage raises on purpose."""


class InvalidArgument(AnalysisError, ValueError):
    """A value the caller gave (a domain, a sender, a name server) cannot be used."""


class CatalogueError(AnalysisError, ValueError):
    """The catalogue or a snapshot file is unreadable or breaks the format."""
