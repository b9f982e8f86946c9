"""Opening a store that cannot be used: one clear line, the right error class, no password."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from dmarcwatch.ingest.database import POSTGRES_MISSING
from dmarcwatch.ingest.errors import InvalidStoreURL, StoreNotWritable, StoreUnavailable
from dmarcwatch.ingest.store import Store
from tests.store.factories import add, header, records

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "s3cret-Passw0rd"


def _without_privileges() -> list[str]:
    """A command prefix that makes root obey file permissions: no capabilities at all."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is needed to drop root's capabilities")
    return [setpriv, "--bounding-set=-all", "--inh-caps=-all", "--"]


def _open_elsewhere(url: str, *options: str, unprivileged: bool = False) -> str:
    """Open the store in a child process, without root's privileges if asked; its verdict."""
    prefix = _without_privileges() if unprivileged else []
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "tests.store.open_store", url, *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stderr == "", done.stderr
    return done.stdout.strip()


@pytest.fixture
def shared_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory whose permission bits the test changes; made writable again afterwards."""
    yield tmp_path
    for child in [tmp_path, *tmp_path.rglob("*")]:
        if child.is_dir():
            child.chmod(0o755)


def test_read_only_sqlite_file_is_not_writable(shared_dir: Path) -> None:
    db = shared_dir / "dmarcwatch.db"
    Store.open(str(db)).close()
    shared_dir.chmod(0o777)
    db.chmod(0o444)
    verdict = _open_elsewhere(f"sqlite:///{db}", unprivileged=True)
    assert verdict == f"StoreNotWritable: the store {db} is read-only"


def test_store_in_an_unwritable_directory_is_not_writable(shared_dir: Path) -> None:
    locked = shared_dir / "locked"
    locked.mkdir(mode=0o555)
    verdict = _open_elsewhere(f"sqlite:///{locked / 'dmarcwatch.db'}", unprivileged=True)
    assert verdict == f"StoreNotWritable: the store's directory {locked} is not writable"


def test_store_directory_that_cannot_be_created_is_not_writable(shared_dir: Path) -> None:
    locked = shared_dir / "locked"
    locked.mkdir(mode=0o555)
    verdict = _open_elsewhere(str(locked / "sub" / "dmarcwatch.db"), unprivileged=True)
    assert verdict.startswith(f"StoreNotWritable: cannot create the store's directory {locked}")
    assert "Permission denied" in verdict


def test_missing_directories_of_a_new_store_are_created(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "a" / "b" / "dmarcwatch.db")) as store:
        assert store.totals().reports == 0


def test_sqlite_store_opened_read_only_can_be_read_but_not_written(tmp_path: Path) -> None:
    db = tmp_path / "dmarcwatch.db"
    with Store.open(str(db)) as store:
        add(store, header(), records(2))
    with Store.open(f"sqlite:///file:{db}?mode=ro&uri=true") as read_only:
        assert read_only.totals().records == 2
        with pytest.raises(StoreNotWritable, match="it is read-only"):
            add(read_only, header("r-2"), records(1), data=b"new input")
    assert not (tmp_path / "file:").exists()


def test_full_disk_while_storing_is_not_writable_and_stores_nothing(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "dmarcwatch.db"))

    def tiny_disk(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.execute("PRAGMA max_page_count = 64")  # type: ignore[attr-defined]

    event.listen(store.engine, "connect", tiny_disk)
    store.engine.dispose()  # new connections get the limit: SQLite reports SQLITE_FULL
    with store, pytest.raises(StoreNotWritable, match="the disk is full"):
        add(store, header(), records(50_000))
    with Store.open(str(tmp_path / "dmarcwatch.db")) as again:
        assert again.totals().reports == again.totals().records == 0


def test_file_that_is_not_a_database_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database" * 100)
    with pytest.raises(StoreUnavailable, match="not a usable SQLite database"):
        Store.open(str(path))


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgresql+psycopg2://u@h/db"])
def test_unsupported_database_is_an_invalid_url(url: str) -> None:
    with pytest.raises(InvalidStoreURL, match="unsupported database"):
        Store.open(url)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_unreachable_postgres_is_unavailable_without_showing_the_password() -> None:
    pytest.importorskip("psycopg")
    url = f"postgresql://dmarc:{PASSWORD}@127.0.0.1:{_closed_port()}/dmarc"
    with pytest.raises(StoreUnavailable) as unavailable:
        Store.open(url)
    message = str(unavailable.value)
    assert PASSWORD not in message
    assert "\n" not in message
    assert "dmarc:***@127.0.0.1" in message
    assert "refused" in message.lower()


def test_missing_postgres_driver_says_what_to_install() -> None:
    verdict = _open_elsewhere("postgresql://dmarc@127.0.0.1:1/dmarc", "--hide-psycopg")
    assert verdict == f"StoreUnavailable: {POSTGRES_MISSING}"


@pytest.mark.postgres
def test_missing_postgres_database_is_unavailable(postgres_url: str) -> None:
    with pytest.raises(StoreUnavailable, match='database "no_such_db" does not exist'):
        Store.open(postgres_url.rsplit("/", 1)[0] + "/no_such_db")


@pytest.mark.postgres
def test_read_only_postgres_database_is_not_writable(fresh_pg_url: str) -> None:
    import psycopg

    name = fresh_pg_url.rsplit("/", 1)[1]
    admin = fresh_pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {name} SET default_transaction_read_only = on")
    with pytest.raises(StoreNotWritable, match="read-only transaction"):
        Store.open(fresh_pg_url)


@pytest.mark.postgres
def test_store_url_hides_the_password(fresh_pg_url: str) -> None:
    with_password = fresh_pg_url.replace("://test@", f"://test:{PASSWORD}@")
    with Store.open(with_password) as store:  # the test server trusts any password
        assert PASSWORD not in store.url
        assert PASSWORD not in repr(store)
        assert store.url.startswith("postgresql+psycopg://test:***@127.0.0.1:")
        assert store.dialect == "postgresql"


def test_sqlite_store_names_its_file(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "x.db")) as store:
        assert store.url == f"sqlite:///{tmp_path / 'x.db'}"
        assert store.dialect == "sqlite"
        assert stat.S_ISREG((tmp_path / "x.db").stat().st_mode)


@pytest.mark.parametrize(
    "url", ["postgresql://dmarc:s3cret@db:notaport/x", "postgresql://dmarc:s3c@ret@db/x"]
)
def test_malformed_url_is_invalid_without_showing_the_password(url: str) -> None:
    with pytest.raises(InvalidStoreURL, match="not a database URL") as invalid:
        Store.open(url)
    assert "s3c" not in str(invalid.value)
    assert "dmarc:***@db" in str(invalid.value)


def test_memory_store_works_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with Store.open(":memory:") as store:
        add(store, header(), records(3))
        assert store.totals().records == 3
    assert list(tmp_path.iterdir()) == []
