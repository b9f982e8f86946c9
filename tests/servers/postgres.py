"""pytest plugin: a throwaway PostgreSQL cluster, and store URLs for both backends.

The cluster follows /work/shared/docs/test-servers.md section 2: ``initdb`` and ``postgres``
run as the ``postgres`` user (``initdb`` refuses root) in a temporary directory, on a free
loopback port, with ``fsync=off``; SIGINT stops it (a fast shutdown).

Fixtures:

- ``postgres_url`` (session): ``postgresql+psycopg://test@127.0.0.1:PORT/postgres``;
- ``fresh_pg_url``: a new, empty database per test;
- ``store_url``: parametrised over ``sqlite`` (a file in ``tmp_path``) and ``postgresql``.

Without the server binaries the PostgreSQL tests are skipped, except as root under CI, where
they fail: CI installs ``postgresql``, so missing binaries there are a broken setup.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

MISSING = "PostgreSQL server binaries not found (apt-get install postgresql)"
START_TIMEOUT_S = 30


def _under_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _unavailable(reason: str) -> NoReturn:
    """Skip, or fail when running as root under CI (where the server must be installed)."""
    if os.geteuid() == 0 and _under_ci():
        pytest.fail(f"{reason}; CI must install it", pytrace=False)
    pytest.skip(reason)


def _bindir() -> Path | None:
    """The highest installed /usr/lib/postgresql/<version>/bin that has initdb and postgres."""
    found = []
    for bindir in Path("/usr/lib/postgresql").glob("*/bin"):
        version = bindir.parent.name
        if version.isdigit() and (bindir / "initdb").exists() and (bindir / "postgres").exists():
            found.append((int(version), bindir))
    return max(found)[1] if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_postgres_user() -> dict[str, Any]:
    """``subprocess`` arguments that drop root to the ``postgres`` user (no-op for non-root)."""
    if os.geteuid() != 0:
        return {}
    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        _unavailable("the 'postgres' system user does not exist (apt-get install postgresql)")
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _make_dir(owner: dict[str, Any]) -> Path:
    """A temp dir the server user owns, with every parent traversable (o+x) by it."""
    base = Path(tempfile.mkdtemp(prefix="dmarcwatch-pg-"))
    if owner:
        os.chown(base, owner["user"], owner["group"])
        for parent in base.parents:
            mode = parent.stat().st_mode
            if not mode & stat.S_IXOTH:
                parent.chmod(mode | stat.S_IXOTH)
    return base


def _initdb(bindir: Path, data: Path, owner: dict[str, Any]) -> None:
    command = [
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-U",
        "test",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False, **owner)
    if done.returncode != 0:
        pytest.fail(f"initdb failed ({done.returncode}): {done.stderr.strip()}", pytrace=False)


def _start(bindir: Path, base: Path, port: int, owner: dict[str, Any]) -> subprocess.Popen[bytes]:
    command = [
        str(bindir / "postgres"),
        "-D",
        str(base / "data"),
        "-p",
        str(port),
        "-k",
        str(base),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
    ]
    with open(base / "server.log", "wb") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **owner)


def _wait_ready(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    import psycopg

    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            pytest.fail(f"postgres exited early: {log.read_text()[-2000:]}", pytrace=False)
        try:
            psycopg.connect(f"host=127.0.0.1 port={port} user=test dbname=postgres").close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                pytest.fail(f"postgres not ready: {log.read_text()[-2000:]}", pytrace=False)
            time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A running throwaway cluster; superuser ``test`` without password on 127.0.0.1."""
    bindir = _bindir()
    if bindir is None:
        _unavailable(MISSING)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'psycopg[binary]')")
    owner = _as_postgres_user()
    base = _make_dir(owner)
    try:
        _initdb(bindir, base / "data", owner)
        port = _free_port()
        process = _start(bindir, base, port, owner)
        try:
            _wait_ready(process, port, base / "server.log")
            yield f"postgresql+psycopg://test@127.0.0.1:{port}/postgres"
        finally:
            _stop(process)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _admin(url: str, sql: str) -> None:
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def fresh_pg_url(postgres_url: str) -> Iterator[str]:
    """A new empty database for one test, dropped afterwards (even if connections remain)."""
    name = f"t_{uuid.uuid4().hex}"
    _admin(postgres_url, f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with contextlib.suppress(Exception):
            _admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL for an empty store, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'dmarcwatch.db'}"
    url: str = request.getfixturevalue("fresh_pg_url")
    return url
