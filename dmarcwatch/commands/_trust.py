"""Which reports count: the DKIM verifier of mail inputs and the ``--include-unverified`` switch."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from dmarcwatch.config import Config
from dmarcwatch.errors import ConfigError

if TYPE_CHECKING:
    from dmarcwatch.ingest.verify import MailVerifier


def mail_verifier(config: Config, *, files_too: bool = False) -> MailVerifier:
    """The DKIM verifier of mail inputs, asking the ``[trust] nameservers`` (or the system's).

    With *files_too* (``import``) inputs that are not mails (XML, gzip, zip files) are left
    ``not-applicable``; a mailbox hands over mails only, and each is checked.
    """
    from dmarcwatch.analysis.dns.dkim import DkimVerifier  # noqa: PLC0415 - dkimpy, dnspython
    from dmarcwatch.analysis.dns.resolver import (  # noqa: PLC0415
        NameserverError,
        ResolverConfig,
        parse_nameserver,
    )
    from dmarcwatch.ingest.verify import mail_only  # noqa: PLC0415

    try:
        servers = tuple(parse_nameserver(text) for text in config.trust.nameservers)
    except NameserverError as exc:
        raise ConfigError(f"config file {config.path}: [trust] nameservers: {exc}") from None
    verifier = DkimVerifier(ResolverConfig(nameservers=servers))
    return mail_only(verifier) if files_too else verifier


def add_include_unverified(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--include-unverified",
        action="store_true",
        default=None,
        help="count reports from mail without a DKIM signature of their reporter "
        "([trust] include_unverified in the config; reports with a failed signature never count)",
    )


def include_unverified(args: argparse.Namespace, config: Config) -> bool:
    """The switch: the option when given, else ``[trust] include_unverified``."""
    given = getattr(args, "include_unverified", None)
    return bool(given) if given is not None else config.trust.include_unverified
