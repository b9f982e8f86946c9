"""A real Dovecot IMAP server for the tests, run from a temporary directory.

Everything lives in one directory (in /dev/shm or the temp dir, removed afterwards): a
self-signed certificate for 127.0.0.1/localhost, a passwd-file with a pool of users (one per
test), Maildirs owned by ``nobody``, and a config for the installed Dovecot (2.3 and 2.4 differ in
syntax; ``dovecot --version`` decides). Listeners: STARTTLS and implicit TLS on free ports.
An oauth2 passdb checks tokens against an introspection endpoint served by the test itself,
so XOAUTH2 and OAUTHBEARER logins work for tokens issued with :meth:`DovecotServer.issue_token`.

Fixtures:

- ``dovecot`` (session): one server shared by all tests; each test takes its own user
  (:meth:`DovecotServer.add_user`).
- ``dovecot_factory``: ``dovecot_factory()`` starts a private server, stopped after the test,
  for tests that kill or stop it.

Without a ``dovecot`` binary the tests are skipped, except under ``CI=true``, where a missing
server is a failure (the CI script installs ``dovecot-imapd``).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from imapclient import IMAPClient

HOST = "127.0.0.1"
MAIL_UID = MAIL_GID = 65534  # nobody/nogroup: Dovecot refuses uid 0 for mail
POOL = 200  # users per server


@dataclass(frozen=True)
class ImapUser:
    name: str
    password: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def dovecot_version(binary: str) -> tuple[int, int]:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    major, minor = out.split()[0].split(".")[:2]
    return int(major), int(minor)


def make_certificate(directory: Path) -> None:
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip


def server_directory() -> Path:
    """A fresh directory that Dovecot's users (dovecot, nobody) can traverse, in /dev/shm if
    there is one.

    Not under pytest's base temp: pytest resets ``/tmp/pytest-of-<user>`` to mode 0700 when any
    session starts, which would lock Dovecot out of a running server's files.
    """
    shm = Path("/dev/shm")  # memory-backed: thousands of Maildir files come and go quickly
    where = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    path = Path(tempfile.mkdtemp(prefix="dmarcwatch-dovecot-", dir=where))
    path.chmod(0o701)
    return path


class IntrospectionStub:
    """The OAuth 2.0 token introspection endpoint (RFC 7662) Dovecot asks about tokens."""

    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}
        self.requests = 0
        tokens = self.tokens
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode())
                token = form.get("token", [""])[0]
                stub.requests += 1
                user = tokens.get(token)
                body = {"active": True, "username": user} if user else {"active": False}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/introspect"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class DovecotServer:
    """One Dovecot instance in *root*; :meth:`start`, :meth:`stop`, :meth:`kill` it."""

    def __init__(self, binary: str, root: Path | None = None, extra_config: str = "") -> None:
        root = root or server_directory()
        self.extra_config = extra_config
        self.binary = binary
        self.root = root
        self.version = dovecot_version(binary)
        self.imap_port = free_port()
        self.imaps_port = free_port()
        self.introspection = IntrospectionStub()
        self.process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        root.mkdir(parents=True, exist_ok=True)
        for sub in ("run", "state"):
            (root / sub).mkdir(exist_ok=True)
        mail = root / "mail"
        mail.mkdir(exist_ok=True)
        os.chown(mail, MAIL_UID, MAIL_GID)
        make_certificate(root)
        self._free = [ImapUser(f"user{i:03d}", secrets.token_urlsafe(12)) for i in range(POOL)]
        self._write_users()
        self.config = root / "dovecot.conf"
        self.config.write_text(self._config_text())
        (root / "dovecot-oauth2.conf.ext").write_text(self._oauth_text())

    @property
    def cert(self) -> Path:
        return self.root / "cert.pem"

    @property
    def log(self) -> Path:
        return self.root / "dovecot.log"

    # Configuration ---------------------------------------------------------------------------

    def _config_text(self) -> str:
        common = f"""\
protocols = imap
listen = {HOST}
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
instance_name = dovecot-test-{self.imap_port}
ssl = yes
auth_mechanisms = plain login xoauth2 oauthbearer
auth_failure_delay = 0
first_valid_uid = 1
mail_fsync = never
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    port = {self.imaps_port}
    ssl = yes
  }}
}}
"""
        extra = self.extra_config + "\n" if self.extra_config else ""
        if self.version >= (2, 4):
            return self._config_24() + common + extra
        return self._config_23() + common + extra

    def _config_23(self) -> str:
        r = self.root
        return f"""\
ssl_cert = <{r}/cert.pem
ssl_key = <{r}/key.pem
disable_plaintext_auth = yes
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN {r}/users
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {r}/dovecot-oauth2.conf.ext
}}
userdb {{
  driver = passwd-file
  args = {r}/users
}}
mail_location = maildir:~/Maildir
"""

    def _config_24(self) -> str:
        r = self.root
        return f"""\
dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
ssl_server_cert_file = {r}/cert.pem
ssl_server_key_file = {r}/key.pem
auth_allow_cleartext = no
passdb passwd-file {{
  passwd_file_path = {r}/users
  default_password_scheme = PLAIN
  mechanisms_filter = plain login
}}
passdb oauth2 {{
  mechanisms_filter = xoauth2 oauthbearer
}}
oauth2 {{
{self._oauth_text()}}}
userdb passwd-file {{
  passwd_file_path = {r}/users
}}
mail_driver = maildir
mail_path = ~/Maildir
"""

    def _oauth_text(self) -> str:
        return f"""\
introspection_mode = post
introspection_url = {self.introspection.url}
username_attribute = username
active_attribute = active
active_value = true
"""

    # Users -----------------------------------------------------------------------------------

    def add_user(self) -> ImapUser:
        """A user with an empty mailbox, not used by any other test.

        Users are written before the start: Dovecot re-reads a changed passwd-file only once a
        second, so users added while it runs may be refused for a moment.
        """
        with self._lock:
            if not self._free:
                raise RuntimeError(f"all {POOL} test users are taken; raise POOL")
            return self._free.pop(0)

    def _write_users(self) -> None:
        lines = [
            f"{u.name}:{{PLAIN}}{u.password}:{MAIL_UID}:{MAIL_GID}::{self.root}/mail/{u.name}::"
            for u in self._free
        ]
        (self.root / "users").write_text("\n".join(lines) + "\n")

    def issue_token(self, user: ImapUser) -> str:
        """An access token the introspection endpoint reports active for *user*."""
        token = secrets.token_urlsafe(24)
        self.introspection.tokens[token] = user.name
        return token

    def client(self, user: ImapUser, timeout: float = 30) -> IMAPClient:
        """A logged-in client over verified implicit TLS, for setting up and checking."""
        context = ssl.create_default_context(cafile=str(self.cert))
        client = IMAPClient(HOST, self.imaps_port, ssl=True, ssl_context=context, timeout=timeout)
        client.login(user.name, user.password)
        return client

    @contextlib.contextmanager
    def session(self, user: ImapUser) -> Iterator[IMAPClient]:
        client = self.client(user)
        try:
            yield client
        finally:
            with contextlib.suppress(Exception):
                client.logout()

    def counts(self, user: ImapUser) -> dict[str, int]:
        """Messages per folder of *user*."""
        with self.session(user) as client:
            names = [str(n) for flags, _d, n in client.list_folders() if b"\\Noselect" not in flags]
            return {n: int(client.folder_status(n, ["MESSAGES"])[b"MESSAGES"]) for n in names}

    # Process ---------------------------------------------------------------------------------

    def start(self) -> None:
        check = subprocess.run(
            ["doveconf", "-c", str(self.config), "-n"], capture_output=True, text=True, check=False
        )
        if check.returncode != 0:
            raise RuntimeError(f"doveconf rejected the test config: {check.stderr.strip()}")
        with (self.root / "stderr.log").open("ab") as stderr:
            self.process = subprocess.Popen(
                [self.binary, "-F", "-c", str(self.config)],
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                err = (self.root / "stderr.log").read_text(errors="replace")
                raise RuntimeError(f"dovecot exited at start: {err} {self.log_tail()}")
            if all(_port_open(p) for p in (self.imap_port, self.imaps_port)):
                return
            time.sleep(0.05)
        raise RuntimeError(f"dovecot did not listen within {timeout} s: {self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM, then wait for run/master.pid to vanish (about 1 s)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        pid_file = self.root / "run" / "master.pid"
        deadline = time.monotonic() + 20
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def kill(self) -> None:
        """SIGKILL the master and every child at once, like a crash (no clean shutdown)."""
        if self.process is None:
            return
        group = self.process.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None
        (self.root / "run" / "master.pid").unlink(missing_ok=True)
        _wait_closed(self.imaps_port)
        _wait_reaped(group)

    def close(self) -> None:
        self.stop()
        self.introspection.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, lines: int = 20) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
        return True
    return False


def _wait_closed(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while _port_open(port) and time.monotonic() < deadline:
        time.sleep(0.05)


def _wait_reaped(group: int, timeout: float = 30.0) -> None:
    """Wait until no process of the killed *group* is left, zombies included.

    The children of a killed master are reparented to init, which here reaps them seconds
    later. Until then a child that held a maildir's ``dovecot-uidlist.lock`` looks alive to
    the restarted Dovecot (``kill(pid, 0)`` succeeds on a zombie), which then waits for the
    lock's stale timeout: a rerun timed out at SELECT INBOX that way.
    """
    deadline = time.monotonic() + timeout
    while group_members(group) and time.monotonic() < deadline:
        time.sleep(0.05)


def group_members(group: int) -> list[int]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:  # after the name: state, ppid, pgrp
                members.append(int(stat.parent.name))
    return members


def _binary() -> str:
    binary = shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot",) if os.access(p, os.X_OK)), None
    )
    if binary and os.geteuid() == 0:
        return binary
    reason = (
        "dovecot needs root here (mail uid nobody)"
        if binary
        else "dovecot not installed (apt-get install dovecot-imapd)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the IMAP tests", pytrace=False)
    pytest.skip(reason)


@contextlib.contextmanager
def running_dovecot() -> Iterator[DovecotServer]:
    """A private Dovecot, started from the installed binary (skipped, or failed in CI, if none)."""
    server = DovecotServer(_binary())
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    with running_dovecot() as server:
        yield server


@pytest.fixture
def dovecot_factory() -> Iterator[Callable[..., DovecotServer]]:
    """``dovecot_factory(extra_config="...")`` starts a private server with extra settings."""
    started: list[DovecotServer] = []

    def make(extra_config: str = "") -> DovecotServer:
        server = DovecotServer(_binary(), extra_config=extra_config)
        started.append(server)
        server.start()
        return server

    yield make
    for server in started:
        server.close()
