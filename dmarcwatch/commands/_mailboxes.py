"""Turn ``[[mailbox]]`` settings into what :mod:`ingest.poll` needs (shared by poll and config)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from dmarcwatch.config import (
    Config,
    MailboxConfig,
    MicrosoftOAuth,
    Secret,
    TokenCommand,
    require_file,
)
from dmarcwatch.errors import CommandError, ConfigError
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.mailbox import Auth, Endpoint, ImapMailbox, PasswordAuth, TokenAuth, connect
from dmarcwatch.ingest.oauth import (
    GRAPH_SCOPE,
    MicrosoftTokenSource,
    certificate_credential,
    run_token_command,
)
from dmarcwatch.ingest.poll import Folders, MailboxJob, MailboxSummary
from dmarcwatch.ingest.source import Source


def endpoint(box: MailboxConfig) -> Endpoint:
    return Endpoint(
        host=box.host,
        port=box.port,
        security=box.security,
        ca_file=box.ca_file,
        timeout=box.timeout,
    )


def auth(box: MailboxConfig) -> Auth:
    oauth = box.oauth2
    if oauth is None:
        assert box.password is not None  # the config guarantees one of the two
        return PasswordAuth(box.username, box.password.value)
    if isinstance(oauth, TokenCommand):
        return TokenAuth(box.username, partial(run_token_command, oauth.command), oauth.mechanism)
    return TokenAuth(box.username, partial(_microsoft_token, oauth), oauth.mechanism)


def _credential(secret: Secret | None, certificate_file: Path | None) -> str | dict[str, str]:
    """An app registration's client secret, else its certificate (one of them is configured)."""
    if secret is not None:
        return secret.value
    assert certificate_file is not None  # the config requires one of the two
    return certificate_credential(certificate_file)


def _microsoft_token(oauth: MicrosoftOAuth) -> str:
    credential = _credential(oauth.client_secret, oauth.certificate_file)
    source = MicrosoftTokenSource(
        oauth.tenant_id,
        oauth.client_id,
        credential,
        oauth.token_cache_file,
    )
    return source()


def open_mailbox(box: MailboxConfig, should_stop: Callable[[], bool] | None = None) -> ImapMailbox:
    return connect(endpoint(box), auth(box), should_stop)


def open_source(box: MailboxConfig, should_stop: Callable[[], bool] | None = None) -> Source:
    """Connect to (or open) the source *box* names, whatever its type; *should_stop*
    (SIGTERM) also ends an IMAP read or wait."""
    if box.type == "maildir":
        from dmarcwatch.ingest.maildir import MaildirSource  # noqa: PLC0415

        assert box.path is not None  # the config requires it
        return MaildirSource(box.path)
    if box.type == "graph":
        return _graph_source(box)
    if box.type == "gmail":
        return _gmail_source(box)
    return open_mailbox(box, should_stop)


def where(box: MailboxConfig) -> str:
    """Where *box* is, for config check: host and port, a path, or the API and user."""
    if box.type == "maildir":
        return f"Maildir {box.path}"
    if box.graph is not None:
        return f"Microsoft Graph as {box.graph.user}"
    if box.gmail is not None:
        return f"Gmail API as {box.gmail.user}"
    return f"{box.host}:{box.port}"


def job(box: MailboxConfig, should_stop: Callable[[], bool] | None = None) -> MailboxJob:
    """The poller's job for *box*; *should_stop* (SIGTERM) also ends a wait for the server."""
    folders = Folders(
        source=box.folder,
        processed=box.processed_folder,
        invalid=box.invalid_folder,
        other=box.other_folder,
        delete_processed=box.delete,
    )
    return MailboxJob(
        name=box.name, folders=folders, connect=partial(open_source, box, should_stop)
    )


def chosen(config: Config, names: Sequence[str] | None) -> list[MailboxConfig]:
    """The mailboxes named with ``--mailbox`` (all by default); none configured is an error."""
    where = require_file(config)
    if not config.mailboxes:
        raise ConfigError(f"no [[mailbox]] in {where}; run 'dmarcwatch init' for an example")
    if not names:
        return list(config.mailboxes)
    known = {box.name: box for box in config.mailboxes}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise CommandError(
            f"no mailbox named {unknown[0]!r} in {where} (known: {', '.join(known)})", Exit.USAGE
        )
    return [known[n] for n in dict.fromkeys(names)]


def exit_code(summaries: Sequence[MailboxSummary]) -> Exit:
    """77 a login was refused; 78 settings do not fit a server; 69 a mailbox unusable; 70 an
    internal error on a message; 65 a message was invalid; else 0."""
    statuses = {s.status for s in summaries}
    if "login" in statuses:
        return Exit.NOPERM
    if "config" in statuses:
        return Exit.CONFIG
    if statuses & {"unavailable", "tls", "error"}:
        return Exit.UNAVAILABLE
    if any(s.failed for s in summaries):
        return Exit.SOFTWARE
    if any(s.invalid for s in summaries):
        return Exit.DATAERR
    return Exit.OK


def _graph_source(box: MailboxConfig) -> Source:
    from dmarcwatch.ingest.graph import GraphSource  # noqa: PLC0415

    graph = box.graph
    assert graph is not None  # the config guarantees it for type = "graph"
    credential = _credential(graph.client_secret, graph.certificate_file)
    tokens = MicrosoftTokenSource(
        graph.tenant_id,
        graph.client_id,
        credential,
        graph.token_cache_file,
        authority=graph.login_url,
        scope=GRAPH_SCOPE,
        ca_file=box.ca_file,
    )
    return GraphSource(
        graph.graph_url, graph.user, tokens, ca_file=box.ca_file, timeout=box.timeout
    )


def _gmail_source(box: MailboxConfig) -> Source:
    from dmarcwatch.ingest.gmail import GmailSource, gmail_credentials  # noqa: PLC0415

    gmail = box.gmail
    assert gmail is not None  # the config guarantees it for type = "gmail"
    credentials = gmail_credentials(
        gmail.service_account_file, gmail.token_file, gmail.user, gmail.token_url
    )
    return GmailSource(
        gmail.api_url, gmail.user, credentials, ca_file=box.ca_file, timeout=box.timeout
    )
