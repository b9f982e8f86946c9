"""Ingest: from bytes (files, messages, mailboxes) to stored aggregate reports.

The stage knows nothing of analysis or reports. Its pieces, in data-flow order:

- :mod:`ingest.sources` walks paths (files, directories, mbox files, Maildir folders) into inputs;
- :mod:`ingest.unpack` recognises containers by content and yields XML payloads, within limits;
- :mod:`ingest.mime` opens e-mail messages (attachments, bodies, forwarded messages);
- :mod:`ingest.parse` turns XML bytes into frozen dataclasses (:mod:`ingest.model`), purely;
- :mod:`ingest.store` writes them, idempotently, with SQLAlchemy Core;
- :mod:`ingest.pipeline` ties one input's unpack, parse and store together.
"""
