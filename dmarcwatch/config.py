"""Settings from the TOML configuration file, loaded once into typed, frozen objects.

Secrets never come from the command line: passwords come from a file or an environment
variable named in the config, and are read (and so checked) when the config is loaded. Unknown
keys, wrong types, a missing password source and an unreadable file are errors (exit 78) that
name the key and the file. Relative paths in the file are relative to the file's directory.

A config file, or a file holding a secret (``password_file``, ``client_secret_file``,
``certificate_file``), that others may write is refused: a config can name a
``token_command`` to run. A secret readable by others (or a config whose database URL holds
a password) is used, with a warning on stderr.

::

    [database]      url
    [[mailbox]]     name type host port security allow_insecure ca_file username
                    password_file | password_env | [mailbox.oauth2]
                    folder processed_folder invalid_folder other_folder delete timeout
                    type="maildir": path
                    type="graph": user tenant_id client_id (client_secret_file |
                    certificate_file) token_cache_file ca_file graph_url login_url
                    type="gmail": user (service_account_file | token_file) ca_file api_url
                    token_url
    [mailbox.oauth2] token_command  |  provider="microsoft" tenant_id client_id
                    (client_secret_file | certificate_file) token_cache_file;  mechanism
    [smtp]          host port security ca_file username password_file | password_env from timeout
    [trust]         include_unverified nameservers
    [limits]        max_message_bytes max_report_bytes max_input_bytes max_input_cpu_seconds
                    max_input_seconds max_input_records max_reporter_day_records
    [privacy]       keep_failure_report_details
    [[alert]]       type (email | webhook | slack | teams) name domains min_severity codes lang
                    to (email) | url | url_file; secret_file (webhook) timeout retries ca_file
    [ip_data]       path
    [[approved]]    domain senders note
    [retention]     records_older_than failure_reports_older_than blobs_older_than  ("400d", "8w")
"""

from __future__ import annotations

import base64
import binascii
import difflib
import os
import re
import stat
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NoReturn, TypeVar

import platformdirs

from dmarcwatch.analysis.languages import LANGUAGES
from dmarcwatch.errors import ConfigError
from dmarcwatch.ingest.limits import CONFIGURABLE, DEFAULT_LIMITS, Limits

APP = "dmarcwatch"

Security = Literal["tls", "starttls", "plain"]
Mechanism = Literal["auto", "xoauth2", "oauthbearer"]
_IMAP_PORTS = {"tls": 993, "starttls": 143, "plain": 143}
_SMTP_PORTS = {"tls": 465, "starttls": 587}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# Every key of each table, as the module docstring lists them: a key outside these is a typo.
_KEYS = {
    "": (
        "database",
        "mailbox",
        "smtp",
        "trust",
        "limits",
        "privacy",
        "alert",
        "ip_data",
        "approved",
        "retention",
    ),
    "trust": ("include_unverified", "nameservers"),
    "retention": ("records_older_than", "failure_reports_older_than", "blobs_older_than"),
    "database": ("url",),
    "ip_data": ("path",),
    "approved": ("domain", "senders", "note"),
    "mailbox": (
        *("name", "host", "port", "security", "allow_insecure", "ca_file", "username"),
        *("password_file", "password_env", "oauth2", "folder", "processed_folder"),
        *("invalid_folder", "other_folder", "delete", "timeout", "type", "path", "user"),
        *("tenant_id", "client_id", "client_secret_file", "certificate_file"),
        *("token_cache_file", "graph_url", "login_url", "service_account_file", "token_file"),
        *("api_url", "token_url"),
    ),
    "oauth2": (
        *("token_command", "provider", "tenant_id", "client_id", "client_secret_file"),
        *("certificate_file", "token_cache_file", "mechanism"),
    ),
    "smtp": (
        *("host", "port", "security", "ca_file", "username", "password_file", "password_env"),
        *("from", "timeout"),
    ),
    "limits": CONFIGURABLE,
    "privacy": ("keep_failure_report_details",),
    "alert": (
        *("type", "name", "domains", "min_severity", "codes", "lang", "to", "url", "url_file"),
        *("secret_file", "timeout", "retries", "ca_file"),
    ),
}
ALERT_TYPES = ("email", "webhook", "slack", "teams")
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
SourceType = Literal["imap", "graph", "gmail", "maildir"]
GRAPH_URL = "https://graph.microsoft.com/v1.0"
MICROSOFT_LOGIN_URL = "https://login.microsoftonline.com"
GMAIL_API_URL = "https://gmail.googleapis.com/gmail/v1"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL, not a secret


@dataclass(frozen=True, slots=True)
class GraphConfig:
    """``type = "graph"``: a user's mailbox through Microsoft Graph, with app-only access."""

    user: str
    tenant_id: str
    client_id: str
    client_secret: Secret | None
    certificate_file: Path | None
    token_cache_file: Path
    graph_url: str = GRAPH_URL
    login_url: str = MICROSOFT_LOGIN_URL


@dataclass(frozen=True, slots=True)
class GmailConfig:
    """``type = "gmail"``: a mailbox through the Gmail API (service account or user token)."""

    user: str
    service_account_file: Path | None
    token_file: Path | None
    api_url: str = GMAIL_API_URL
    token_url: str = GOOGLE_TOKEN_URL


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
    type: SourceType = "imap"
    path: Path | None = None  # maildir
    graph: GraphConfig | None = None
    gmail: GmailConfig | None = None


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
class TrustConfig:
    """Which reports count: ``include_unverified`` counts reports from unsigned mail;
    ``nameservers`` (``HOST[:PORT]``) answer the DKIM key look-ups of ``poll`` (default: the
    system's)."""

    include_unverified: bool = False
    nameservers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AlertConfig:
    """One ``[[alert]]`` table: a channel and the events it wants."""

    type: Literal["email", "webhook", "slack", "teams"]
    name: str | None = None
    domains: tuple[str, ...] = ()  # globs; empty: every domain
    min_severity: Literal["warning", "critical"] = "warning"
    codes: tuple[str, ...] = ()  # globs; empty: every code
    lang: str = "en"
    to: tuple[str, ...] = ()  # email
    url: Secret | None = None  # webhook, slack, teams (the URL of Slack and Teams is a secret)
    secrets: tuple[Secret, ...] = ()  # webhook signing keys, one a line of secret_file
    timeout: float = 10.0
    retries: int = 2
    ca_file: Path | None = None


@dataclass(frozen=True, slots=True)
class Config:
    path: Path | None
    database_url: str | None = None
    mailboxes: tuple[MailboxConfig, ...] = ()
    smtp: SmtpConfig | None = None
    trust: TrustConfig = field(default_factory=TrustConfig)
    limits: Limits = DEFAULT_LIMITS
    keep_failure_report_details: bool = False
    """Keep failure reports' addresses, subject and original mail (off: only what diagnosis
    needs, local parts redacted, the mail's digest only). For a deployment whose
    data-protection assessment allows it."""
    alerts: tuple[AlertConfig, ...] = ()
    ip_data: Path | None = None  # the IP owner data (location.db); None: the default files
    approved: tuple[ApprovedSenders, ...] = ()
    retention: dict[str, str] = field(default_factory=dict)  # key -> span ("400d", "8w")


@dataclass(frozen=True, slots=True)
class ApprovedSenders:
    """An ``[[approved]]`` table: senders, networks or AS<number> a domain uses."""

    domain: str
    senders: tuple[str, ...]
    note: str = ""
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
    mode = check_permissions(target, "config file")
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {target}: {exc}") from exc
    config = parse_config(data, target)
    if mode & stat.S_IROTH and _has_password(config.database_url):
        _warn_readable(target, "config file (its database URL holds a password)")
    return config


def check_permissions(path: Path, what: str, *, secret: bool = False) -> int:
    """Refuse *path* if others may write it; warn if a *secret* is readable by others.

    Returns the file's permission bits (0 if it cannot be looked at: reading it says why).
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0
    if mode & stat.S_IWOTH:
        raise ConfigError(
            f"{what} {path} is writable by others, who could change what dmarcwatch does: "
            f"make it yours only (chmod o-w {path})"
        )
    if secret and mode & stat.S_IROTH:
        _warn_readable(path, what)
    return mode


def _warn_readable(path: Path, what: str) -> None:
    print(
        f"dmarcwatch: warning: {what} {path} is readable by others (chmod o-r {path})",
        file=sys.stderr,
    )


def _has_password(url: str | None) -> bool:
    """Whether a database URL carries a password (``postgresql://user:secret@host/db``)."""
    if not url or "://" not in url:
        return False
    authority = url.split("://", 1)[1].split("/", 1)[0]
    return "@" in authority and ":" in authority.rsplit("@", 1)[0]


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
    trust_table = top.table("trust")
    trust = _trust(trust_table) if trust_table else TrustConfig()
    limits_table = top.table("limits")
    limits = _limits(limits_table) if limits_table else DEFAULT_LIMITS
    keep = _privacy(top.table("privacy"))
    alerts = tuple(_alert(t) for t in top.tables("alert"))
    ip_data_table = top.table("ip_data")
    ip_data = _ip_data(ip_data_table) if ip_data_table else None
    approved = tuple(_approved(t) for t in top.tables("approved"))
    retention_table = top.table("retention")
    retention = _retention(retention_table) if retention_table else {}
    top.done()
    _check_unique_names(mailboxes, path)
    return Config(
        path=path,
        database_url=url,
        mailboxes=mailboxes,
        smtp=smtp,
        trust=trust,
        limits=limits,
        keep_failure_report_details=keep,
        alerts=alerts,
        ip_data=ip_data,
        approved=approved,
        retention=retention,
    )


def _ip_data(t: _Table) -> Path | None:
    t.known(_KEYS["ip_data"])
    path = t.readable_file("path")
    t.done()
    return path


def _approved(t: _Table) -> ApprovedSenders:
    t.known(_KEYS["approved"])
    domain = t.required("domain", str)
    senders = t.required("senders", list)
    if not senders or not all(isinstance(s, str) and s.strip() for s in senders):
        t.fail("senders", "must be a list of sender names, IP networks or AS<number>")
    note = t.optional("note", str, "")
    t.done()
    return ApprovedSenders(domain=domain, senders=tuple(senders), note=note)


def _trust(t: _Table) -> TrustConfig:
    t.known(_KEYS["trust"])
    include = t.optional("include_unverified", bool, False)
    servers = t.optional("nameservers", list, [])
    if not all(isinstance(s, str) and s for s in servers):
        t.fail("nameservers", "expected a list of HOST or HOST:PORT strings")
    t.done()
    return TrustConfig(include_unverified=include, nameservers=tuple(servers))


def _limits(t: _Table) -> Limits:
    """``[limits]``: positive numbers; seconds may be fractional, the others are whole."""
    t.known(_KEYS["limits"])
    values: dict[str, int | float] = {}
    for key in CONFIGURABLE:
        seconds = key.endswith("_seconds")
        value = t.optional(key, (int, float) if seconds else int)
        if value is None:
            continue
        if value <= 0:
            t.fail(key, f"must be more than 0, not {value}")
        values[key] = float(value) if seconds else value
    t.done()
    return Limits(**values)  # type: ignore[arg-type]


def _privacy(t: _Table | None) -> bool:
    """``[privacy] keep_failure_report_details``: false unless set to true."""
    if t is None:
        return False
    t.known(_KEYS["privacy"])
    keep: bool = t.optional("keep_failure_report_details", bool, False)
    t.done()
    return keep


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
    kind = t.choice("type", ("imap", "graph", "gmail", "maildir"), "imap")
    if kind != "imap":
        box = _api_or_maildir(t, name, kind)
        t.done()
        return box
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


def _api_or_maildir(t: _Table, name: str, kind: SourceType) -> MailboxConfig:
    """A ``[[mailbox]]`` of type maildir, graph or gmail: no host, no password."""
    folder = t.optional("folder", str, "Inbox" if kind == "graph" else "INBOX")
    if kind == "maildir":
        folder = folder.lstrip(".") or "INBOX"
    path = t.optional("path", str) if kind == "maildir" else None
    if kind == "maildir" and path is None:
        t.fail("path", 'is required with type = "maildir"')
    return MailboxConfig(
        name=name,
        host="",
        username="",
        type=kind,
        path=t.resolve(path) if path is not None else None,
        ca_file=t.readable_file("ca_file") if kind != "maildir" else None,
        graph=_graph(t, name) if kind == "graph" else None,
        gmail=_gmail(t) if kind == "gmail" else None,
        folder=folder,
        processed_folder=_folder(t, kind, "processed_folder", "DMARC/Processed", folder),
        invalid_folder=_folder(t, kind, "invalid_folder", "DMARC/Invalid", folder),
        other_folder=_folder(t, kind, "other_folder", "DMARC/Other", folder),
        delete=t.optional("delete", bool, False),
        timeout=_timeout(t),
    )


def _folder(t: _Table, kind: SourceType, key: str, default: str, folder: str) -> str:
    """A target folder; Maildir++ names may be written with their leading dot (.Processed)."""
    if kind != "maildir":
        return _target(t, key, default, folder)
    value: str = t.optional(key, str, default)
    value = value.lstrip(".") if value else value
    if value == folder:
        t.fail(key, f'must differ from folder {folder!r} (use "" to leave messages in place)')
    return value


def _graph(t: _Table, name: str) -> GraphConfig:
    secret = _secret_file(t, "client_secret_file")
    certificate = t.readable_file("certificate_file")
    if (secret is None) == (certificate is None):
        t.fail("client_secret_file", "give exactly one of client_secret_file or certificate_file")
    cache = t.optional("token_cache_file", str)
    default_cache = Path(platformdirs.user_cache_dir(APP)) / f"msal-graph-{name}.json"
    return GraphConfig(
        user=t.required("user", str),
        tenant_id=t.required("tenant_id", str),
        client_id=t.required("client_id", str),
        client_secret=secret,
        certificate_file=certificate,
        token_cache_file=t.resolve(cache) if cache else default_cache,
        graph_url=_https_url(t, "graph_url", GRAPH_URL),
        login_url=_https_url(t, "login_url", MICROSOFT_LOGIN_URL),
    )


def _gmail(t: _Table) -> GmailConfig:
    account = t.readable_file("service_account_file")
    token = t.optional("token_file", str)
    if (account is None) == (token is None):
        t.fail("service_account_file", "give exactly one of service_account_file or token_file")
    return GmailConfig(
        user=t.required("user", str),
        service_account_file=account,
        token_file=t.resolve(token) if token is not None else None,
        api_url=_https_url(t, "api_url", GMAIL_API_URL),
        token_url=_https_url(t, "token_url", GOOGLE_TOKEN_URL),
    )


def _https_url(t: _Table, key: str, default: str) -> str:
    value: str = t.optional(key, str, default)
    if not value.startswith("https://"):
        t.fail(key, f"must be an https:// URL, not {value!r}")
    return value.rstrip("/")


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


def _alert(t: _Table) -> AlertConfig:
    t.known(_KEYS["alert"])
    kind = t.choice("type", ALERT_TYPES, "")
    name = t.optional("name", str)
    if name is not None and not _NAME.fullmatch(name):
        t.fail("name", "must be 1-64 letters, digits, '.', '_' or '-'")
    t.where = f"{t.where} ({kind})"
    retries: int = t.optional("retries", int, 2)
    if not 0 <= retries <= 10:
        t.fail("retries", "must be 0-10")
    alert = AlertConfig(
        type=kind,
        name=name,
        domains=_strings(t, "domains"),
        min_severity=t.choice("min_severity", ("warning", "critical"), "warning"),
        codes=_strings(t, "codes"),
        lang=t.choice("lang", LANGUAGES, "en"),
        to=_strings(t, "to") if kind == "email" else (),
        url=_url(t) if kind != "email" else None,
        secrets=_secrets(t) if kind == "webhook" else (),
        timeout=float(t.optional("timeout", (int, float), 10)),
        retries=retries,
        ca_file=t.readable_file("ca_file"),
    )
    if kind == "email" and not alert.to:
        t.fail("to", "is missing (the recipients' addresses)")
    if not 0 < alert.timeout <= 300:
        t.fail("timeout", "must be between 0 and 300 seconds")
    t.done()
    return alert


def _strings(t: _Table, key: str) -> tuple[str, ...]:
    value = t.optional(key, (list, str), [])
    values = [value] if isinstance(value, str) else value
    if not all(isinstance(v, str) and v.strip() for v in values):
        t.fail(key, "must be a list of non-empty strings")
    return tuple(v.strip() for v in values)


def _url(t: _Table) -> Secret:
    from_file = _secret_file(t, "url_file")
    given = t.optional("url", str)
    if (from_file is None) == (given is None):
        t.fail("url", "give exactly one of url or url_file")
    secret = from_file or Secret(str(given), "the config file")
    if not secret.value.lower().startswith(("https://", "http://")):
        t.fail("url" if given else "url_file", "must be an https:// (or http://) URL")
    return secret


def _secrets(t: _Table) -> tuple[Secret, ...]:
    secret = _secret_file(t, "secret_file")
    if secret is None:
        return ()
    lines = [line.strip() for line in secret.value.splitlines() if line.strip()]
    for number, line in enumerate(lines, 1):
        if line.startswith("whsec_") and not _is_base64(line.removeprefix("whsec_")):
            t.fail("secret_file", f"line {number}: a whsec_ secret is base64 after the prefix")
    return tuple(Secret(line, secret.origin) for line in lines)


def _is_base64(text: str) -> bool:
    try:
        return bool(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        return False


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
    certificate = t.readable_file("certificate_file", secret=True)
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
    path = t.readable_file(key, secret=True)
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

    def readable_file(self, key: str, *, secret: bool = False) -> Path | None:
        value = self.optional(key, str)
        if value is None:
            return None
        path = self.resolve(value)
        if not path.is_file() or not os.access(path, os.R_OK):
            self.fail(key, f"names {path}, which is not a readable file")
        if secret:
            place = f"{self.where} " if self.where else ""
            check_permissions(path, f"config file {self.path}: {place}{key}", secret=True)
        return path

    def table(self, key: str) -> _Table | None:
        value = self.optional(key, dict)
        return _Table(value, f"[{key}]", self.path) if value is not None else None

    def tables(self, key: str) -> list[_Table]:
        value = self.optional(key, list, [])
        if not all(isinstance(v, dict) for v in value):
            self.fail(key, f"must be written as [[{key}]] tables")
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
