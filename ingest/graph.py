"""A user's mailbox through Microsoft Graph (application permissions) as a mail source.

Calls (Microsoft Graph v1.0, Microsoft Learn: "List mailFolders", "message: delta", "Get MIME
content of a message", "message: move", "Create mailFolder", "throttling guidance"):

- folders are found by display name, level by level (``DMARC/Processed`` is the child
  ``Processed`` of the top-level ``DMARC``), through ``mailFolders`` and ``childFolders``,
  following ``@odata.nextLink``; missing target folders are created;
- new messages come from the folder's delta query, followed to its ``@odata.deltaLink``; the
  delta link then tells ``--watch`` when mail arrives. Every request asks for immutable IDs
  (``Prefer: IdType="ImmutableId"``), so a message keeps its ID when moved;
- the raw message is ``/messages/{id}/$value``, its size the MAPI property PidTagMessageSize
  (``Integer 0x0E08``), so an oversized message is never fetched;
- ``move`` after commit; a message already gone (404) is skipped.

Throttling (429 with ``Retry-After``) and expired tokens (401) are handled in
:mod:`ingest.https`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote as url_quote

from .errors import quote
from .https import ApiClient, HttpError, Tokens
from .mailbox import MailboxError, MailboxMisconfigured
from .source import key_number

UIDVALIDITY = 1  # immutable IDs: a message's number never changes
SIZE_PROPERTY = "Integer 0x0E08"  # PidTagMessageSize
PREFER = 'IdType="ImmutableId", odata.maxpagesize=50'
WATCH_SECONDS = 30.0
RESYNC_CODES = ("syncStateNotFound", "resyncRequired", "SyncStateNotFound")
_LAST_DELTA: dict[tuple[str, str], str] = {}
"""The delta link each folder's last listing ended with, in this process: ``--watch`` waits
from there, so mail that arrived between a poll round and the wait is news too."""


def graph_error_code(body: Any) -> str:
    return str(body["error"]["code"])


class GraphSource:
    """:class:`~ingest.source.Source` over one user's mailbox in Microsoft Graph."""

    watch_seconds = WATCH_SECONDS

    def __init__(
        self,
        base_url: str,
        user: str,
        tokens: Tokens,
        *,
        ca_file: Path | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.api = ApiClient(
            "Microsoft Graph", tokens, graph_error_code, ca_file=ca_file, timeout=timeout
        )
        self.base = f"{base_url}/users/{url_quote(user, safe='@')}"
        self.user = user
        self.folder = ""
        self.folder_id = ""
        self._ids: dict[int, str] = {}
        self._sizes: dict[int, int] = {}
        self._folder_ids: dict[str, str] = {}
        self.delta_link: str | None = None

    # Requests -----------------------------------------------------------------------------

    def _get(self, url: str, **kw: Any) -> Any:
        return self.api.json("GET", url, headers={"Prefer": PREFER}, **kw)

    def _pages(self, url: str) -> Iterator[dict[str, Any]]:
        """The items of a collection, following ``@odata.nextLink``."""
        next_url: str | None = url
        while next_url:
            page = self._get(next_url)
            yield from page.get("value", [])
            next_url = page.get("@odata.nextLink")

    # Folders ------------------------------------------------------------------------------

    def _children(self, parent_id: str | None) -> list[dict[str, Any]]:
        where = f"mailFolders/{parent_id}/childFolders" if parent_id else "mailFolders"
        return list(self._pages(f"{self.base}/{where}?includeHiddenFolders=true&$top=100"))

    def _find(self, folder: str, create: bool = False) -> str | None:
        """The ID of *folder* (``A/B``), creating its missing levels when *create*."""
        if folder in self._folder_ids:
            return self._folder_ids[folder]
        parent: str | None = None
        for depth, part in enumerate(folder.strip("/").split("/")):
            named = "/".join(folder.strip("/").split("/")[: depth + 1])
            if named in self._folder_ids:
                parent = self._folder_ids[named]
                continue
            found = _by_name(self._children(parent), part)
            if found is None:
                if not create:
                    return None
                found = self._create(parent, part)
            parent = self._folder_ids[named] = found
        return parent

    def _create(self, parent: str | None, name: str) -> str:
        where = f"mailFolders/{parent}/childFolders" if parent else "mailFolders"
        try:
            made = self.api.json("POST", f"{self.base}/{where}", {"displayName": name})
        except HttpError as exc:
            if exc.code != "ErrorFolderExists":
                raise
            found = _by_name(self._children(parent), name)  # made meanwhile by someone else
            if found is None:
                raise
            return found
        return str(made["id"])

    def select(self, folder: str) -> int:
        found = self._find(folder)
        if found is None:
            shown = ", ".join(quote(f, 60) for f in self.folders()[:20])
            raise MailboxMisconfigured(
                f"Microsoft Graph: folder {quote(folder)} does not exist in the mailbox of "
                f"{quote(self.user)}; it has {shown or 'no folders'}"
            )
        self.folder, self.folder_id = folder, found
        return UIDVALIDITY

    def ensure_folder(self, folder: str) -> None:
        self._find(folder, create=True)

    def folders(self) -> list[str]:
        names: list[str] = []
        stack: list[tuple[str, str | None]] = [("", None)]
        while stack and len(names) < 500:
            prefix, parent = stack.pop()
            for item in self._children(parent):
                name = f"{prefix}{item.get('displayName', '')}"
                names.append(name)
                self._folder_ids.setdefault(name, str(item["id"]))
                if item.get("childFolderCount"):
                    stack.append((f"{name}/", str(item["id"])))
        return sorted(names)

    def count(self, folder: str) -> int:
        found = self._find(folder)
        if found is None:
            raise MailboxMisconfigured(f"Microsoft Graph: no folder {quote(folder)}")
        return int(self._get(f"{self.base}/mailFolders/{found}")["totalItemCount"])

    # Messages -----------------------------------------------------------------------------

    def _delta_url(self, since: date | None) -> str:
        url = (
            f"{self.base}/mailFolders/{self.folder_id}/messages/delta"
            f"?$select=id,receivedDateTime"
            f"&$expand=singleValueExtendedProperties($filter=id eq '{SIZE_PROPERTY}')"
        )
        if since is not None:
            url += f"&$filter=receivedDateTime ge {since.isoformat()}T00:00:00Z"
        return url.replace(" ", "%20")

    def _delta(self, url: str) -> tuple[list[dict[str, Any]], str | None]:
        """Follow a delta round to its end: the items, and the delta link for next time."""
        items: list[dict[str, Any]] = []
        next_url: str | None = url
        while next_url:
            page = self._get(next_url)
            items += page.get("value", [])
            if "@odata.deltaLink" in page:
                return items, str(page["@odata.deltaLink"])
            next_url = page.get("@odata.nextLink")
        return items, None

    def uids(self, since: date | None = None) -> list[int]:
        items, self.delta_link = self._delta(self._delta_url(since))
        if self.delta_link and since is None:
            _LAST_DELTA[self.base, self.folder_id] = self.delta_link
        self._ids, self._sizes = {}, {}
        for item in items:
            if "@removed" in item:
                continue
            uid = key_number(str(item["id"]))
            self._ids[uid] = str(item["id"])
            self._sizes[uid] = _size(item)
        return sorted(self._ids)

    def uidnext(self) -> int:
        return 0  # the wait itself asks the delta query

    def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        return {uid: self._sizes[uid] for uid in uids if uid in self._ids}

    def fetch(self, uids: Sequence[int], sizes: dict[int, int] | None = None) -> dict[int, bytes]:
        bodies = {}
        for uid in uids:
            message = self._ids.get(uid)
            if message is None:
                continue
            answer = self.api.call(
                "GET",
                f"{self.base}/messages/{url_quote(message, safe='')}/$value",
                headers={"Prefer": PREFER},
                ok_missing=True,
            )
            if answer is not None:
                bodies[uid] = answer.body
        return bodies

    def move(self, uids: Sequence[int], folder: str) -> None:
        target = self._find(folder, create=True)
        for uid in uids:
            message = self._ids.get(uid)
            if message is not None:
                self.api.call(
                    "POST",
                    f"{self.base}/messages/{url_quote(message, safe='')}/move",
                    {"destinationId": target},
                    headers={"Prefer": PREFER},
                    ok_missing=True,
                )

    def delete(self, uids: Sequence[int]) -> None:
        for uid in uids:
            message = self._ids.get(uid)
            if message is not None:
                url = f"{self.base}/messages/{url_quote(message, safe='')}"
                self.api.call("DELETE", url, headers={"Prefer": PREFER}, ok_missing=True)

    def wait_for_change(self, timeout: float, should_stop: Callable[[], bool]) -> bool:
        """Ask the delta query every ``watch_seconds`` whether messages were added."""
        if self.delta_link is None:
            self.delta_link = _LAST_DELTA.get((self.base, self.folder_id))
        if self.delta_link is None:
            _items, self.delta_link = self._delta(self._delta_url(None))
        deadline = time.monotonic() + timeout
        while not should_stop() and time.monotonic() < deadline:
            _sleep_until(min(deadline, time.monotonic() + self.watch_seconds), should_stop)
            if should_stop() or self.delta_link is None:
                break
            try:
                items, link = self._delta(self.delta_link)
            except HttpError as exc:
                if exc.code not in RESYNC_CODES:
                    raise
                return True  # the sync state is gone: poll the folder again
            self.delta_link = link or self.delta_link
            if any("@removed" not in item for item in items):
                return True
        return False

    def describe(self, mailbox: str, uid: int) -> str:
        message = self._ids.get(uid, str(uid))
        folder = url_quote(self.folder, safe="")
        return f"graph://{url_quote(mailbox)}/{folder}/{url_quote(message, safe='')}"

    def close(self) -> None:
        self._ids = {}


def _by_name(folders: list[dict[str, Any]], name: str) -> str | None:
    """Exchange folder names are case-insensitive."""
    wanted = name.casefold()
    for item in folders:
        if str(item.get("displayName", "")).casefold() == wanted:
            return str(item["id"])
    return None


def _size(item: dict[str, Any]) -> int:
    for prop in item.get("singleValueExtendedProperties") or ():
        if str(prop.get("id", "")).casefold() == SIZE_PROPERTY.casefold():
            try:
                return int(prop["value"])
            except (KeyError, TypeError, ValueError):
                return 0
    return 0


def _sleep_until(deadline: float, should_stop: Callable[[], bool]) -> None:
    while not should_stop() and (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, 1.0))


__all__ = ["GraphSource", "MailboxError"]
