"""The reports stage's exceptions: one root, each class says when it is raised.

::

    ReportsError
    ├── ExportError              the export cannot be written (reports.export)
    │   ├── ExportNeedsFile      Parquet is binary: it needs a file, not stdout
    │   ├── ExportNotWritable    no file can be created in the destination's folder
    │   └── ParquetUnavailable   the ``parquet`` extra (pyarrow) is not installed
    ├── MailError                the digest cannot be sent (reports.mail)
    │   ├── InvalidAddress       a recipient that is not a plain e-mail address
    │   └── MailNotSent          the server or the connection failed: "mail not sent: …"
    │       ├── MailRetryLater       a temporary failure (a 4xx answer, no connection)
    │       ├── MailLoginRefused     the server refused the login
    │       ├── MailTLSRefused       its certificate is not trusted, or it offers no STARTTLS
    │       └── RecipientsRefused    the server refused some or every recipient
    ├── ChannelError             an alert channel did not accept a delivery (reports.channels)
    │   └── ChannelsFailed       some targets failed this run; their events wait for the next
    └── UnsafeSvg                a chart with markup matplotlib never writes (reports.svg; also
                                 a ValueError): a bug if it escapes

The classes the command line maps live here, so it can name them without loading the
reports; the others beside the code that raises them. The command line maps them to exit
codes in one place (:mod:`dmarcwatch.errors`); anything else that escapes is a bug.
"""

from __future__ import annotations


class ReportsError(Exception):
    """Root of every error the reports stage raises on purpose."""


class ExportError(ReportsError):
    """The export cannot be written (missing extra, unwritable destination)."""


class ExportNeedsFile(ExportError):
    """Parquet was asked for on stdout: it is binary and needs a file."""


class ExportNotWritable(ExportError):
    """No file can be created in the destination's folder."""


class ParquetUnavailable(ExportError):
    """Parquet was asked for, but pyarrow (the ``parquet`` extra) is not installed."""


class MailError(ReportsError):
    """The digest cannot be sent."""


class InvalidAddress(MailError):
    """A recipient that is not a plain e-mail address (no display name, spaces or controls)."""


class MailNotSent(MailError):
    """The server refused the message for good, or something below it failed."""

    def __str__(self) -> str:
        # The reason stays the only argument, so the error pickles back as it was.
        return f"mail not sent: {super().__str__()}"


class MailRetryLater(MailNotSent):
    """A temporary failure (a 4xx answer, no connection): worth sending again later."""


class MailLoginRefused(MailNotSent):
    """The server refused the login; the message names the user, never the password."""


class MailTLSRefused(MailNotSent):
    """The server's certificate is not trusted, or it does not offer STARTTLS."""


class RecipientsRefused(MailNotSent):
    """The server refused some or every recipient."""


class ChannelError(ReportsError):
    """An alert channel (webhook, Slack, Teams, e-mail) did not accept a delivery."""


class ChannelsFailed(ChannelError):
    """Some alert targets failed this run; their events stay pending for the next run."""
