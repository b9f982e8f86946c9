"""A test user on the real Dovecot, a config file for it, a store, and the CLI in a subprocess."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.servers.dovecot import HOST, DovecotServer, ImapUser

REPO = Path(__file__).resolve().parents[2]
HOOKS = Path(__file__).resolve().parent / "hooks"


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str
    max_rss_kib: int

    @property
    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


class PollEnv:
    """One Dovecot user, its config file and its SQLite store under *root*."""

    def __init__(self, dovecot: DovecotServer, user: ImapUser, root: Path) -> None:
        self.dovecot = dovecot
        self.user = user
        self.root = root
        self.db = root / "store" / "dmarc.db"
        self.config = root / "config.toml"
        self.password_file = root / "imap.pass"
        self.password_file.write_text(user.password + "\n")
        self.password_file.chmod(0o600)  # a secret others may read is warned about
        self.write_config()

    def mailbox_settings(self, **overrides: Any) -> dict[str, Any]:
        settings: dict[str, Any] = {
            "name": "praxis",
            "host": HOST,
            "port": self.dovecot.imaps_port,
            "security": "tls",
            "ca_file": str(self.dovecot.cert),
            "username": self.user.name,
            "password_file": str(self.password_file),
            "timeout": 10,
        }
        settings.update(overrides)
        return {k: v for k, v in settings.items() if v is not None}

    def write_config(self, oauth2: dict[str, Any] | None = None, **overrides: Any) -> Path:
        lines = ["[database]", f"url = {toml_value('sqlite:///' + str(self.db))}", ""]
        lines.append("[[mailbox]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in self.mailbox_settings(**overrides).items()]
        if oauth2:
            lines.append("[mailbox.oauth2]")
            lines += [f"{k} = {toml_value(v)}" for k, v in oauth2.items()]
        self.config.write_text("\n".join(lines) + "\n")
        return self.config

    # Mailbox ---------------------------------------------------------------------------------

    def seed(self, messages: Iterable[bytes], folder: str = "INBOX", chunk: int = 250) -> int:
        """APPEND *messages* over one connection (MULTIAPPEND, RFC 3502, in chunks)."""
        count = 0
        batch: list[bytes] = []
        with self.dovecot.session(self.user) as client:
            for data in messages:
                batch.append(data)
                if len(batch) == chunk:
                    client.multiappend(folder, batch)
                    count += len(batch)
                    batch = []
            if batch:
                client.multiappend(folder, batch)
                count += len(batch)
        return count

    def counts(self) -> dict[str, int]:
        return self.dovecot.counts(self.user)

    def messages(self, folder: str) -> list[bytes]:
        with self.dovecot.session(self.user) as client:
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            data = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
            return [data[u][b"BODY[]"] for u in sorted(data)]

    # Store -----------------------------------------------------------------------------------

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if not self.db.exists():
            return []
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10) as conn:
            try:
                return conn.execute(sql).fetchall()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):
                    return []
                raise

    def count(self, table: str) -> int:
        rows = self.query(f"SELECT count(*) FROM {table}")  # noqa: S608
        return int(rows[0][0]) if rows else 0

    def report_ids(self) -> list[str]:
        return [str(r[0]) for r in self.query("SELECT report_id FROM reports ORDER BY report_id")]

    # CLI -------------------------------------------------------------------------------------

    def argv(self, *args: str, command: str = "poll") -> list[str]:
        words = command.split()  # "poll", or "config check"
        return [sys.executable, "-m", "dmarcwatch", *words, "--config", str(self.config), *args]

    def environment(
        self, move_marker: Path | None = None, batch_messages: int | None = None
    ) -> dict[str, str]:
        """The CLI's environment; the hooks (tests/poll/hooks/sitecustomize.py) when asked."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("DMARCWATCH_")}
        env["PYTHONPATH"] = str(REPO)
        if move_marker is not None or batch_messages is not None:
            env["PYTHONPATH"] = os.pathsep.join((str(HOOKS), str(REPO)))
        if move_marker is not None:
            env["POLL_TEST_MOVE_MARKER"] = str(move_marker)
        if batch_messages is not None:
            env["POLL_TEST_BATCH_MESSAGES"] = str(batch_messages)
        return env

    def start(
        self,
        *args: str,
        command: str = "poll",
        max_file_bytes: int | None = None,
        move_marker: Path | None = None,
        batch_messages: int | None = None,
    ) -> Running:
        """Start the CLI; *max_file_bytes* (RLIMIT_FSIZE) makes its writes fail like a full disk.

        With *move_marker*, the first move writes its UIDs into that file and then waits;
        *batch_messages* sets the poller's batch size.
        """
        out = self.root / f"run-{os.urandom(4).hex()}"
        # RLIMIT_FSIZE via prlimit(1); Python ignores SIGXFSZ, so writes fail with EFBIG.
        limit = [] if max_file_bytes is None else ["prlimit", f"--fsize={max_file_bytes}"]
        stdout, stderr = Path(f"{out}.stdout"), Path(f"{out}.stderr")
        with stdout.open("wb") as out_file, stderr.open("wb") as err_file:
            proc = subprocess.Popen(
                limit + self.argv(*args, command=command),
                cwd=REPO,
                env=self.environment(move_marker, batch_messages),
                stdin=subprocess.DEVNULL,
                stdout=out_file,  # files, not pipes: no deadlock on long output
                stderr=err_file,
            )
        return Running(proc, stdout, stderr)

    def finish(self, running: Running, timeout: float = 300) -> Result:
        return running.finish(timeout)

    def run(self, *args: str, command: str = "poll", timeout: float = 300, **kw: Any) -> Result:
        return self.start(*args, command=command, **kw).finish(timeout)


@dataclass
class Running:
    """A dmarcwatch subprocess whose output goes to two files."""

    proc: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def send_signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    def finish(self, timeout: float = 300) -> Result:
        """Wait for the process and measure its peak memory (KiB).

        The peak is the process's own VmHWM, sampled while it runs: ``ru_maxrss`` of wait4
        would include the test process's memory at fork time (Linux keeps the high-water mark
        across exec), which grows with every test run before this one."""
        status, usage, peak = _wait4(self.proc, timeout)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        return Result(
            self.proc.returncode,
            self.stdout.read_text(),
            self.stderr.read_text(),
            peak or usage.ru_maxrss,
        )


def _hwm_kib(pid: int) -> int:
    """The process's peak resident memory since its exec (VmHWM), 0 once it has exited."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _wait4(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int, Any, int]:
    deadline = time.monotonic() + timeout
    peak = 0
    while True:
        peak = max(peak, _hwm_kib(proc.pid))
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            return status, usage, peak
        if time.monotonic() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            raise AssertionError(f"dmarcwatch did not finish within {timeout} s")
        time.sleep(0.02)


def report_mails(n: int, prefix: str = "r") -> list[bytes]:
    from tests.poll import mails

    return [
        mails.report_mail(f"{prefix}{i:05d}", mails.CONTAINERS[i % len(mails.CONTAINERS)])
        for i in range(n)
    ]
