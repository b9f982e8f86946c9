"""A test hook Python loads at start-up when this folder is on ``PYTHONPATH``.

With ``POLL_TEST_MOVE_MARKER`` set, the poller's first IMAP move writes the UIDs it is about to
move into that file and then waits, so a test can kill the poller exactly between a batch's
commit and its move. ``POLL_TEST_BATCH_MESSAGES`` sets the fetch-and-commit batch size, so a
small test mailbox is worked in several batches, as a large backlog is.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Sequence
from pathlib import Path

MARKER = os.environ.get("POLL_TEST_MOVE_MARKER")
BATCH = os.environ.get("POLL_TEST_BATCH_MESSAGES")

if BATCH:
    from dmarcwatch.commands import poll as poll_command

    poll_command.PollOptions = functools.partial(  # type: ignore[misc]
        poll_command.PollOptions, batch_messages=int(BATCH)
    )

if MARKER:
    from dmarcwatch.ingest import mailbox

    _real_move = mailbox.ImapMailbox.move

    def _announced_move(self: mailbox.ImapMailbox, uids: Sequence[int], folder: str) -> None:
        Path(f"{MARKER}.tmp").write_text(" ".join(str(uid) for uid in uids))
        Path(f"{MARKER}.tmp").rename(MARKER)
        time.sleep(120)
        _real_move(self, uids, folder)

    mailbox.ImapMailbox.move = _announced_move  # type: ignore[method-assign]
