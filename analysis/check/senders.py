"""What each known sender needs in the practice's DNS: SPF includes and DKIM selectors.

Sender ids and SPF includes come from the sender catalogue (``analysis/data/senders.toml``);
the concrete DKIM selectors to probe are listed here, because the catalogue matches selectors
with patterns and DNS cannot enumerate them (reference §7.3).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..catalogue import Catalogue, load_catalogue
from ..errors import InvalidArgument

SENDGRID = "sendgrid"

# Selectors each sender publishes under the customer's domain (reference §5 and §7.3).
_SELECTORS: dict[str, tuple[str, ...]] = {
    SENDGRID: ("s1", "s2"),
    "microsoft365": ("selector1", "selector2"),
    "google": ("google",),
    "mailchimp": ("k2", "k3"),
    "mandrill": ("mte1", "mte2"),
    "brevo": ("brevo1", "brevo2"),
    "proton": ("protonmail", "protonmail2", "protonmail3"),
}
# Probed when no selector is known from the command line, the reports or a named sender.
COMMON_SELECTORS = ("s1", "s2", "selector1", "selector2", "google", "k2", "k3", "m1", "default")


class UnknownSender(InvalidArgument):
    """A ``--sender`` name that the catalogue does not know."""


@dataclass(frozen=True, slots=True)
class SenderDns:
    id: str
    name: str
    spf_includes: tuple[str, ...]
    selectors: tuple[str, ...]


@functools.cache
def _catalogue() -> Catalogue:
    return load_catalogue()


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def known_senders() -> list[str]:
    return sorted(s.id for s in _catalogue().senders)


def sender_dns(name: str) -> SenderDns:
    """The DNS expectations of the sender named *name* (its id or name, any case)."""
    wanted = _key(name)
    for sender in _catalogue().senders:
        if wanted in (_key(sender.id), _key(sender.name)):
            selectors = _SELECTORS.get(sender.id, ())
            return SenderDns(sender.id, sender.name, tuple(sender.spf), selectors)
    raise UnknownSender(f"unknown sender {name!r}; known: {', '.join(known_senders())}")


def sender_name(sender_id: str) -> str:
    return _catalogue().name(sender_id)
