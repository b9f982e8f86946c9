"""Slack and Microsoft Teams incoming webhooks, in their documented message formats.

- Slack: ``{"text": …, "blocks": [...]}`` (Block Kit ``header`` and ``section`` blocks with
  mrkdwn; ``text`` is the notification fallback). ``&``, ``<`` and ``>`` are escaped, as Slack
  asks, so report text cannot make a link or a mention. At most 40 events per message (50 blocks).
- Teams (Workflows "When a Teams webhook request is received"): a ``message`` with one Adaptive
  Card (version 1.2, readable on phones) of ``TextBlock``s; markdown characters of report text
  are escaped. A 202 answer means "accepted", which is all a Workflow promises. At most 25
  events per card (the message limit is about 28 KB).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...analysis.alerting.events import Event
from ..i18n import Translator
from .http import HttpSettings, post_json
from .model import Filters, SenderNames, url_target
from .words import Worded, intro, subject, worded

SLACK_EVENTS_PER_MESSAGE = 40
TEAMS_EVENTS_PER_CARD = 25
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


@dataclass(frozen=True)
class Slack:
    http: HttpSettings
    filters: Filters = Filters()
    lang: str = "en"
    name: str | None = None
    kind: str = "slack"

    @property
    def targets(self) -> tuple[str, ...]:
        return (url_target(self.kind, self.name, self.http.url),)

    def send(self, target: str, events: Sequence[Event], names: SenderNames) -> None:
        t = Translator.for_language(self.lang)
        for part in _chunks(events, SLACK_EVENTS_PER_MESSAGE):
            post_json(self.http, target, slack_message(part, t, names))


@dataclass(frozen=True)
class Teams:
    http: HttpSettings
    filters: Filters = Filters()
    lang: str = "en"
    name: str | None = None
    kind: str = "teams"

    @property
    def targets(self) -> tuple[str, ...]:
        return (url_target(self.kind, self.name, self.http.url),)

    def send(self, target: str, events: Sequence[Event], names: SenderNames) -> None:
        t = Translator.for_language(self.lang)
        for part in _chunks(events, TEAMS_EVENTS_PER_CARD):
            post_json(self.http, target, teams_message(part, t, names))


def slack_message(events: Sequence[Event], t: Translator, names: SenderNames) -> dict[str, Any]:
    title = subject(events, t)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": slack_escape(intro(t))}},
    ]
    for event in events:
        w = worded(event, t, names)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _slack_text(w)}})
    return {"text": slack_escape(title), "blocks": blocks}


def _slack_text(w: Worded) -> str:
    lines = [f"*{slack_escape(w.headline)}*", slack_escape(w.summary)]
    lines += [slack_escape(x) for x in (w.actor, w.fix) if x]
    lines.append(f"_{slack_escape(w.since)}_")
    return "\n".join(lines)[:3000]


def slack_escape(text: str) -> str:
    """Slack's three escapes; report text then cannot form ``<url|link>`` or ``<!channel>``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def teams_message(events: Sequence[Event], t: Translator, names: SenderNames) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": md_escape(subject(events, t)), "weight": "Bolder",
         "size": "Medium", "wrap": True},
        {"type": "TextBlock", "text": md_escape(intro(t)), "wrap": True},
    ]  # fmt: skip
    for event in events:
        w = worded(event, t, names)
        body.append({"type": "TextBlock", "text": md_escape(w.headline), "weight": "Bolder",
                     "wrap": True, "separator": True})  # fmt: skip
        body.append({"type": "TextBlock", "text": md_escape(w.summary), "wrap": True})
        for line in (w.actor, w.fix):
            if line:
                body.append({"type": "TextBlock", "text": md_escape(line), "wrap": True})
        body.append(
            {"type": "TextBlock", "text": md_escape(w.since), "isSubtle": True, "wrap": True}
        )
    card = {"$schema": CARD_SCHEMA, "type": "AdaptiveCard", "version": "1.2", "body": body}
    attachment = {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "contentUrl": None,
        "content": card,
    }
    return {"type": "message", "attachments": [attachment]}


_MARKDOWN = re.compile(r"([\\`*_\[\]()#>!|~])")


def md_escape(text: str) -> str:
    """Backslash before markdown characters: report text stays text, never a link."""
    return _MARKDOWN.sub(r"\\\1", text)


def _chunks(events: Sequence[Event], size: int) -> list[Sequence[Event]]:
    return [events[i : i + size] for i in range(0, len(events), size)]
