"""A test hook Python loads at start-up when this folder is on ``PYTHONPATH``.

With ``POLL_TEST_MOVE_MARKER`` set, the poller's first move (of any source) writes the UIDs it
is about to move into that file and then waits (up to two minutes, until a file of the same
name ending in ``.go`` appears), so a test can kill the poller exactly between a batch's commit
and its move, or hold it there while it keeps its lock. ``POLL_TEST_BATCH_MESSAGES`` sets the
fetch-and-commit batch size, so a small test mailbox is worked in several batches, as a large
backlog is.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

MARKER = os.environ.get("POLL_TEST_MOVE_MARKER")
BATCH = os.environ.get("POLL_TEST_BATCH_MESSAGES")

if BATCH:
    from dmarcwatch.commands import poll as poll_command

    poll_command.PollOptions = functools.partial(  # type: ignore[misc]
        poll_command.PollOptions, batch_messages=int(BATCH)
    )

if MARKER:
    import importlib

    def _announcing(real_move: Any) -> Any:
        def _announced_move(self: Any, uids: Sequence[int], folder: str) -> None:
            Path(f"{MARKER}.tmp").write_text(" ".join(str(uid) for uid in uids))
            Path(f"{MARKER}.tmp").rename(MARKER)
            go, deadline = Path(f"{MARKER}.go"), time.monotonic() + 120
            while not go.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            real_move(self, uids, folder)

        return _announced_move

    # Every source's move: IMAP, Maildir, Microsoft Graph and Gmail.
    for module_name, class_name in (
        ("mailbox", "ImapMailbox"),
        ("maildir", "MaildirSource"),
        ("graph", "GraphSource"),
        ("gmail", "GmailSource"),
    ):
        try:
            module = importlib.import_module(f"dmarcwatch.ingest.{module_name}")
        except ImportError:  # an optional extra that is not installed
            continue
        source_class = getattr(module, class_name)
        source_class.move = _announcing(source_class.move)
