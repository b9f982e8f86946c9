"""Settings from the TOML configuration file, loaded once into typed, frozen objects.

Secrets never come from the command line: passwords come from a file or an environment
variable named in the config, and are read (and so checked) when the config is loaded. Unknown
keys, wrong types, a missing password source and an unreadable file are errors (exit 78) that
name the key and the file. Relative paths in the file are relative to the file's directory.

::

    [database]      url
    [[mailbox]]     name host port security allow_insecure ca_file username
                    password_file | password_env | [mailbox.oauth2]
                    folder processed_folder invalid_folder other_folder delete timeout
    [mailbox.oauth2] token_command  |  provider="microsoft" tenant_id client_id
                    (client_secret_file | certificate_file) token_cache_file;  mechanism
    [smtp]          host port security ca_file username password_file | password_env from timeout
    [retention]     records_older_than failure_reports_older_than blobs_older_than  ("400d", "8w")
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NoReturn, TypeVar

import platformdirs

from dmarcwatch.errors import ConfigError

APP = "dmarcwatch"

Security = Literal["tls", "starttls", "plain"]
Mechanism = Literal["auto", "xoauth2", "oauthbearer"]
_IMAP_PORTS = {"tls": 993, "starttls": 143, "plain": 143}
_SMTP_PORTS = {"tls": 465, "starttls": 587}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# Every key of each table, as the module docstring lists them: a key outside these is a typo.
_KEYS = {
    "": ("database", "mailbox", "smtp", "retention"),
    "retention": ("records_older_than", "failure_reports_older_than", "blobs_older_than"),
    "database": ("url",),
    "mailbox": (
        *("name", "host", "port", "security", "allow_insecure", "ca_file", "username"),
        *("password_file", "password_env", "oauth2", "folder", "processed_folder"),
        *("invalid_folder", "other_folder", "delete", "timeout"),
    ),
    "oauth2": (
        *("token_command", "provider", "tenant_id", "client_id", "client_secret_file"),
        *("certificate_file", "token_cache_file", "mechanism"),
    ),
    "smtp": (
        *("host", "port", "security", "ca_file", "username", "password_file", "password_env"),
        *("from", "timeout"),
    ),
}
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Secret:
    """A password or client secret; its value never appears in a repr or a message."""

    value: str = field(repr=False)
    origin: str  # "file /etc/x.pass" or "environment variable X", for messages


@dataclass(frozen=True, slots=True)
class TokenCommand:
    """``token_command``: any program that prints an OAuth 2.0 access token on stdout."""

    command: str
    mechanism: Mechanism = "auto"


@dataclass(frozen=True, slots=True)
class MicrosoftOAuth:
    """Microsoft Entra client-credentials flow (app-only access to Exchange Online IMAP)."""

    tenant_id: str
    client_id: str
    client_secret: Secret | None
    certificate_file: Path | None
    token_cache_file: Path
    mechanism: Mechanism = "xoauth2"


OAuthConfig = TokenCommand | MicrosoftOAuth


@dataclass(frozen=True, slots=True)
class MailboxConfig:
    """One ``[[mailbox]]`` table. An empty target folder leaves such messages in place."""

    name: str
    host: str
    username: str
    port: int = 993
    security: Security = "tls"
    ca_file: Path | None = None
    password: Secret | None = None
    oauth2: OAuthConfig | None = None
    folder: str = "INBOX"
    processed_folder: str = "DMARC/Processed"
    invalid_folder: str = "DMARC/Invalid"
    other_folder: str = "DMARC/Other"
    delete: bool = False
    timeout: float = 60.0


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """``[smtp]``: where reports are sent from (used by the reports commands)."""

    host: str
    sender: str
    port: int = 465
    security: Literal["tls", "starttls"] = "tls"
    ca_file: Path | None = None
    username: str | None = None
    password: Secret | None = None
    timeout: float = 60.0


@dataclass(frozen=True, slots=True)
class Config:
    path: Path | None
    database_url: str | None = None
    mailboxes: tuple[MailboxConfig, ...] = ()
    smtp: SmtpConfig | None = None
    retention: dict[str, str] = field(default_factory=dict)  # key -> span ("400d", "8w")


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
            raise ConfigError(f"config file {target} does not exist")
        return Config(path=None)
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {target}: {exc}") from exc
    return parse_config(data, target)


def require_file(config: Config) -> Path:
    """The file *config* was read from; a config error naming the path looked at if none."""
    if config.path is None:
        raise ConfigError(
            f"no config file at {default_config_path()}: write one with 'dmarcwatch init', "
            "or name one with --config"
        )
    return config.path


def parse_config(data: dict[str, Any], path: Path) -> Config:
    """Validate the parsed TOML *data* of the file at *path*."""
    top = _Table(data, "", path)
    top.known(_KEYS[""])
    database = top.table("database")
    if database:
        database.known(_KEYS["database"])
    url = database.optional("url", str) if database else None
    if database:
        database.done()
    mailboxes = tuple(_mailbox(t) for t in top.tables("mailbox"))
    smtp_table = top.table("smtp")
    smtp = _smtp(smtp_table) if smtp_table else None
    retention_table = top.table("retention")
    retention = _retention(retention_table) if retention_table else {}
    top.done()
    _check_unique_names(mailboxes, path)
    return Config(path=path, database_url=url, mailboxes=mailboxes, smtp=smtp, retention=retention)


_RETENTION_SPAN = re.compile(r"[1-9][0-9]{0,5}[dw]")


def _retention(t: _Table) -> dict[str, str]:
    t.known(_KEYS["retention"])
    spans = {}
    for key in _KEYS["retention"]:
        value = t.optional(key, str)
        if value is not None:
            if not _RETENTION_SPAN.fullmatch(value.strip()):
                t.fail(key, f'expected days or weeks such as "400d" or "8w", got {value[:40]!r}')
            spans[key] = value.strip()
    t.done()
    return spans


def _check_unique_names(mailboxes: tuple[MailboxConfig, ...], path: Path) -> None:
    seen: set[str] = set()
    for box in mailboxes:
        if box.name in seen:
            raise ConfigError(f"config file {path}: two [[mailbox]] tables are named {box.name!r}")
        seen.add(box.name)


def _mailbox(t: _Table) -> MailboxConfig:
    if "name" not in t.data:  # perhaps mistyped: say so rather than "missing"
        t.known(_KEYS["mailbox"])
    name = t.required("name", str)
    if not _NAME.fullmatch(name):
        t.fail("name", "must be 1-64 letters, digits, '.', '_' or '-'")
    t.where = f"[[mailbox]] {name!r}"
    t.known(_KEYS["mailbox"])
    security = t.choice("security", ("tls", "starttls", "plain"), "tls")
    if security == "plain" and not t.optional("allow_insecure", bool, False):
        t.fail("security", "'plain' sends the password unencrypted; set allow_insecure = true")
    password = _password(t, required=False)
    oauth = t.table("oauth2")
    if (password is None) == (oauth is None):
        t.fail("password_file", "give exactly one of password_file, password_env, [oauth2]")
    folder = t.optional("folder", str, "INBOX")
    box = MailboxConfig(
        name=name,
        host=_host(t),
        username=t.required("username", str),
        port=_port(t, _IMAP_PORTS[security]),
        security=security,
        ca_file=t.readable_file("ca_file"),
        password=password,
        oauth2=_oauth(oauth, name) if oauth else None,
        folder=folder,
        processed_folder=_target(t, "processed_folder", "DMARC/Processed", folder),
        invalid_folder=_target(t, "invalid_folder", "DMARC/Invalid", folder),
        other_folder=_target(t, "other_folder", "DMARC/Other", folder),
        delete=t.optional("delete", bool, False),
        timeout=_timeout(t),
    )
    t.done()
    return box


def _smtp(t: _Table) -> SmtpConfig:
    t.where = "[smtp]"
    t.known(_KEYS["smtp"])
    security = t.choice("security", ("tls", "starttls"), "tls")
    username = t.optional("username", str)
    password = _password(t, required=username is not None)
    if password is not None and username is None:
        t.fail("username", "is required with a password")
    smtp = SmtpConfig(
        host=_host(t),
        sender=t.required("from", str),
        port=_port(t, _SMTP_PORTS[security]),
        security=security,
        ca_file=t.readable_file("ca_file"),
        username=username,
        password=password,
        timeout=_timeout(t),
    )
    t.done()
    return smtp


def _oauth(t: _Table, mailbox: str) -> OAuthConfig:
    t.where = f"[mailbox.oauth2] of {mailbox!r}"
    t.known(_KEYS["oauth2"])
    mechanism = t.choice("mechanism", ("auto", "xoauth2", "oauthbearer"), "auto")
    command = t.optional("token_command", str)
    provider = t.optional("provider", str)
    if (command is None) == (provider is None):
        t.fail("token_command", "give exactly one of token_command or provider")
    result: OAuthConfig
    if command is not None:
        if not command.strip():
            t.fail("token_command", "is empty")
        result = TokenCommand(command=command, mechanism=mechanism)
    else:
        result = _microsoft(t, provider, mailbox, mechanism)
    t.done()
    return result


def _microsoft(t: _Table, provider: str | None, mailbox: str, mechanism: str) -> MicrosoftOAuth:
    if provider != "microsoft":
        t.fail("provider", f"must be 'microsoft', not {provider!r}")
    secret = _secret_file(t, "client_secret_file")
    certificate = t.readable_file("certificate_file")
    if (secret is None) == (certificate is None):
        t.fail("client_secret_file", "give exactly one of client_secret_file or certificate_file")
    default_cache = Path(platformdirs.user_cache_dir(APP)) / f"msal-{mailbox}.json"
    cache = t.optional("token_cache_file", str)
    return MicrosoftOAuth(
        tenant_id=t.required("tenant_id", str),
        client_id=t.required("client_id", str),
        client_secret=secret,
        certificate_file=certificate,
        token_cache_file=t.resolve(cache) if cache else default_cache,
        mechanism="xoauth2" if mechanism == "auto" else mechanism,  # type: ignore[arg-type]
    )


def _password(t: _Table, *, required: bool) -> Secret | None:
    from_file = _secret_file(t, "password_file")
    env = t.optional("password_env", str)
    if from_file is not None and env is not None:
        t.fail("password_env", "give only one of password_file or password_env")
    if from_file is not None:
        return from_file
    if env is not None:
        value = os.environ.get(env)
        if not value:
            t.fail("password_env", f"environment variable {env} is not set or empty")
        return Secret(value, f"environment variable {env}")
    if required:
        t.fail("password_file", "is required (or password_env)")
    return None


def _secret_file(t: _Table, key: str) -> Secret | None:
    path = t.readable_file(key)
    if path is None:
        return None
    try:
        value = path.read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        t.fail(key, f"cannot read {path}: {exc.__class__.__name__}")
    if not value:
        t.fail(key, f"{path} is empty")
    return Secret(value, f"file {path}")


def _host(t: _Table) -> str:
    host = t.required("host", str)
    if not host or any(c.isspace() or c in "/@" for c in host):
        t.fail("host", f"is not a host name: {host!r}")
    return host


def _port(t: _Table, default: int) -> int:
    port: int = t.optional("port", int, default)
    if not 0 < port < 65536:
        t.fail("port", f"must be 1-65535, not {port}")
    return port


def _timeout(t: _Table) -> float:
    value = t.optional("timeout", (int, float), 60)
    if not 0 < value <= 3600:
        t.fail("timeout", "must be between 0 and 3600 seconds")
    return float(value)


def _target(t: _Table, key: str, default: str, folder: str) -> str:
    value: str = t.optional(key, str, default)
    if value == folder:
        t.fail(key, f'must differ from folder {folder!r} (use "" to leave messages in place)')
    return value


class _Table:
    """One TOML table being validated: every key read is checked, leftovers are errors."""

    def __init__(self, data: dict[str, Any], where: str, path: Path) -> None:
        self.data = data
        self.where = where
        self.path = path
        self.seen: set[str] = set()

    def fail(self, key: str, problem: str) -> NoReturn:
        place = f"{self.where} " if self.where else ""
        raise ConfigError(f"config file {self.path}: {place}key {key!r} {problem}")

    def optional(self, key: str, kind: type[_T] | tuple[type, ...], default: Any = None) -> Any:
        self.seen.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            wanted = " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)
            self.fail(key, f"must be {wanted}, not {_type_name(value)}")
        return value

    def required(self, key: str, kind: type[_T]) -> _T:
        if key not in self.data:
            self.fail(key, "is missing")
        value: _T = self.optional(key, kind)
        return value

    def choice(self, key: str, options: tuple[str, ...], default: str) -> Any:
        value = self.optional(key, str, default)
        if value not in options:
            self.fail(key, f"must be one of {', '.join(options)}, not {value!r}")
        return value

    def resolve(self, value: str) -> Path:
        candidate = Path(value).expanduser()
        return candidate if candidate.is_absolute() else self.path.parent / candidate

    def readable_file(self, key: str) -> Path | None:
        value = self.optional(key, str)
        if value is None:
            return None
        path = self.resolve(value)
        if not path.is_file() or not os.access(path, os.R_OK):
            self.fail(key, f"names {path}, which is not a readable file")
        return path

    def table(self, key: str) -> _Table | None:
        value = self.optional(key, dict)
        return _Table(value, f"[{key}]", self.path) if value is not None else None

    def tables(self, key: str) -> list[_Table]:
        value = self.optional(key, list, [])
        if not all(isinstance(v, dict) for v in value):
            self.fail(key, "must be written as [[mailbox]] tables")
        return [_Table(v, f"[[{key}]] #{i + 1}", self.path) for i, v in enumerate(value)]

    def known(self, keys: tuple[str, ...]) -> None:
        """Refuse a key outside *keys* before anything else: a typo explains what follows."""
        unknown = sorted(set(self.data) - set(keys))
        if unknown:
            self.fail(unknown[0], _unknown(unknown[0], keys))

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            self.fail(unknown[0], _unknown(unknown[0], tuple(self.seen)))


def _unknown(key: str, known: tuple[str, ...]) -> str:
    """'is unknown', with the nearest known key when one is close (``passwrd_file``)."""
    close = difflib.get_close_matches(key, sorted(known), n=1)
    if close:
        return f"is unknown; did you mean {close[0]!r}?"
    return "is unknown (check the spelling; see dmarcwatch init)"


_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    dict: "a table",
    list: "a list",
}


def _type_name(value: object) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)
