"""What every command needs: the configuration and the store, resolved the same way."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import platformdirs

from dmarcwatch.config import APP, Config, load_config
from dmarcwatch.ingest.store import Store

DB_ENV = "DMARCWATCH_DB"


def config_for(args: argparse.Namespace) -> Config:
    """The configuration named by ``--config``, ``$DMARCWATCH_CONFIG``, or the default file."""
    return load_config(getattr(args, "config", None))


def default_database_url() -> str:
    """SQLite in the user data directory (``~/.local/share/dmarcwatch/dmarcwatch.db``)."""
    path = Path(platformdirs.user_data_dir(APP)) / "dmarcwatch.db"
    return f"sqlite:///{path}"


def database_url(args: argparse.Namespace, config: Config | None = None) -> str:
    """``--db``, else ``$DMARCWATCH_DB``, else the config's ``[database] url``, else SQLite."""
    explicit = getattr(args, "db", None) or os.environ.get(DB_ENV)
    if explicit:
        return str(explicit)
    config = config if config is not None else config_for(args)
    return config.database_url or default_database_url()


def open_store(args: argparse.Namespace, config: Config | None = None) -> Store:
    """Open (creating or migrating) the store the arguments and configuration name."""
    return Store.open(database_url(args, config))
