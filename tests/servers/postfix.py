"""A real Postfix (Debian package ``postfix``) in a temp dir, on a free loopback port.

The instance has its own ``main.cf``/``master.cf``, queue and log (``postfix -c DIR``), and
delivers:

- ``dmarc@maildir.test`` with virtual(8) into ``DIR/vmail/dmarc/Maildir/`` (as user nobody),
  the way a self-hoster's Postfix fills the Maildir ``dmarcwatch poll`` reads;
- ``*@reports.test`` through a pipe(8) transport to ``dmarcwatch import --stdin``, run as user
  nobody, with the store in ``DIR/store``.

Postfix's master must start as root (CI runs as root); the fixture skips elsewhere. The
interpreter the pipe runs must be executable by nobody: the test's own if its directories
are open to others, else the system's ``/usr/bin/python3`` of the same version with this
virtualenv's packages on ``PYTHONPATH``; a clone or virtualenv nobody cannot reach is linked
into the instance's directory first.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parents[2]
NOBODY = 65534


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _open_to_others(path: Path) -> bool:
    """Whether user nobody can reach and run *path* (every directory above it o+x)."""
    real = path.resolve()
    return all(os.stat(p).st_mode & 0o001 for p in real.parents) and bool(
        os.stat(real).st_mode & 0o001
    )


def pipe_command(shared: Path) -> str:
    """``env PYTHONPATH=… python -m dmarcwatch``, runnable as nobody.

    A clone or virtualenv that nobody cannot reach (under ``/root`` on a CI machine) is linked
    (or copied) into *shared*, a directory open to nobody, so the pipe runs this very code."""
    code, site = REPO, Path(sysconfig.get_paths()["purelib"])
    if not _open_to_others(code / "dmarcwatch"):
        code = _shared_copy(REPO / "dmarcwatch", shared / "code" / "dmarcwatch").parent
    if not _open_to_others(site):
        site = _shared_copy(site, shared / "site")
    python = Path(sys.executable)
    if not _open_to_others(python):
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        python = Path("/usr/bin") / version
        if not python.exists():
            pytest.skip(f"no {version} that user nobody can run for the pipe transport")
    return f"/usr/bin/env PYTHONPATH={code}:{site} {python} -m dmarcwatch"


def _shared_copy(source: Path, target: Path) -> Path:
    """*source* (symlinks followed) under *target*, files hard-linked where the file system
    allows, every directory open to others (0755) and every file readable (0644 or more)."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    if not target.exists():
        shutil.copytree(source, target, symlinks=False, copy_function=link)
        for directory in [target, *(p for p in target.rglob("*") if p.is_dir())]:
            directory.chmod(0o755)
    return target


class PostfixServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = _free_port()
        self.etc = root / "etc"
        self.maildir = root / "vmail" / "dmarc" / "Maildir"
        self.store = root / "store" / "dmarc.db"
        for sub in ("etc", "queue", "data", "vmail", "store"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        shutil.chown(root / "data", "postfix")
        os.chown(root / "vmail", NOBODY, NOBODY)
        os.chown(root / "store", NOBODY, NOBODY)
        self._write_config()
        self._postfix("check")
        self._postfix("start")
        self._wait_ready()

    def _write_config(self) -> None:
        r = self.root
        (self.etc / "main.cf").write_text(
            f"""compatibility_level = 3.6
queue_directory = {r}/queue
data_directory = {r}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.test
mydomain = test
myorigin = mx.test
mydestination =
inet_interfaces = {HOST}
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtputf8_enable = no
maillog_file = {r}/maillog
maillog_file_prefixes = {r}
alias_maps =
local_recipient_maps =
virtual_mailbox_domains = maildir.test
virtual_mailbox_base = {r}/vmail
virtual_mailbox_maps = texthash:{self.etc}/vmailbox
virtual_uid_maps = static:{NOBODY}
virtual_gid_maps = static:{NOBODY}
relay_domains = reports.test
transport_maps = texthash:{self.etc}/transport
dmarcwatch_destination_recipient_limit = 1
minimal_backoff_time = 600s
"""
        )
        (self.etc / "vmailbox").write_text("dmarc@maildir.test dmarc/Maildir/\n")
        (self.etc / "transport").write_text("reports.test dmarcwatch:\n")
        command = pipe_command(self.root)
        (self.etc / "master.cf").write_text(
            f"""{HOST}:{self.port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
dmarcwatch unix -       n       n       -       -       pipe
  flags=Rq user=nobody argv={command} import --stdin --db sqlite:///{self.store}
"""
        )

    def _postfix(self, *args: str) -> None:
        done = subprocess.run(
            ["postfix", "-c", str(self.etc), *args], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"postfix {' '.join(args)}: {self.log_tail()}")

    def _wait_ready(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"Postfix did not listen on {self.port}: {self.log_tail()}")

    def send(self, recipient: str, data: bytes, sender: str = "reports@example.net") -> None:
        import smtplib

        with smtplib.SMTP(HOST, self.port, timeout=30) as smtp:
            smtp.sendmail(sender, [recipient], data)

    def flush(self) -> None:
        """Retry the deferred mail now: reload (qmgr forgets that the transport failed, which
        it would otherwise remember for minimal_backoff_time), then ``postqueue -f``."""
        self._postfix("reload")
        time.sleep(1)
        subprocess.run(["postqueue", "-c", str(self.etc), "-f"], check=True, capture_output=True)

    def log(self) -> str:
        path = self.root / "maillog"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def queued(self) -> int:
        """Messages still in the queue (deferred or active)."""
        return sum(
            len(files)
            for sub in ("incoming", "active", "deferred")
            for _dirs, _subdirs, files in os.walk(self.root / "queue" / sub)
        )

    def close(self) -> None:
        subprocess.run(["postfix", "-c", str(self.etc), "stop"], capture_output=True, check=False)
        deadline = time.monotonic() + 10
        pid = self.root / "queue" / "pid" / "master.pid"
        while pid.exists() and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.fixture
def postfix() -> Iterator[PostfixServer]:
    if os.geteuid() != 0:
        pytest.skip("Postfix's master runs as root (CI runs as root)")
    if shutil.which("postfix") is None:
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "postfix"],
            check=False,
            capture_output=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        if shutil.which("postfix") is None:
            pytest.skip("Debian package postfix is not installed")
    # Not below pytest's base temp dir: pytest resets that to mode 0700 whenever a session
    # starts (other test runs share the machine), and postfix and nobody must reach this one.
    root = Path(tempfile.mkdtemp(prefix="dmarcwatch-postfix-"))
    root.chmod(0o755)
    try:
        server = PostfixServer(root)
        yield server
        server.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
