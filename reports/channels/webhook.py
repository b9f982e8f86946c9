"""The generic webhook: ``{"events": [...]}`` POSTed as JSON, optionally signed.

The body's objects are those of ``alert --json`` (:mod:`.payload`). With secrets, the request
is signed as the Standard Webhooks specification (v1) describes: ``webhook-id`` (the same for
every retry of the same events), ``webhook-timestamp`` (Unix seconds) and ``webhook-signature``
(``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``, one per secret, space-separated, so a
secret can be rotated). A secret written ``whsec_<base64>`` is used as those decoded bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from ...analysis.alerting.events import Event
from .http import HttpSettings, post_json
from .model import Filters, SenderNames, url_target
from .payload import event_object


@dataclass(frozen=True)
class Webhook:
    http: HttpSettings
    filters: Filters = Filters()
    lang: str = "en"
    name: str | None = None
    secrets: tuple[str, ...] = field(default=(), repr=False)
    kind: str = "webhook"

    @property
    def targets(self) -> tuple[str, ...]:
        return (url_target(self.kind, self.name, self.http.url),)

    def send(self, target: str, events: Sequence[Event], names: SenderNames) -> None:
        objects = [event_object(e, self.lang, names, (target,)) for e in events]
        body = json.dumps({"events": objects}, ensure_ascii=False).encode()
        headers = signature_headers(body, self.secrets, delivery_id(target, events))
        post_json(self.http, target, body, headers)


def delivery_id(target: str, events: Sequence[Event]) -> str:
    """The same id for the same events to the same target (receivers drop replays by it)."""
    keys = "|".join(f"{e.key}/{e.kind}/{e.day}" for e in events)
    return "msg_" + hashlib.sha256(f"{target}|{keys}".encode()).hexdigest()[:24]


def signature_headers(
    body: bytes, secrets: Sequence[str], message_id: str, now: float | None = None
) -> dict[str, str]:
    if not secrets:
        return {}
    stamp = str(int(now if now is not None else time.time()))
    signed = f"{message_id}.{stamp}.".encode() + body
    signatures = [
        "v1," + base64.b64encode(hmac.new(key_bytes(s), signed, hashlib.sha256).digest()).decode()
        for s in secrets
    ]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": stamp,
        "webhook-signature": " ".join(signatures),
    }


def key_bytes(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_"))
    return secret.encode()
