"""dmarcwatch: the command line and settings that wire ingest, analysis and reports."""

__version__ = "0.1.0"
