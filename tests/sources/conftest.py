"""The ``source`` fixture: one environment per source type, so each scenario runs on all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.sources.envs import CliEnv, GmailEnv, GraphEnv, MaildirEnv

SOURCE_TYPES = ["imap", "maildir", "graph", "gmail"]


@pytest.fixture(params=SOURCE_TYPES)
def source(request: pytest.FixtureRequest, tmp_path: Path) -> CliEnv | Any:
    kind = request.param
    if kind == "imap":
        from tests.poll.imap_env import PollEnv

        dovecot = request.getfixturevalue("dovecot")
        return PollEnv(dovecot, dovecot.add_user(), tmp_path)
    if kind == "maildir":
        return MaildirEnv(tmp_path)
    if kind == "graph":
        return GraphEnv(request.getfixturevalue("graph_server"), tmp_path)
    if kind == "gmail":
        return GmailEnv(request.getfixturevalue("gmail_server"), tmp_path)
    raise AssertionError(kind)
