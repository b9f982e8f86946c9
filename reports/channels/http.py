"""One JSON POST with a timeout and a few retries, TLS verified (urllib, no extra package).

A 2xx answer is acceptance (Teams Workflows answer 202 and post later). 429 and 5xx answers
and network errors are retried after a pause (``Retry-After`` honoured up to a limit); other
answers are refused at once. The URL never appears in a message: for Slack and Teams it is the
secret, so errors name the target instead.
"""

from __future__ import annotations

import json
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ChannelError

MAX_PAUSE = 30.0
USER_AGENT = "dmarcwatch-alert"


@dataclass(frozen=True, slots=True)
class HttpSettings:
    url: str = field(repr=False)
    timeout: float = 10.0
    retries: int = 2
    pause: float = 1.0  # before the first retry; doubled each time
    ca_file: Path | None = None


def post_json(
    settings: HttpSettings, target: str, body: Any, headers: Mapping[str, str] | None = None
) -> bytes:
    """POST *body* (or raw bytes) as JSON; the bytes sent. Raises :class:`ChannelError`."""
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    context = ssl.create_default_context(cafile=settings.ca_file)
    pause = settings.pause
    problem = ""
    for attempt in range(settings.retries + 1):
        if attempt:
            time.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE)
        status, retry_after, problem = _post_once(settings, data, headers or {}, context)
        if status is not None and 200 <= status < 300:
            return data
        if status is not None and status != 429 and status < 500:
            break
        if retry_after is not None:
            pause = min(max(retry_after, pause), MAX_PAUSE)
    raise ChannelError(f"{target}: {problem}")


def _post_once(
    settings: HttpSettings,
    data: bytes,
    headers: Mapping[str, str],
    context: ssl.SSLContext,
) -> tuple[int | None, float | None, str]:
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked in the config
        settings.url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.timeout, context=context
        ) as answer:
            answer.read(65536)
            return int(answer.status), None, f"HTTP {answer.status}"
    except urllib.error.HTTPError as exc:
        reply = exc.read(200).decode("utf-8", "replace")
        retry = _seconds(exc.headers.get("Retry-After"))
        return exc.code, retry, f"HTTP {exc.code} {' '.join(reply.split())[:120]}".rstrip()
    except urllib.error.URLError as exc:
        return None, None, f"no connection ({_reason(exc.reason)})"
    except (TimeoutError, OSError) as exc:
        return None, None, f"no answer ({type(exc).__name__})"


def _reason(reason: object) -> str:
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted: {reason.verify_message}"
    if isinstance(reason, OSError):
        return reason.strerror or type(reason).__name__
    return str(reason)[:120]


def _seconds(value: str | None) -> float | None:
    if value is None or not value.strip().isdigit():
        return None
    return float(value.strip())
