"""``dmarcwatch config check [--connect]``: validate the configuration, optionally log in."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from dmarcwatch.commands import common_options
from dmarcwatch.commands._mailboxes import open_mailbox
from dmarcwatch.config import Config, MailboxConfig, load_config, require_file
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.errors import quote
from dmarcwatch.ingest.mailbox import LoginRefused, MailboxError


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "config",
        help="check the configuration file",
        description="Work with the configuration file.",
    )
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION")
    actions.required = True
    check = actions.add_parser(
        "check",
        parents=[common_options()],
        help="validate the configuration (and with --connect, log in to each mailbox)",
        description="Validate the configuration file: keys, types, password files. With "
        "--connect, log in to each mailbox and report its folders and message counts. "
        "Exit codes: 0 ok, 69 a mailbox unreachable, 77 login refused, 78 config error.",
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
        lines.append(
            f"mailbox {quote(box.name)}: {box.username} at {box.host}:{box.port} "
            f"({box.security}), password from {login}; {box.folder}: {targets}"
            + ("; processed messages are deleted" if box.delete else "")
        )
    if config.smtp:
        smtp = config.smtp
        lines.append(f"smtp: {smtp.host}:{smtp.port} ({smtp.security}) from {smtp.sender}")
    return lines


def _oauth_kind(box: MailboxConfig) -> str:
    return "token_command" if hasattr(box.oauth2, "command") else "Microsoft client credentials"


def _masked(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def connect_and_look(box: MailboxConfig) -> Exit:
    """Log in to *box*, print its folders and message counts; the exit code of the outcome."""
    name = quote(box.name)
    try:
        mailbox = open_mailbox(box)
    except LoginRefused as exc:
        print(f"mailbox {name}: {exc}")
        return Exit.NOPERM
    except MailboxError as exc:
        print(f"mailbox {name}: {exc}")
        return Exit.UNAVAILABLE
    try:
        folders = mailbox.folders()
        print(f"mailbox {name}: logged in to {box.host}:{box.port}; {len(folders)} folders")
        wanted = (box.folder, box.processed_folder, box.invalid_folder, box.other_folder)
        for folder in dict.fromkeys(f for f in wanted if f):
            count = (
                f"{mailbox.count(folder)} messages"
                if folder in folders
                else "missing (created when first needed)"
            )
            print(f"  {folder}: {count}")
        if box.folder not in folders:
            print(f"mailbox {name}: folder {quote(box.folder)} does not exist")
            return Exit.CONFIG
    except MailboxError as exc:
        print(f"mailbox {name}: {exc}")
        return Exit.UNAVAILABLE
    finally:
        mailbox.close()
    return Exit.OK
