"""One test mailbox per source type, with its config file and store, driven through the CLI.

Each environment seeds messages into its folder, counts the messages of each folder (by the
names the config uses) and runs ``dmarcwatch`` in a subprocess, as cron would.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tests.poll.imap_env import PollEnv, Result, Running, toml_value

FOLDERS = ("INBOX", "DMARC/Processed", "DMARC/Invalid", "DMARC/Other")


class CliEnv(PollEnv):
    """The store and CLI half of :class:`PollEnv`, with the mailbox half left to subclasses."""

    kind = "imap"

    def __init__(self, root: Path) -> None:  # noqa: D107 - no Dovecot here
        self.root = root
        self.db = root / "store" / "dmarc.db"
        self.config = root / "config.toml"
        self.write_config()

    def mailbox_settings(self, **overrides: Any) -> dict[str, Any]:
        settings: dict[str, Any] = {"name": "praxis", "type": self.kind, "timeout": 10}
        settings.update(self.source_settings())
        settings.update(overrides)
        return {k: v for k, v in settings.items() if v is not None}

    def source_settings(self) -> dict[str, Any]:
        raise NotImplementedError

    def write_config(self, oauth2: dict[str, Any] | None = None, **overrides: Any) -> Path:
        lines = ["[database]", f"url = {toml_value('sqlite:///' + str(self.db))}", ""]
        lines.append("[[mailbox]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in self.mailbox_settings(**overrides).items()]
        self.config.write_text("\n".join(lines) + "\n")
        return self.config


class MaildirEnv(CliEnv):
    """A Maildir in a temp dir; messages are delivered the Maildir way (tmp/, then new/)."""

    kind = "maildir"

    def __init__(self, root: Path) -> None:
        self.maildir = root / "Maildir"
        for sub in ("tmp", "new", "cur"):
            (self.maildir / sub).mkdir(parents=True, exist_ok=True)
        self._serial = 0
        super().__init__(root)

    def source_settings(self) -> dict[str, Any]:
        return {"path": str(self.maildir)}

    def deliver(self, data: bytes, folder: Path | None = None) -> Path:
        self._serial += 1
        name = f"{time.time_ns()}.M{self._serial}P{os.getpid()}.test"
        base = folder or self.maildir
        tmp = base / "tmp" / name
        tmp.write_bytes(data)
        final = base / "new" / name
        os.rename(tmp, final)
        return final

    def seed(self, messages: Iterable[bytes], folder: str = "INBOX", chunk: int = 250) -> int:
        count = 0
        for data in messages:
            self.deliver(data)
            count += 1
        return count

    def folder_dir(self, folder: str) -> Path:
        if folder == "INBOX":
            return self.maildir
        return self.maildir / ("." + folder.replace("/", "."))

    def counts(self) -> dict[str, int]:
        counts = {}
        for folder in self.folder_names():
            directory = self.folder_dir(folder)
            n = sum(len(os.listdir(directory / sub)) for sub in ("new", "cur"))
            if n or folder == "INBOX":
                counts[folder] = n
        return counts

    def folder_names(self) -> list[str]:
        names = ["INBOX"]
        names += [p.name[1:].replace(".", "/") for p in sorted(self.maildir.glob(".*"))]
        return names

    def messages(self, folder: str) -> list[bytes]:
        directory = self.folder_dir(folder)
        return [
            p.read_bytes() for sub in ("new", "cur") for p in sorted((directory / sub).iterdir())
        ]


__all__ = ["CliEnv", "MaildirEnv", "Result", "Running"]


class GraphEnv(CliEnv):
    """A mailbox on the local Microsoft Graph (tests/servers/graph.py)."""

    kind = "graph"
    user = "dmarc@example.org"

    def __init__(self, server: Any, root: Path) -> None:
        from tests.servers import graph

        self.server = server
        self.state = server.state
        self.state.add_user(self.user)
        self.secret_file = root / "client.secret"
        self.secret_file.write_text(graph.CLIENT_SECRET + "\n")
        self.secret_file.chmod(0o600)  # a secret others can read draws a warning
        super().__init__(root)

    def source_settings(self) -> dict[str, Any]:
        from tests.servers import graph

        return {
            "user": self.user,
            "tenant_id": graph.TENANT,
            "client_id": graph.CLIENT_ID,
            "client_secret_file": str(self.secret_file),
            "token_cache_file": str(self.root / "msal-cache.json"),
            "ca_file": str(self.server.ca_file),
            "graph_url": self.server.graph_url,
            "login_url": self.server.url,
        }

    def seed(self, messages: Iterable[bytes], folder: str = "INBOX", chunk: int = 250) -> int:
        count = 0
        for data in messages:
            self.state.deliver(self.user, data, "Inbox" if folder == "INBOX" else folder)
            count += 1
        return count

    def counts(self) -> dict[str, int]:
        return self.state.counts(self.user)

    def messages(self, folder: str) -> list[bytes]:
        return list(self.state.messages(self.user, "Inbox" if folder == "INBOX" else folder))


class GmailEnv(CliEnv):
    """A mailbox on the local Gmail API (tests/servers/gmail.py); labels are the folders."""

    kind = "gmail"
    user = "dmarc@example.org"

    def __init__(self, server: Any, root: Path, *, service_account: bool = True) -> None:
        self.server = server
        self.state = server.state
        self.state.add_user(self.user)
        self.credentials = (
            {"service_account_file": str(server.service_account_file())}
            if service_account
            else {"token_file": str(server.token_file())}
        )
        super().__init__(root)

    def source_settings(self) -> dict[str, Any]:
        return {
            "user": self.user,
            **self.credentials,
            "ca_file": str(self.server.ca_file),
            "api_url": self.server.api_url,
            "token_url": f"{self.server.url}/token",
        }

    def seed(self, messages: Iterable[bytes], folder: str = "INBOX", chunk: int = 250) -> int:
        count = 0
        for data in messages:
            self.state.deliver(self.user, data, folder)
            count += 1
        return count

    def counts(self) -> dict[str, int]:
        return self.state.counts(self.user)

    def messages(self, folder: str) -> list[bytes]:
        return list(self.state.messages(self.user, folder))
