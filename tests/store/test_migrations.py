"""Schema versions: new stores get the latest, old ones are migrated, newer ones refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, inspect, select, text, update
from sqlalchemy.engine import Inspector

from dmarcwatch.ingest import migrations, schema
from dmarcwatch.ingest.errors import SchemaError, StoreEmpty, StoreMissing
from dmarcwatch.ingest.migrations import Migration
from dmarcwatch.ingest.store import Store
from tests.store.factories import add, header, records

FIRST_RELEASE = Path(__file__).with_name("schema_v1")


def _version(store: Store) -> int | None:
    with store.engine.connect() as conn:
        return migrations.current_version(conn)


def _set_version(store: Store, version: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(schema.meta).values(value=version))


def _plain_engine(url: str) -> Engine:
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://"))


def test_new_store_has_every_table_at_the_latest_version(store: Store) -> None:
    assert _version(store) == migrations.latest() == migrations.MIGRATIONS[-1].version
    assert set(schema.metadata.tables) <= set(inspect(store.engine).get_table_names())


def test_reopening_a_store_keeps_its_data(store_url: str) -> None:
    with Store.open(store_url) as store:
        add(store, header(), records(2))
    with Store.open(store_url, create=False) as again:
        assert again.totals().records == 2


def _load_first_release(url: str, dialect: str) -> None:
    script = (FIRST_RELEASE / f"{dialect}.sql").read_text()
    lines = [line for line in script.splitlines() if not line.startswith("--")]
    engine = _plain_engine(url)
    with engine.begin() as conn:
        for statement in "\n".join(lines).split(";\n"):
            if statement.strip():
                conn.exec_driver_sql(statement)
    engine.dispose()


def _shape(inspector: Inspector, dialect: Any) -> dict[str, Any]:
    """What a reader of the store relies on: columns, keys, constraints and indexes."""
    shape = {}
    for name in sorted(inspector.get_table_names()):
        pk = inspector.get_pk_constraint(name)["constrained_columns"]
        shape[name] = {
            "columns": [
                (c["name"], c["type"].compile(dialect), c["nullable"] and c["name"] not in pk)
                for c in inspector.get_columns(name)
            ],
            "pk": pk,
            "unique": sorted(
                tuple(u["column_names"]) for u in inspector.get_unique_constraints(name)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]))
                for i in inspector.get_indexes(name)
                if not i.get("duplicates_constraint")
            ),
            "fks": sorted(
                (
                    tuple(f["constrained_columns"]),
                    f["referred_table"],
                    (f.get("options") or {}).get("ondelete"),
                )
                for f in inspector.get_foreign_keys(name)
            ),
        }
    return shape


def _expected_shape(url: str, tmp_path: Path) -> dict[str, Any]:
    """The shape of a store created new, in a scratch database of the same kind."""
    if url.startswith("sqlite"):
        with Store.open(str(tmp_path / "new.db")) as new:
            return _shape(inspect(new.engine), new.engine.dialect)
    engine = _plain_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA fresh")
        conn.exec_driver_sql("SET LOCAL search_path TO fresh")
        schema.metadata.create_all(conn)
        shape = _shape(inspect(conn), engine.dialect)
        conn.rollback()
    engine.dispose()
    return shape


def test_first_release_store_is_migrated_to_the_shape_of_a_new_store(
    store_url: str, tmp_path: Path
) -> None:
    dialect = "sqlite" if store_url.startswith("sqlite") else "postgresql"
    if dialect == "sqlite":
        Path(store_url.removeprefix("sqlite:///")).parent.mkdir(parents=True)
    _load_first_release(store_url, dialect)
    with Store.open(store_url) as store:
        assert _version(store) == migrations.latest()
        migrated = _shape(inspect(store.engine), store.engine.dialect)
        assert add(store, header(), records(3)).records == 3
    assert migrated == _expected_shape(store_url, tmp_path)


def test_store_newer_than_this_program_is_refused_in_one_line(store_url: str) -> None:
    with Store.open(store_url) as store:
        _set_version(store, str(migrations.latest() + 1))
    with pytest.raises(SchemaError) as refused:
        Store.open(store_url)
    message = str(refused.value)
    assert "newer than this dmarcwatch knows" in message
    assert "upgrade dmarcwatch" in message
    assert "\n" not in message


def test_unreadable_schema_version_is_a_schema_error(store: Store) -> None:
    _set_version(store, "one")
    with pytest.raises(SchemaError, match="unreadable"):
        migrations.migrate(store.engine)


class _Step:
    """A fake migration: adds a column, counting how often it runs."""

    def __init__(self, version: int, table: str) -> None:
        self.calls = 0
        self.migration = Migration(version, f"add {table}", self)
        self.table = table

    def __call__(self, conn: Connection) -> None:
        self.calls += 1
        conn.execute(text(f"CREATE TABLE {self.table} (x INTEGER)"))


NEXT = migrations.latest() + 1


def test_extra_migration_step_runs_once_and_records_its_version(store: Store) -> None:
    steps = [*migrations.MIGRATIONS, (step := _Step(NEXT, "extra_next")).migration]
    assert migrations.migrate(store.engine, steps=steps) == NEXT
    assert migrations.migrate(store.engine, steps=steps) == NEXT
    assert step.calls == 1
    assert _version(store) == NEXT
    assert "extra_next" in inspect(store.engine).get_table_names()
    with pytest.raises(SchemaError, match=f"schema version {NEXT}"):
        migrations.migrate(store.engine)


class _Broken(_Step):
    def __call__(self, conn: Connection) -> None:
        super().__call__(conn)
        raise RuntimeError("step 3 fails half-way")


def test_failing_step_rolls_back_and_keeps_the_steps_before_it(store: Store) -> None:
    good, bad = _Step(NEXT, "extra_good"), _Broken(NEXT + 1, "extra_bad")
    with pytest.raises(RuntimeError, match="half-way"):
        migrations.migrate(
            store.engine, steps=[*migrations.MIGRATIONS, good.migration, bad.migration]
        )
    assert _version(store) == NEXT
    tables = inspect(store.engine).get_table_names()
    assert "extra_good" in tables
    assert "extra_bad" not in tables


def test_steps_must_be_numbered_from_two_without_gaps(store: Store) -> None:
    with pytest.raises(ValueError, match="consecutively"):
        migrations.migrate(store.engine, steps=[_Step(3, "t").migration])


def test_open_without_create_refuses_a_missing_sqlite_file(tmp_path: Path) -> None:
    missing = tmp_path / "sub" / "missing.db"
    with pytest.raises(StoreMissing, match=f"^no store at sqlite:///{missing}$"):
        Store.open(str(missing), create=False)
    assert not (tmp_path / "sub").exists()


def test_open_without_create_refuses_an_empty_database(fresh_pg_url: str) -> None:
    with pytest.raises(StoreEmpty, match="holds no dmarcwatch store"):
        Store.open(fresh_pg_url, create=False)
    engine = _plain_engine(fresh_pg_url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_database_with_foreign_tables_of_our_names_is_refused(store_url: str) -> None:
    if store_url.startswith("sqlite"):
        Path(store_url.removeprefix("sqlite:///")).parent.mkdir(parents=True)
    engine = _plain_engine(store_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE reports (x INTEGER)")
    engine.dispose()
    with pytest.raises(SchemaError, match="tables named like dmarcwatch's"):
        Store.open(store_url)


def _first_release_report(url: str) -> None:
    """One blob, report and record written in the first release's shape."""
    engine = _plain_engine(url)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    report = {
        "org_name": "google.com", "email": "x@google.com", "report_id": "r1",
        "policy_domain": "example.org", "begin_ts": 1, "end_ts": 2, "schema": "rfc7489",
        "errors": "[]", "adkim": "r", "aspf": "r", "p": "none", "sp": "none", "np": "none",
        "fo": "0", "warnings": "[]", "record_count": 1, "message_count": 5, "source": "a.xml",
        "location": "input", "blob_sha256": "a" * 64, "ingested_at": now,
    }  # fmt: skip
    with engine.begin() as conn:
        conn.execute(
            schema.blobs.insert().values(
                sha256="a" * 64, size=1, compression="none", data=b"x", first_seen=now
            )
        )
        pk = conn.execute(schema.reports.insert().values(**report)).inserted_primary_key[0]
        conn.execute(
            schema.records.insert().values(
                report_pk=pk, seq=0, source_ip="192.0.2.1", count=5, disposition="none",
                dkim="pass", spf="pass", header_from="example.org",
            )
        )  # fmt: skip
    engine.dispose()


def test_version_3_keeps_every_report_and_record_and_calls_them_not_applicable(
    store_url: str,
) -> None:
    """The SQLite table rebuild must not cascade to the records (foreign keys are off)."""
    dialect = "sqlite" if store_url.startswith("sqlite") else "postgresql"
    if dialect == "sqlite":
        Path(store_url.removeprefix("sqlite:///")).parent.mkdir(parents=True)
    _load_first_release(store_url, dialect)
    _first_release_report(store_url)
    with Store.open(store_url) as store:
        assert _version(store) == migrations.latest()  # through version 3 and every later step
        assert (store.totals().reports, store.totals().records) == (1, 1)
        r = schema.reports
        with store.engine.connect() as conn:
            row = conn.execute(select(r.c.verification, r.c.variant)).one()
            assert tuple(row) == ("not-applicable", 0)
            if dialect == "sqlite":  # the connection the migration used has them back on
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert add(store, header(), records(2)).records == 2
