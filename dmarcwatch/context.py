"""What every command needs: the configuration and the store, resolved the same way."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import platformdirs

from dmarcwatch.config import APP, Config, load_config
from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.database import masked, parse_url
from dmarcwatch.ingest.errors import InvalidStoreURL, StoreEmpty, StoreMissing
from dmarcwatch.ingest.store import Store

DB_ENV = "DMARCWATCH_DB"
FILL = "'dmarcwatch poll' or 'dmarcwatch import PATH...'"


def config_for(args: argparse.Namespace) -> Config:
    """The configuration named by ``--config``, ``$DMARCWATCH_CONFIG``, or the default file."""
    return load_config(getattr(args, "config", None))


def default_database_url() -> str:
    """SQLite in the user data directory (``~/.local/share/dmarcwatch/dmarcwatch.db``)."""
    path = Path(platformdirs.user_data_dir(APP)) / "dmarcwatch.db"
    return f"sqlite:///{path}"


def database_url(args: argparse.Namespace, config: Config | None = None) -> str:
    """``--db``, else ``$DMARCWATCH_DB``, else the config's ``[database] url``, else SQLite."""
    return store_location(args, config)[0]


def store_location(args: argparse.Namespace, config: Config | None = None) -> tuple[str, str]:
    """The store's URL (as :func:`database_url`) and where it came from, for messages."""
    if getattr(args, "db", None):
        return str(args.db), "from --db"
    if os.environ.get(DB_ENV):
        return os.environ[DB_ENV], f"from ${DB_ENV}"
    config = config if config is not None else config_for(args)
    if config.database_url:
        return config.database_url, f"from [database] url in {config.path}"
    return default_database_url(), "the default"


def open_store(args: argparse.Namespace, config: Config | None = None) -> Store:
    """Open (creating or migrating) the store the arguments and configuration name."""
    config = config if config is not None else config_for(args)
    url, origin = store_location(args, config)
    with _url_checked(origin):
        store = Store.open(url)
    store.keep_personal = config.keep_failure_report_details
    return store


def open_existing_store(args: argparse.Namespace, config: Config | None = None) -> Store:
    """Open the store without creating it or its schema (exit 66 when there is none)."""
    url, origin = store_location(args, config)
    try:
        with _url_checked(origin):
            return Store.open(url, create=False)
    except StoreEmpty as exc:
        raise StoreEmpty(_holds_no_reports(masked(parse_url(url)), origin)) from exc
    except StoreMissing as exc:
        raise StoreMissing(f"{exc} ({origin}); {FILL} creates it") from exc


def open_store_to_read(args: argparse.Namespace, config: Config | None = None) -> Store:
    """The store of a command that only reads: one that exists and holds reports."""
    _url, origin = store_location(args, config)
    store = open_existing_store(args, config)
    if not store.has_reports():
        store.close()
        raise StoreEmpty(_holds_no_reports(store.url, origin))
    return store


@contextlib.contextmanager
def _url_checked(origin: str) -> Iterator[None]:
    """A URL that cannot name a store is the user's typo: --db a usage error, else config."""
    try:
        yield
    except InvalidStoreURL as exc:
        code = Exit.USAGE if origin == "from --db" else Exit.CONFIG
        raise CommandError(f"{exc} ({origin})", code) from exc


def _holds_no_reports(url: str, origin: str) -> str:
    return f"the store {url} ({origin}) holds no reports yet; fill it with {FILL}"
