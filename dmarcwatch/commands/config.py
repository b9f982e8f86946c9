"""``dmarcwatch config check [--connect]``: validate the configuration, optionally log in."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from dmarcwatch.commands import COMMANDS, common_options
from dmarcwatch.commands._mailboxes import open_source, where
from dmarcwatch.config import Config, MailboxConfig, load_config, require_file
from dmarcwatch.errors import exit_code_for
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.errors import quote
from dmarcwatch.ingest.mailbox import MailboxError, has_folder, missing_folder
from dmarcwatch.ingest.source import Source


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "config", help=COMMANDS["config"].help, description="Work with the configuration file."
    )
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION")
    actions.required = True
    check = actions.add_parser(
        "check",
        parents=[common_options()],
        help="validate the configuration (and with --connect, log in to each mailbox)",
        description="Validate the configuration file: keys, types, password files. With "
        "--connect, log in to each mailbox and report its folders and message counts. "
        "Failures go to stderr. Exit codes: 0 ok, 69 a mailbox unreachable, 77 login refused, "
        "78 config error (also: no config file, a missing folder to poll, security and port "
        "that do not match).",
    )
    check.add_argument(
        "--connect", action="store_true", help="log in to each mailbox and look around"
    )
    check.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    print(f"config {require_file(config)}: valid")
    for line in describe(config):
        print(f"  {line}")
    if not args.connect:
        return Exit.OK
    codes = [connect_and_look(box) for box in config.mailboxes]
    if Exit.NOPERM in codes:
        return Exit.NOPERM
    return max(codes, default=Exit.OK)


def describe(config: Config) -> list[str]:
    lines = [f"database: {_masked(config.database_url) if config.database_url else 'default'}"]
    for box in config.mailboxes:
        login = box.password.origin if box.password else f"OAuth 2.0 ({_oauth_kind(box)})"
        targets = ", ".join(
            f"{label} -> {folder or '(left in place)'}"
            for label, folder in (
                ("processed", box.processed_folder),
                ("invalid", box.invalid_folder),
                ("other", box.other_folder),
            )
        )
        reached = (
            f"{box.username} at {box.host}:{box.port} ({box.security}), password from {login}"
            if box.type == "imap"
            else _reached(box)
        )
        lines.append(
            f"mailbox {quote(box.name)}: {reached}; {box.folder}: {targets}"
            + ("; processed messages are deleted" if box.delete else "")
        )
    if config.smtp:
        smtp = config.smtp
        lines.append(f"smtp: {smtp.host}:{smtp.port} ({smtp.security}) from {smtp.sender}")
    return lines


def _reached(box: MailboxConfig) -> str:
    """How a Maildir, Graph or Gmail mailbox is reached, and with which credential."""
    if box.graph is not None:
        secret = box.graph.client_secret
        credential = secret.origin if secret else f"certificate {box.graph.certificate_file}"
        return f"Microsoft Graph, mailbox of {box.graph.user}, credential: {credential}"
    if box.gmail is not None:
        key = box.gmail.service_account_file or box.gmail.token_file
        kind = "service account" if box.gmail.service_account_file else "token file"
        return f"Gmail API, mailbox of {box.gmail.user}, {kind} {key}"
    return f"{where(box)}"


def _oauth_kind(box: MailboxConfig) -> str:
    return "token_command" if hasattr(box.oauth2, "command") else "Microsoft client credentials"


def _masked(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def connect_and_look(box: MailboxConfig) -> Exit:
    """Log in to *box*, print its folders and message counts; the exit code of the outcome.

    What works goes to stdout, what fails to stderr, in the words ``poll`` would use.
    """
    try:
        mailbox = open_source(box)
    except MailboxError as exc:
        return _failed(box, exc)
    try:
        _look(mailbox, box)
    except MailboxError as exc:
        return _failed(box, exc)
    finally:
        mailbox.close()
    return Exit.OK


def _look(mailbox: Source, box: MailboxConfig) -> None:
    folders = mailbox.folders()
    verb = "opened" if box.type == "maildir" else "logged in to"
    print(f"mailbox {quote(box.name)}: {verb} {where(box)}; {len(folders)} folders")
    wanted = (box.folder, box.processed_folder, box.invalid_folder, box.other_folder)
    for folder in dict.fromkeys(f for f in wanted if f):
        if has_folder(folders, folder):
            state = f"{mailbox.count(folder)} messages"
        else:
            state = "missing" if folder == box.folder else "missing (created when first needed)"
        print(f"  {folder}: {state}")
    if not has_folder(folders, box.folder):
        raise missing_folder(where(box), box.folder, folders)


def _failed(box: MailboxConfig, exc: MailboxError) -> Exit:
    print(f"dmarcwatch: mailbox {quote(box.name)}: {exc}", file=sys.stderr)
    return exit_code_for(exc) or Exit.UNAVAILABLE
