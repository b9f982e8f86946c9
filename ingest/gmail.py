"""A Gmail or Google Workspace mailbox through the Gmail API as a mail source; labels are folders.

Access: a service account with domain-wide delegation (Workspace; the account acts as the
mailbox's user), or an installed-app token file (``authorized_user`` JSON with a refresh token,
for any account). Tokens come from Google's own library, google-auth (the optional extra
``gmail``), with the scope ``gmail.modify``: read and relabel, never delete for good. The six
REST calls are made over the same verified HTTPS as Microsoft Graph's (:mod:`ingest.https`),
rather than through google-api-python-client, whose discovery documents and transport would
add a second HTTP stack and certificate setting for the same few requests.

Calls (Gmail API v1 reference): ``labels`` list and create, ``messages.list`` with the
folder's label (paged by ``pageToken``), ``messages.get`` with ``format=minimal`` for the size
and ``format=raw`` for the message (base64url), ``messages.modify`` after commit (add the
target label, remove the folder's), ``messages.trash`` for ``delete``, ``getProfile`` and
``history.list`` to wait for new mail (a 404 there means the history is gone: poll again).
A 429, or a 403 whose reason is a rate limit, is retried with backoff.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote as url_quote
from urllib.parse import urlencode

from .errors import quote
from .https import ApiClient, HttpError
from .mailbox import LoginRefused, MailboxMisconfigured, MailboxUnavailable
from .source import key_number

SCOPE = "https://www.googleapis.com/auth/gmail.modify"
UIDVALIDITY = 1  # message IDs never change
WATCH_SECONDS = 30.0
RATE_LIMITS = ("rateLimitExceeded", "userRateLimitExceeded")
_LAST_HISTORY: dict[tuple[str, str], str] = {}
"""The history ID each label's last listing started from, in this process: ``--watch`` waits
from there, so mail that arrived between a poll round and the wait is news too."""


def gmail_error_code(body: Any) -> str:
    error = body["error"]
    reasons = [str(e.get("reason", "")) for e in error.get("errors") or ()]
    return next((r for r in reasons if r), str(error.get("status", "")))


def _throttled(status: int, code: str) -> bool:
    return status in (429, 500, 503) or (status == 403 and code in RATE_LIMITS)


class GoogleTokens:
    """Access tokens from google-auth credentials, refreshed when absent, expired or refused."""

    def __init__(self, credentials: Any, ca_file: Path | None) -> None:
        from google.auth.transport.requests import Request  # noqa: PLC0415

        self.credentials = credentials
        self.request = Request(_session(ca_file))

    def __call__(self) -> str:
        if not self.credentials.valid:
            self._refresh()
        return str(self.credentials.token)

    def forget(self) -> None:
        self.credentials.token = None

    def _refresh(self) -> None:
        from google.auth import exceptions  # noqa: PLC0415

        try:
            self.credentials.refresh(self.request)
        except exceptions.TransportError as exc:
            raise MailboxUnavailable(f"Google token endpoint: {quote(str(exc), 160)}") from exc
        except exceptions.RefreshError as exc:
            raise LoginRefused(f"Google refused the token request: {_refusal(exc)}") from exc


def _refusal(exc: Exception) -> str:
    first = exc.args[0] if exc.args else ""
    return quote(str(first).split(":")[0], 80) or type(exc).__name__


def _session(ca_file: Path | None) -> Any:
    import functools  # noqa: PLC0415

    import requests  # noqa: PLC0415 - google-auth's transport

    session: Any = requests.Session()
    if ca_file is not None:
        session.request = functools.partial(session.request, verify=str(ca_file))
    return session


def gmail_credentials(
    service_account_file: Path | None, token_file: Path | None, user: str, token_url: str
) -> Any:
    """google-auth credentials for *user*, from a service-account key or a user token file,
    getting their tokens from *token_url*."""
    return _credentials(service_account_file, token_file, user).with_token_uri(token_url)


def _credentials(service_account_file: Path | None, token_file: Path | None, user: str) -> Any:
    try:
        if service_account_file is not None:
            from google.oauth2 import service_account  # noqa: PLC0415

            return service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
                str(service_account_file), scopes=[SCOPE], subject=user
            )
        from google.oauth2.credentials import Credentials  # noqa: PLC0415

        assert token_file is not None
        return Credentials.from_authorized_user_file(str(token_file), scopes=[SCOPE])  # type: ignore[no-untyped-call]
    except ImportError as exc:
        raise MailboxMisconfigured(
            "type = \"gmail\" needs google-auth: install dmarcwatch's extra 'gmail'"
        ) from exc
    except (OSError, ValueError, KeyError) as exc:
        which = service_account_file or token_file
        raise MailboxMisconfigured(f"{which}: not a usable Google credentials file") from exc


class GmailSource:
    """:class:`~ingest.source.Source` over one Gmail mailbox; labels play the folders."""

    watch_seconds = WATCH_SECONDS

    def __init__(
        self,
        base_url: str,
        user: str,
        credentials: Any,
        *,
        ca_file: Path | None = None,
        timeout: float = 60.0,
    ) -> None:
        tokens = GoogleTokens(credentials, ca_file)
        self.api = ApiClient(
            "Gmail API", tokens, gmail_error_code, ca_file=ca_file, timeout=timeout,
            throttled=_throttled,
        )  # fmt: skip
        self.base = f"{base_url}/users/{url_quote(user, safe='@')}"
        self.user = user
        self.folder = ""
        self.label = ""
        self.history_id = ""
        self._ids: dict[int, str] = {}
        self._labels: dict[str, str] = {}

    def _get(self, path: str, **params: str) -> Any:
        query = f"?{urlencode(params)}" if params else ""
        return self.api.json("GET", f"{self.base}/{path}{query}")

    def _label_ids(self) -> dict[str, str]:
        if not self._labels:
            labels = self._get("labels").get("labels", [])
            self._labels = {str(lab["name"]): str(lab["id"]) for lab in labels}
        return self._labels

    def _label(self, name: str) -> str | None:
        labels = self._label_ids()
        if name.upper() == "INBOX":
            return "INBOX"
        return labels.get(name)

    def select(self, folder: str) -> int:
        label = self._label(folder)
        if label is None:
            shown = ", ".join(quote(f, 60) for f in sorted(self._label_ids())[:20])
            raise MailboxMisconfigured(
                f"Gmail API: label {quote(folder)} does not exist for {quote(self.user)}; "
                f"it has {shown}"
            )
        self.folder, self.label = folder, label
        self.history_id = str(self._get("profile").get("historyId", ""))
        return UIDVALIDITY

    def _wait_from(self) -> str:
        return _LAST_HISTORY.get((self.base, self.label), self.history_id)

    def uidnext(self) -> int:
        return 0  # the wait itself asks the history

    def uids(self, since: date | None = None) -> list[int]:
        params = {"labelIds": self.label, "maxResults": "500"}
        if since is not None:
            params["q"] = f"after:{since:%Y/%m/%d}"
        self._ids = {}
        if since is None:
            _LAST_HISTORY[self.base, self.label] = self.history_id
        while True:
            page = self._get("messages", **params)
            for item in page.get("messages") or ():
                self._ids[key_number(str(item["id"]))] = str(item["id"])
            if not page.get("nextPageToken"):
                break
            params["pageToken"] = str(page["nextPageToken"])
        return sorted(self._ids)

    def _message(self, uid: int, fmt: str) -> Any:
        message = self._ids.get(uid)
        if message is None:
            return None
        url = f"{self.base}/messages/{url_quote(message, safe='')}?format={fmt}"
        return self.api.json("GET", url, ok_missing=True)

    def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        sizes = {}
        for uid in uids:
            item = self._message(uid, "minimal")
            if item is not None:
                sizes[uid] = int(item.get("sizeEstimate", 0))
        return sizes

    def fetch(self, uids: Sequence[int], sizes: dict[int, int] | None = None) -> dict[int, bytes]:
        bodies = {}
        for uid in uids:
            item = self._message(uid, "raw")
            if item is not None:
                bodies[uid] = _base64url(str(item["raw"]))
        return bodies

    def move(self, uids: Sequence[int], folder: str) -> None:
        target = self._label(folder)
        if target is None:
            self.ensure_folder(folder)
            target = self._label(folder)
        change = {"addLabelIds": [target], "removeLabelIds": [self.label]}
        for uid in uids:
            message = self._ids.get(uid)
            if message is not None:
                url = f"{self.base}/messages/{url_quote(message, safe='')}/modify"
                self.api.call("POST", url, change, ok_missing=True)

    def delete(self, uids: Sequence[int]) -> None:
        """To the trash (``gmail.modify`` cannot delete for good; Gmail empties it in 30 days)."""
        for uid in uids:
            message = self._ids.get(uid)
            if message is not None:
                url = f"{self.base}/messages/{url_quote(message, safe='')}/trash"
                self.api.call("POST", url, ok_missing=True)

    def ensure_folder(self, folder: str) -> None:
        if self._label(folder) is not None:
            return
        body = {"name": folder, "labelListVisibility": "labelShow", "messageListVisibility": "show"}
        try:
            made = self.api.json("POST", f"{self.base}/labels", body)
        except HttpError as exc:
            if exc.status != 409:
                raise
            self._labels = {}  # made meanwhile: read the labels again
            return
        self._labels[folder] = str(made["id"])

    def folders(self) -> list[str]:
        return sorted(self._label_ids())

    def count(self, folder: str) -> int:
        label = self._label(folder)
        if label is None:
            raise MailboxMisconfigured(f"Gmail API: no label {quote(folder)}")
        return int(self._get(f"labels/{url_quote(label, safe='')}").get("messagesTotal", 0))

    def wait_for_change(self, timeout: float, should_stop: Callable[[], bool]) -> bool:
        """Ask ``history.list`` every ``watch_seconds`` whether messages got the label."""
        self.history_id = self._wait_from()
        deadline = time.monotonic() + timeout
        while not should_stop() and time.monotonic() < deadline:
            end = min(deadline, time.monotonic() + self.watch_seconds)
            while not should_stop() and (left := end - time.monotonic()) > 0:
                time.sleep(min(left, 1.0))
            if should_stop() or not self.history_id:
                break
            url = f"{self.base}/history?" + urlencode(
                {"startHistoryId": self.history_id, "historyTypes": "messageAdded",
                 "labelId": self.label}
            )  # fmt: skip
            page = self.api.json("GET", url, ok_missing=True)
            if page is None:
                return True  # the history is gone: poll the label again
            self.history_id = str(page.get("historyId", self.history_id))
            if page.get("history"):
                return True
        return False

    def describe(self, mailbox: str, uid: int) -> str:
        message = self._ids.get(uid, str(uid))
        folder = url_quote(self.folder, safe="")
        return f"gmail://{url_quote(mailbox)}/{folder}/{url_quote(message, safe='')}"

    def close(self) -> None:
        self._ids = {}


def _base64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise HttpError("Gmail API: a raw message that is not base64url", 200, "") from exc
