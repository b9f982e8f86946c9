"""Settings from the TOML configuration file, loaded once into typed, frozen objects.

Secrets never come from the command line: passwords come from a file or an environment
variable named in the config. Unknown keys and wrong types are errors naming key and file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit

APP = "dmarcwatch"


@dataclass(frozen=True, slots=True)
class Config:
    path: Path | None
    database_url: str | None = None


def default_config_path() -> Path:
    env = os.environ.get("DMARCWATCH_CONFIG")
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def load_config(path: str | Path | None) -> Config:
    """Load the config at *path*, or the default one if it exists; a missing default is empty."""
    explicit = path is not None or bool(os.environ.get("DMARCWATCH_CONFIG"))
    target = Path(path) if path is not None else default_config_path()
    if not target.exists():
        if explicit:
            raise CommandError(f"config file {target} does not exist", Exit.CONFIG)
        return Config(path=None)
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CommandError(f"config file {target}: {exc}", Exit.CONFIG) from exc
    database = data.get("database", {})
    url = database.get("url") if isinstance(database, dict) else None
    if url is not None and not isinstance(url, str):
        raise CommandError(f"config file {target}: [database] url must be a string", Exit.CONFIG)
    return Config(path=target, database_url=url)
