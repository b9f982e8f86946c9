"""``dmarcwatch init``: write a commented configuration file to start from; never overwrite."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from dmarcwatch.commands import add_command
from dmarcwatch.config import default_config_path
from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit

TEMPLATE = """\
# dmarcwatch configuration (TOML). Check it with: dmarcwatch config check --connect
# Relative paths are relative to this file's directory.

[database]
# Where reports are stored. Default: dmarcwatch.db in the user data directory.
# url = "sqlite:////var/lib/dmarcwatch/dmarc.db"
# url = "postgresql+psycopg://dmarcwatch@db.example.ch/dmarcwatch"

# One [[mailbox]] table per rua mailbox; all are polled by one `dmarcwatch poll`.
[[mailbox]]
name = "praxis"                      # used in logs and in the store; letters, digits, . _ -
host = "imap.example.ch"
security = "tls"                     # tls (implicit, port 993) | starttls (port 143)
# port = 993                         # default follows security
# ca_file = "/etc/ssl/local-ca.pem"  # an extra trust anchor; certificates are always verified
username = "dmarc@example.ch"

# The password comes from a file (one line, readable only by you) ...
password_file = "praxis.pass"
# ... or from an environment variable:
# password_env = "DMARCWATCH_PRAXIS_PASSWORD"
# ... or OAuth 2.0 instead of a password (Microsoft 365 no longer accepts IMAP passwords):
# [mailbox.oauth2]
# token_command = "oauth2-helper --account dmarc@example.ch"   # prints an access token
# or Microsoft Entra client credentials (app registration with IMAP.AccessAsApp):
# provider = "microsoft"
# tenant_id = "00000000-0000-0000-0000-000000000000"
# client_id = "00000000-0000-0000-0000-000000000000"
# client_secret_file = "praxis-client.secret"   # or: certificate_file = "praxis-app.pem"
# token_cache_file = "praxis-msal.json"         # default: in the user cache directory

folder = "INBOX"                     # where the reports arrive
processed_folder = "DMARC/Processed" # reports stored (or already stored)
invalid_folder = "DMARC/Invalid"     # a report that could not be read (reason logged)
other_folder = "DMARC/Other"         # mail that holds no report; "" leaves it in place
# delete = false                     # true deletes processed messages instead of moving them
# timeout = 60                       # seconds for connecting and for each read

# Other kinds of mailbox: type = "imap" (the default, above), "maildir", "graph", "gmail".
# [[mailbox]]
# name = "local"
# type = "maildir"                   # a Maildir on this host, e.g. filled by Postfix
# path = "/var/mail/dmarc/Maildir"   # new/ and cur/ are read; folders: Maildir++ .DMARC.Processed
#
# [[mailbox]]
# name = "m365"
# type = "graph"                     # Microsoft 365 through Microsoft Graph, app-only access
# user = "dmarc@example.ch"
# tenant_id = "00000000-0000-0000-0000-000000000000"
# client_id = "00000000-0000-0000-0000-000000000000"
# client_secret_file = "m365-client.secret"     # or: certificate_file = "m365-app.pem"
# Entra ID admin center: App registrations > New registration; API permissions > Add >
#   Microsoft Graph > Application permissions > Mail.ReadWrite, then "Grant admin consent";
#   Certificates & secrets: upload a certificate (preferred) or make a secret. Limit the app to
#   this one mailbox with Exchange RBAC for Applications (New-ManagementScope, then
#   New-ManagementRoleAssignment -Role "Application Mail.ReadWrite"), and remove the
#   tenant-wide consent, or the limit restricts nothing.
#
# [[mailbox]]
# name = "workspace"
# type = "gmail"                     # the Gmail API; needs: pip install 'dmarcwatch[gmail]'
# user = "dmarc@example.ch"
# service_account_file = "gmail-sa.json"   # Workspace: domain-wide delegation, scope
#                                          # https://www.googleapis.com/auth/gmail.modify
# token_file = "gmail-token.json"          # or an installed-app token (authorized_user JSON)

# [smtp]                             # for sending reports by mail
# host = "smtp.example.ch"
# security = "tls"                   # tls (port 465) | starttls (port 587)
# username = "dmarc@example.ch"
# password_file = "smtp.pass"
# from = "dmarcwatch <dmarc@example.ch>"

# [limits]                           # budgets per input (a mail and all its attachments)
# max_input_bytes = 209715200        # decompressed, all reports together (200 MiB)
# max_input_cpu_seconds = 60
# max_input_seconds = 600
# max_input_records = 200000
# max_reporter_day_records = 500000  # one reporter's reports of one day, in the store
# [privacy]                          # failure reports carry a copy of someone's mail
# keep_failure_report_details = false  # true keeps addresses, subject and the original mail
[retention]                          # what `dmarcwatch prune` deletes (run it from cron)
failure_reports_older_than = "30d"   # failure reports hold personal data: keep them briefly
# records_older_than = "400d"        # per-record rows; their daily totals are kept
# blobs_older_than = "90d"           # the original report files and mails
"""


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(
        subparsers,
        "init",
        "Write a commented example configuration to --config (default: config.toml in the user "
        "config directory). An existing file is never overwritten.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.config) if args.config else default_config_path()
    write_template(path)
    print(f"wrote {path}; edit it, then run: dmarcwatch config check --connect")
    return Exit.OK


def write_template(path: Path) -> None:
    """Create *path* (mode 0600, it may name secrets) unless it exists."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CommandError(f"{path} exists; not overwriting it", Exit.CANTCREAT) from None
    except OSError as exc:
        raise CommandError(f"cannot create {path}: {exc.strerror}", Exit.CANTCREAT) from exc
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(TEMPLATE)
