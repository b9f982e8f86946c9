"""Commands that only read never create a store: a missing or empty one is one line, exit 66."""

from __future__ import annotations

from pathlib import Path

import pytest

from dmarcwatch.cli import main
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.store import Store
from tests.analysis.storefill import add_files, scenario_files

READERS = [
    ["senders"],
    ["diagnose"],
    ["report", "-o", "-"],
    ["export", "--format", "csv", "-o", "-"],
]
FILL = "'dmarcwatch poll' or 'dmarcwatch import PATH...'"


@pytest.fixture(autouse=True)
def _own_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("DMARCWATCH_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("DMARCWATCH_DB", raising=False)
    monkeypatch.delenv("DMARCWATCH_CONFIG")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


@pytest.mark.parametrize("command", READERS, ids=lambda c: c[0])
def test_a_mistyped_store_is_one_line_exit_66_and_nothing_is_created(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'nope' / 'x.db'}"
    code, out, err = _run(capsys, *command, "--db", url)
    assert code == Exit.NOINPUT
    assert out == "" and len(err) == 1
    assert err[0].startswith(f"dmarcwatch: no store at {url} (from --db)")
    assert not (tmp_path / "nope").exists()


def test_the_store_named_by_the_environment_or_the_default_is_named_with_its_origin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DMARCWATCH_DB", str(tmp_path / "env.db"))
    code, _, err = _run(capsys, "senders")
    assert code == Exit.NOINPUT
    assert err == [
        f"dmarcwatch: no store at sqlite:///{tmp_path / 'env.db'} (from $DMARCWATCH_DB); "
        f"{FILL} creates it"
    ]
    monkeypatch.delenv("DMARCWATCH_DB")
    code, _, err = _run(capsys, "diagnose")
    default = tmp_path / "data" / "dmarcwatch" / "dmarcwatch.db"
    assert code == Exit.NOINPUT
    assert err[0].startswith(f"dmarcwatch: no store at sqlite:///{default} (the default)")
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("command", READERS, ids=lambda c: c[0])
def test_an_empty_store_says_so_and_how_to_fill_it(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "empty.db"
    Store.open(str(db)).close()
    code, out, err = _run(capsys, *command, "--db", str(db))
    assert code == Exit.NOINPUT
    assert out == ""
    assert err == [
        f"dmarcwatch: the store sqlite:///{db} (from --db) holds no reports yet; "
        f"fill it with {FILL}"
    ]


def test_a_database_file_without_a_store_is_not_given_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "blank.db"
    db.write_bytes(b"")
    code, _, err = _run(capsys, "senders", "--db", str(db))
    assert code == Exit.NOINPUT and len(err) == 1
    assert "holds no reports yet" in err[0]
    assert db.read_bytes() == b""


def test_a_store_with_reports_is_read_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "store.db"
    with Store.open(str(db)) as store:
        add_files(store, scenario_files("clean"))
    args = ("--since", "2026-01-01", "--until", "2026-11-27")  # the data's end: not stale
    code, out, err = _run(capsys, "senders", "--db", str(db), *args)
    assert (code, err) == (0, [])
    assert out.startswith("Period: 2026-01-01 – 2026-11-27 (UTC)\nDOMAIN")


def test_import_still_creates_the_store_and_its_directories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "new" / "dir" / "x.db"
    (tmp_path / "inbox").mkdir()
    code, _, _ = _run(capsys, "import", "--quiet", "--db", str(db), str(tmp_path / "inbox"))
    assert code == 0 and db.exists()


def test_check_with_a_missing_explicit_store_is_one_line_exit_66(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'absent' / 'x.db'}"
    code, out, err = _run(capsys, "check", "example.ch", "--db", url, "--nameserver", "127.0.0.1:9")
    assert code == Exit.NOINPUT and out == "" and len(err) == 1
    assert err[0].startswith(f"dmarcwatch: no store at {url} (from --db)")
    assert not (tmp_path / "absent").exists()


@pytest.mark.postgres
def test_an_empty_postgres_database_is_not_given_a_schema(
    fresh_pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import create_engine, inspect

    code, _, err = _run(capsys, "diagnose", "--db", fresh_pg_url)
    assert code == Exit.NOINPUT and len(err) == 1
    assert "holds no reports yet" in err[0] and FILL in err[0]
    engine = create_engine(fresh_pg_url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_missing_postgres_database_stays_one_line_without_the_password(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres_url.rsplit("/", 1)[0].replace("://test@", "://test:p@") + "/no_such_db"
    code, _, err = _run(capsys, "senders", "--db", url)
    assert code == Exit.UNAVAILABLE and len(err) == 1
    assert 'database "no_such_db" does not exist' in err[0]
    assert "test:***@" in err[0] and "test:p@" not in err[0]
