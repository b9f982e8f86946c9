"""Ingest: from bytes (files, messages, mailboxes) to stored aggregate reports.

The stage knows nothing of analysis or reports. Its pieces, in data-flow order:

- :mod:`ingest.sources` walks paths (files, directories, mbox files, Maildir folders) into inputs;
- :mod:`ingest.unpack` recognises containers by content and yields XML payloads, within limits;
- :mod:`ingest.mime` opens e-mail messages (attachments, bodies, forwarded messages);
- :mod:`ingest.parse` turns XML bytes into frozen dataclasses (:mod:`ingest.model`), purely;
- :mod:`ingest.store` writes them, idempotently, with SQLAlchemy Core: tables in
  :mod:`ingest.schema`, versions in :mod:`ingest.migrations`, engines and write transactions
  in :mod:`ingest.database`, batched record writes in :mod:`ingest.bulk`, named cross-process
  locks in :mod:`ingest.locks`;
- :mod:`ingest.pipeline` ties one input's unpack, parse and store together;
- :mod:`ingest.mailbox`, :mod:`ingest.oauth`, :mod:`ingest.ledger` and :mod:`ingest.poll`
  fetch reports from IMAP mailboxes and remember which messages were handled.
"""
