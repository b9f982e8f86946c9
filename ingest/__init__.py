"""Ingest: from bytes (files, messages, mailboxes) to stored aggregate reports.

The stage knows nothing of analysis or reports. Its pieces, in data-flow order:

- :mod:`ingest.sources` walks paths (files, directories, mbox files, Maildir folders) into inputs;
- :mod:`ingest.unpack` recognises containers by content and yields XML payloads, within limits;
- :mod:`ingest.mime` opens e-mail messages (attachments, bodies, forwarded messages);
- :mod:`ingest.parse` turns XML bytes into frozen dataclasses (:mod:`ingest.model`), purely;
- :mod:`ingest.reading` unpacks and parses one input into events (headers, row batches from
  :mod:`ingest.bulk`, rejections), with no store;
- :mod:`ingest.store` keeps them, idempotently, with SQLAlchemy Core: one input's writes in one
  transaction through :mod:`ingest.writer`, tables in :mod:`ingest.schema`, versions in
  :mod:`ingest.migrations`, engines and transactions in :mod:`ingest.database`, named
  cross-process locks in :mod:`ingest.locks`;
- :mod:`ingest.pipeline` writes one input's events, in-line; :mod:`ingest.parallel` has worker
  processes read inputs while the calling process writes;
- :mod:`ingest.mailbox`, :mod:`ingest.oauth`, :mod:`ingest.ledger` and :mod:`ingest.poll`
  fetch reports from IMAP mailboxes and remember which messages were handled.
"""
