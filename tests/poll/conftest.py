"""Fixtures for the poller tests: a fresh Dovecot user with its own config and store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.poll.imap_env import PollEnv
from tests.servers.dovecot import DovecotServer


@pytest.fixture
def poll_env(dovecot: DovecotServer, tmp_path: Path) -> PollEnv:
    return PollEnv(dovecot, dovecot.add_user(), tmp_path)
