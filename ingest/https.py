"""JSON over HTTPS for the mailbox APIs (Microsoft Graph, Gmail): bearer tokens, TLS verified
against the system's trust anchors plus an optional ``ca_file``, throttling honoured.

- a 429 or 503 answer is retried after its ``Retry-After`` seconds (or an exponential backoff
  when it has none), a few times, then reported as unavailable;
- a 401 answer makes the token source forget its token, and the request is sent once more
  with a fresh one (tokens expire, or are revoked, before their stated lifetime);
- other errors become :class:`~ingest.mailbox.MailboxError` subclasses, with the API's own error
  code (never the token, never a message body).
"""

from __future__ import annotations

import json
import logging
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any, Protocol

from .errors import quote
from .mailbox import (
    LoginRefused,
    MailboxError,
    MailboxUnavailable,
    TLSVerificationFailed,
    tls_context,
)

log = logging.getLogger(__name__)

THROTTLE_RETRIES = 5
RETRY_AFTER_MAX = 300.0


class Tokens(Protocol):
    """An OAuth 2.0 access-token source that can be told its token was refused."""

    def __call__(self) -> str: ...

    def forget(self) -> None: ...


class HttpError(MailboxError):
    """The API answered with an error status; *code* is its own error code, if it gave one."""

    def __init__(self, message: str, status: int, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    headers: Message

    def json(self) -> Any:
        return json.loads(self.body) if self.body else {}


ErrorCode = Callable[[Any], str]


class ApiClient:
    """Requests to one API on behalf of one mailbox."""

    def __init__(
        self,
        name: str,
        tokens: Tokens,
        error_code: ErrorCode,
        *,
        ca_file: Path | None = None,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        throttled: Callable[[int, str], bool] = lambda status, _code: status in (429, 503),
    ) -> None:
        self.name = name  # "Microsoft Graph", for messages
        self.tokens = tokens
        self.error_code = error_code
        self.context = tls_context(ca_file)
        self.timeout = timeout
        self.sleep = sleep
        self.throttled = throttled

    def call(
        self,
        method: str,
        url: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        *,
        ok_missing: bool = False,
    ) -> Response | None:
        """Send the request; ``None`` for a 404 when *ok_missing* (the item is gone)."""
        refreshed = False
        delay = 1.0
        for attempt in range(THROTTLE_RETRIES + 1):
            response = self._send(method, url, body, headers or {})
            if response.status == 401 and not refreshed:
                self.tokens.forget()
                refreshed = True
                continue
            if attempt < THROTTLE_RETRIES and self.throttled(response.status, self._code(response)):
                wait = _retry_after(response.headers) or delay
                log.info("%s: throttled (%d); waiting %g s", self.name, response.status, wait)
                self.sleep(wait)
                delay *= 2
                continue
            if response.status == 404 and ok_missing:
                return None
            if response.status >= 400:
                raise self._error(response)
            return response
        raise MailboxUnavailable(f"{self.name}: still throttled after {THROTTLE_RETRIES} retries")

    def json(self, method: str, url: str, body: Any = None, **kw: Any) -> Any:
        response = self.call(method, url, body, **kw)
        return None if response is None else response.json()

    def _send(self, method: str, url: str, body: Any, headers: dict[str, str]) -> Response:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - https only
        request.add_header("Authorization", f"Bearer {self.tokens()}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for key, value in headers.items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(  # noqa: S310 - the URL is https (checked in the config)
                request, timeout=self.timeout, context=self.context
            ) as answer:
                return Response(answer.status, answer.read(), answer.headers)
        except urllib.error.HTTPError as exc:
            with exc:
                return Response(exc.code, exc.read(), exc.headers)
        except urllib.error.URLError as exc:
            raise self._unreachable(exc.reason) from exc
        except (TimeoutError, OSError) as exc:
            raise self._unreachable(exc) from exc

    def _unreachable(self, reason: object) -> MailboxError:
        if isinstance(reason, ssl.SSLCertVerificationError):
            detail = reason.verify_message or reason.reason or "verification failed"
            return TLSVerificationFailed(
                f"{self.name}: TLS certificate not trusted ({detail}); "
                "if the server uses a private CA, name it in ca_file"
            )
        if isinstance(reason, TimeoutError):
            return MailboxUnavailable(f"{self.name}: timed out")
        text = getattr(reason, "strerror", None) or type(reason).__name__
        return MailboxUnavailable(f"{self.name}: cannot connect: {quote(str(text), 120)}")

    def _code(self, response: Response) -> str:
        if response.status < 400:
            return ""
        try:
            return self.error_code(response.json())
        except (ValueError, TypeError, AttributeError, KeyError, IndexError):
            return ""

    def _error(self, response: Response) -> MailboxError:
        code = self._code(response)
        said = f"{response.status} {quote(code, 80)}" if code else str(response.status)
        if response.status in (401, 403):
            return LoginRefused(f"{self.name}: access refused ({said})")
        if response.status >= 500:
            return MailboxUnavailable(f"{self.name}: server error ({said})")
        return HttpError(f"{self.name}: request refused ({said})", response.status, code)


def _retry_after(headers: Message) -> float | None:
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        return min(max(float(value), 0.0), RETRY_AFTER_MAX)
    except ValueError:
        return None  # an HTTP date: back off instead
