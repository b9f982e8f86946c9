"""Reports: charts, the self-contained HTML report, exports and the digest by e-mail.

This package draws what :mod:`analysis` hands it; it never reads the mailbox. Entry points:
:func:`reports.document.build_report` (the HTML page and its charts),
:func:`reports.export.export_records` (CSV, JSON, Parquet) and :func:`reports.mail.send_report`.
"""
