"""A local Microsoft Graph: the documented subset dmarcwatch calls, over verified HTTPS.

Implemented as Microsoft Learn documents it (shapes of bodies and errors, paging):

- ``POST /{tenant}/oauth2/v2.0/token`` (client credentials, a secret or a JWT assertion) and
  the OpenID configuration MSAL reads first;
- ``GET …/mailFolders`` and ``…/mailFolders/{id}/childFolders`` (paged by ``$top``, with
  ``@odata.nextLink``), ``GET …/mailFolders/{id}`` (``totalItemCount``), ``POST`` to create a
  folder (409 ``ErrorFolderExists`` for a duplicate name);
- ``GET …/mailFolders/{id}/messages/delta`` (pages of ``Prefer: odata.maxpagesize``,
  ``@odata.nextLink`` then ``@odata.deltaLink``; later rounds give added messages and
  ``@removed`` entries), with ``$filter=receivedDateTime ge …`` and the size property expanded;
- ``GET /users/{u}/messages/{id}/$value``, ``POST …/move`` (a new ID unless the request asks
  for immutable IDs), ``DELETE``;
- throttling: :meth:`GraphState.throttle` answers the next requests 429 with ``Retry-After``;
  :meth:`GraphState.expire_tokens` makes every issued token answer 401
  ``InvalidAuthenticationToken``; a user outside the app's scope gets 403.
"""

from __future__ import annotations

import http.server
import json
import secrets
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.servers.https import HttpsServer

TENANT = "contoso-tenant"
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
CLIENT_SECRET = "s3cret-value~for.tests"
SCOPE = "https://graph.microsoft.com/.default"
SIZE_PROPERTY = "Integer 0x0E08"


@dataclass
class Message:
    id: str
    data: bytes
    received: datetime


@dataclass
class Folder:
    id: str
    name: str
    parent: str | None
    messages: dict[str, Message] = field(default_factory=dict)


class GraphState:
    """Mailboxes, tokens and the faults to inject; shared by the handler threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users: dict[str, dict[str, Folder]] = {}
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.assertions = 0  # token requests signed with a certificate (a JWT assertion)
        self.throttled = 0
        self.retry_after = 1
        self.requests: list[str] = []
        self.deltas: dict[str, tuple[str, str, set[str]]] = {}  # token -> user, folder, ids
        self.pages: dict[str, list[dict[str, Any]]] = {}

    def add_user(self, user: str) -> None:
        folders = self.users.setdefault(user.lower(), {})
        for name in ("Inbox", "Sent Items", "Deleted Items"):
            self.make_folder(user, name, None)
        assert folders

    def make_folder(self, user: str, name: str, parent: str | None) -> Folder:
        folder = Folder("AAMkFolder" + secrets.token_hex(8), name, parent)
        self.users[user.lower()][folder.id] = folder
        return folder

    def folder(self, user: str, path: str) -> Folder | None:
        parent: str | None = None
        found = None
        for part in path.split("/"):
            found = next(
                (
                    f
                    for f in self.users[user.lower()].values()
                    if f.parent == parent and f.name.lower() == part.lower()
                ),
                None,
            )
            if found is None:
                return None
            parent = found.id
        return found

    def deliver(self, user: str, data: bytes, path: str = "Inbox") -> str:
        folder = self.folder(user, path)
        assert folder is not None
        message = Message("AAMkMsg" + secrets.token_hex(12), data, datetime.now(UTC))
        with self.lock:
            folder.messages[message.id] = message
        return message.id

    def counts(self, user: str) -> dict[str, int]:
        out = {}
        for folder in self.users[user.lower()].values():
            if folder.name in ("Sent Items", "Deleted Items"):
                continue
            path = self.path_of(user, folder)
            out["INBOX" if path == "Inbox" else path] = len(folder.messages)
        return out

    def path_of(self, user: str, folder: Folder) -> str:
        parts = [folder.name]
        parent = folder.parent
        while parent is not None:
            up = self.users[user.lower()][parent]
            parts.insert(0, up.name)
            parent = up.parent
        return "/".join(parts)

    def messages(self, user: str, path: str) -> list[bytes]:
        folder = self.folder(user, path)
        return [] if folder is None else [m.data for m in folder.messages.values()]

    def throttle(self, times: int, retry_after: int = 1) -> None:
        self.throttled, self.retry_after = times, retry_after

    def expire_tokens(self) -> None:
        self.tokens.clear()


def handler_for(state: GraphState) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(GraphHandler):
        pass

    Handler.state = state
    return Handler


class GraphHandler(http.server.BaseHTTPRequestHandler):
    state: GraphState
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        return

    # Plumbing -------------------------------------------------------------------------------

    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        raw = (
            b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
        )
        self.send_response(status)
        ctype = "message/rfc822" if isinstance(body, bytes) else "application/json"
        self.send_header("Content-Type", ctype)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _error(self, status: int, code: str, message: str, **headers: str) -> None:
        body = {
            "error": {
                "code": code,
                "message": message,
                "innerError": {
                    "request-id": secrets.token_hex(8),
                    "date": datetime.now(UTC).isoformat(),
                },
            }
        }
        self._send(status, body, headers)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _base(self) -> str:
        return f"https://{self.headers['Host']}"

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    def _route(self, method: str) -> None:
        url = urllib.parse.urlsplit(self.path)
        parts = [urllib.parse.unquote(p) for p in url.path.strip("/").split("/")]
        query = dict(urllib.parse.parse_qsl(url.query))
        self.state.requests.append(f"{method} {url.path}")
        if parts[:1] == [TENANT]:
            self._identity(method, parts[1:])
            return
        if parts[:1] != ["v1.0"]:
            self._error(404, "BadRequest", "unknown path")
            return
        if not self._authorised():
            return
        if len(parts) < 4 or parts[1] != "users":
            self._error(400, "BadRequest", "unsupported request")
            return
        user = parts[2].lower()
        if user not in self.state.users:
            self._error(
                403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
            )
            return
        self._mail(method, user, parts[3:], query)

    def _authorised(self) -> bool:
        with self.state.lock:
            if self.state.throttled > 0:
                self.state.throttled -= 1
                self._error(
                    429,
                    "TooManyRequests",
                    "Too many requests",
                    **{"Retry-After": str(self.state.retry_after)},
                )
                return False
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.state.tokens:
            self._error(
                401,
                "InvalidAuthenticationToken",
                "Lifetime validation failed, the token is expired.",
            )
            return False
        return True

    # Identity platform ----------------------------------------------------------------------

    def _identity(self, method: str, rest: list[str]) -> None:
        if method == "GET" and rest[-1:] == ["openid-configuration"]:
            base = f"{self._base()}/{TENANT}"
            self._send(
                200,
                {
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "issuer": f"{base}/v2.0",
                    "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                },
            )
            return
        if method == "POST" and rest == ["oauth2", "v2.0", "token"]:
            form = dict(urllib.parse.parse_qsl(self._body().decode()))
            good_secret = form.get("client_secret") == CLIENT_SECRET
            self.state.assertions += bool(form.get("client_assertion"))
            assertion = form.get("client_assertion_type", "").endswith("jwt-bearer") and bool(
                form.get("client_assertion")
            )
            if (
                form.get("grant_type") != "client_credentials"
                or form.get("client_id") != CLIENT_ID
                or not (good_secret or assertion)
            ):
                self._send(
                    401,
                    {
                        "error": "invalid_client",
                        "error_description": "AADSTS7000215: Invalid client secret provided.",
                        "error_codes": [7000215],
                    },
                )
                return
            if form.get("scope") != SCOPE:
                self._send(400, {"error": "invalid_scope", "error_codes": [70011]})
                return
            token = secrets.token_urlsafe(24)
            with self.state.lock:
                self.state.tokens.add(token)
                self.state.token_requests += 1
            self._send(
                200,
                {
                    "token_type": "Bearer",
                    "expires_in": 3599,
                    "ext_expires_in": 3599,
                    "access_token": token,
                },
            )
            return
        self._error(404, "BadRequest", "unknown identity path")

    # Mail -----------------------------------------------------------------------------------

    def _mail(self, method: str, user: str, rest: list[str], query: dict[str, str]) -> None:
        folders = self.state.users[user]
        if rest[0] == "mailFolders":
            if len(rest) == 1 or (len(rest) == 3 and rest[2] == "childFolders"):
                parent = rest[1] if len(rest) == 3 else None
                if parent is not None and parent not in folders:
                    self._error(404, "ErrorItemNotFound", "The folder was not found.")
                elif method == "POST":
                    self._create(user, parent)
                else:
                    self._list_folders(user, parent, query)
                return
            if len(rest) == 2 and method == "GET":
                folder = self._resolve(user, rest[1])
                if folder is None:
                    self._error(404, "ErrorItemNotFound", "The folder was not found.")
                else:
                    self._send(200, self._folder_json(user, folder))
                return
            if len(rest) == 4 and rest[2:] == ["messages", "delta"]:
                self._delta(user, rest[1], query)
                return
        if rest[0] == "messages" and len(rest) >= 2:
            self._message(method, user, rest[1], rest[2:])
            return
        self._error(400, "BadRequest", "unsupported request")

    def _resolve(self, user: str, ident: str) -> Folder | None:
        folders = self.state.users[user]
        if ident.lower() == "inbox":
            return self.state.folder(user, "Inbox")
        return folders.get(ident)

    def _folder_json(self, user: str, folder: Folder) -> dict[str, Any]:
        children = [f for f in self.state.users[user].values() if f.parent == folder.id]
        return {
            "id": folder.id,
            "displayName": folder.name,
            "parentFolderId": folder.parent,
            "childFolderCount": len(children),
            "totalItemCount": len(folder.messages),
            "unreadItemCount": len(folder.messages),
            "isHidden": False,
        }

    def _list_folders(self, user: str, parent: str | None, query: dict[str, str]) -> None:
        items = [
            self._folder_json(user, f)
            for f in self.state.users[user].values()
            if f.parent == parent
        ]
        top = int(query.get("$top", "10"))
        skip = int(query.get("$skip", "0"))
        page: dict[str, Any] = {"value": items[skip : skip + top]}
        if skip + top < len(items):
            url = urllib.parse.urlsplit(self.path)
            rest = urllib.parse.urlencode({**query, "$skip": str(skip + top)})
            page["@odata.nextLink"] = f"{self._base()}{url.path}?{rest}"
        self._send(200, page)

    def _create(self, user: str, parent: str | None) -> None:
        name = json.loads(self._body())["displayName"]
        with self.state.lock:
            clash = [
                f
                for f in self.state.users[user].values()
                if f.parent == parent and f.name.lower() == name.lower()
            ]
            if clash:
                self._error(
                    409, "ErrorFolderExists", "A folder with the specified name already exists."
                )
                return
            folder = self.state.make_folder(user, name, parent)
        self._send(201, self._folder_json(user, folder))

    def _delta(self, user: str, ident: str, query: dict[str, str]) -> None:
        folder = self._resolve(user, ident)
        if folder is None:
            self._error(404, "ErrorItemNotFound", "The folder was not found.")
            return
        if "$skiptoken" in query:
            self._delta_page(query["$skiptoken"])
            return
        with self.state.lock:
            now = dict(folder.messages)
        expand = "singleValueExtendedProperties" in query.get("$expand", "")
        if "$deltatoken" in query:
            known = self.state.deltas.get(query["$deltatoken"])
            if known is None or known[1] != folder.id:
                self._error(410, "syncStateNotFound", "The sync state was not found.")
                return
            seen = known[2]
            items = [self._item(m, expand) for i, m in now.items() if i not in seen]
            items += [{"id": i, "@removed": {"reason": "deleted"}} for i in seen if i not in now]
        else:
            since = query.get("$filter", "")
            items = [self._item(m, expand) for m in now.values() if _matches(m, since)]
        delta = secrets.token_urlsafe(12)
        self.state.deltas[delta] = (user, folder.id, set(now))
        size = _page_size(self.headers.get("Prefer", ""))
        pages = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
        base = f"{self._base()}/v1.0/users/{user}/mailFolders/{folder.id}/messages/delta"
        chain: list[dict[str, Any]] = []
        for n, chunk in enumerate(pages):
            chain.append({"@odata.context": "…/$metadata#Collection(message)", "value": chunk})
            if n == len(pages) - 1:
                chain[-1]["@odata.deltaLink"] = f"{base}?$deltatoken={delta}"
        for n in range(len(chain) - 1):
            skip = secrets.token_urlsafe(12)
            self.state.pages[skip] = chain[n + 1 :]
            chain[n]["@odata.nextLink"] = f"{base}?$skiptoken={skip}"
        self._send(200, chain[0])

    def _delta_page(self, skip: str) -> None:
        chain = self.state.pages.get(skip)
        if not chain:
            self._error(410, "syncStateNotFound", "The sync state was not found.")
            return
        self._send(200, chain[0])

    @staticmethod
    def _item(message: Message, expand: bool) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": message.id,
            "receivedDateTime": message.received.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if expand:
            item["singleValueExtendedProperties"] = [
                {"id": SIZE_PROPERTY, "value": str(len(message.data))}
            ]
        return item

    def _message(self, method: str, user: str, ident: str, rest: list[str]) -> None:
        with self.state.lock:
            where = next((f for f in self.state.users[user].values() if ident in f.messages), None)
            if where is None:
                self._error(
                    404, "ErrorItemNotFound", "The specified object was not found in the store."
                )
                return
            message = where.messages[ident]
            if method == "GET" and rest == ["$value"]:
                self._send(200, message.data)
                return
            if method == "DELETE" and not rest:
                del where.messages[ident]
                self._send(204)
                return
            if method == "POST" and rest == ["move"]:
                target = self._resolve(user, json.loads(self._body())["destinationId"])
                if target is None:
                    self._error(404, "ErrorItemNotFound", "The destination folder was not found.")
                    return
                del where.messages[ident]
                if "ImmutableId" not in self.headers.get("Prefer", ""):
                    message = Message(
                        "AAMkMsg" + secrets.token_hex(12), message.data, message.received
                    )
                target.messages[message.id] = message
                self._send(201, {"id": message.id, "parentFolderId": target.id})
                return
        self._error(400, "BadRequest", "unsupported request")


def _page_size(prefer: str) -> int:
    for part in prefer.split(","):
        key, _, value = part.strip().partition("=")
        if key == "odata.maxpagesize":
            return max(1, int(value))
    return 10


def _matches(message: Message, filter_text: str) -> bool:
    if not filter_text:
        return True
    _field, op, value = filter_text.split(" ", 2)
    assert op == "ge"
    return message.received >= datetime.fromisoformat(value.replace("Z", "+00:00"))


class GraphServer:
    def __init__(self, directory: Path) -> None:
        self.state = GraphState()
        self.server = HttpsServer(handler_for(self.state), directory)
        self.ca_file = self.server.ca_file
        self.url = self.server.url

    @property
    def graph_url(self) -> str:
        return f"{self.url}/v1.0"

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def graph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphServer]:
    server = GraphServer(tmp_path_factory.mktemp("graph"))
    yield server
    server.close()
