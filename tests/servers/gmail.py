"""A local Gmail API: the documented subset dmarcwatch calls, over verified HTTPS.

- ``POST /token``: Google's OAuth 2.0 token endpoint for a service account's signed JWT
  (``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer``; the JWT's ``sub`` must be a
  user of the domain and its ``scope`` gmail.modify) and for a user's refresh token;
- ``/gmail/v1/users/{u}/labels`` (list, create: 409 for a name in use), ``labels/{id}``
  (``messagesTotal``), ``messages`` (``labelIds``, ``q=after:``, ``pageToken``,
  ``maxResults``), ``messages/{id}`` (``format=minimal`` with ``sizeEstimate``, ``format=raw``
  in base64url), ``messages/{id}/modify``, ``messages/{id}/trash``, ``profile`` and
  ``history`` (``messagesAdded`` since a ``startHistoryId``; 404 for an unknown one);
- faults: :meth:`GmailState.throttle` (429 ``rateLimitExceeded``), :meth:`GmailState.expire_tokens`
  (401 ``UNAUTHENTICATED``).
"""

from __future__ import annotations

import base64
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

SCOPE = "https://www.googleapis.com/auth/gmail.modify"
REFRESH_TOKEN = "1//refresh-token-for-tests"
CLIENT_ID = "1234-test.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-test-secret"


@dataclass
class Mail:
    id: str
    data: bytes
    labels: set[str]
    received: datetime
    history: int


@dataclass
class Mailbox:
    labels: dict[str, str] = field(
        default_factory=lambda: {
            "INBOX": "INBOX",
            "SENT": "SENT",
            "TRASH": "TRASH",
            "UNREAD": "UNREAD",
        }
    )
    mails: dict[str, Mail] = field(default_factory=dict)


class GmailState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users: dict[str, Mailbox] = {}
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.throttled = 0
        self.history = 1000
        self.requests: list[str] = []

    def add_user(self, user: str) -> None:
        self.users[user.lower()] = Mailbox()

    def deliver(self, user: str, data: bytes, label: str = "INBOX") -> str:
        box = self.users[user.lower()]
        with self.lock:
            self.history += 7
            mail = Mail(
                secrets.token_hex(8),
                data,
                {box.labels[label], "UNREAD"},
                datetime.now(UTC),
                self.history,
            )
            box.mails[mail.id] = mail
        return mail.id

    def counts(self, user: str) -> dict[str, int]:
        box = self.users[user.lower()]
        out = {}
        for name, ident in box.labels.items():
            if name in ("SENT", "TRASH", "UNREAD"):
                continue
            out[name] = sum(1 for m in box.mails.values() if ident in m.labels)
        return out

    def messages(self, user: str, label: str) -> list[bytes]:
        box = self.users[user.lower()]
        ident = box.labels.get(label, "")
        return [m.data for m in box.mails.values() if ident in m.labels]

    def throttle(self, times: int) -> None:
        self.throttled = times

    def expire_tokens(self) -> None:
        self.tokens.clear()


class GmailHandler(http.server.BaseHTTPRequestHandler):
    state: GmailState
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        return

    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        raw = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _error(self, status: int, reason: str, message: str, state: str) -> None:
        self._send(
            status,
            {
                "error": {
                    "code": status,
                    "message": message,
                    "status": state,
                    "errors": [{"message": message, "domain": "global", "reason": reason}],
                }
            },
        )

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def _route(self, method: str) -> None:
        url = urllib.parse.urlsplit(self.path)
        parts = [urllib.parse.unquote(p) for p in url.path.strip("/").split("/")]
        query = urllib.parse.parse_qs(url.query)
        self.state.requests.append(f"{method} {url.path}")
        if parts == ["token"] and method == "POST":
            self._token()
            return
        if parts[:3] != ["gmail", "v1", "users"] or len(parts) < 5:
            self._error(404, "notFound", "Not Found", "NOT_FOUND")
            return
        with self.state.lock:
            if self.state.throttled > 0:
                self.state.throttled -= 1
                self._error(429, "rateLimitExceeded", "Too many requests", "RESOURCE_EXHAUSTED")
                return
        auth = self.headers.get("Authorization", "")
        if auth[7:] not in self.state.tokens:
            self._error(
                401,
                "authError",
                "Request had invalid authentication credentials.",
                "UNAUTHENTICATED",
            )
            return
        user = parts[3].lower()
        if user not in self.state.users:
            self._error(403, "forbidden", "Delegation denied", "PERMISSION_DENIED")
            return
        self._mail(method, self.state.users[user], parts[4:], query)

    def _token(self) -> None:
        form = dict(urllib.parse.parse_qsl(self._body().decode()))
        grant = form.get("grant_type", "")
        ok = False
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            claims = _jwt_claims(form.get("assertion", ""))
            ok = claims.get("scope") == SCOPE and claims.get("sub", "").lower() in self.state.users
        elif grant == "refresh_token":
            ok = (
                form.get("refresh_token") == REFRESH_TOKEN
                and form.get("client_id") == CLIENT_ID
                and form.get("client_secret") == CLIENT_SECRET
            )
        if not ok:
            self._send(400, {"error": "invalid_grant", "error_description": "Bad Request"})
            return
        token = "ya29." + secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.tokens.add(token)
            self.state.token_requests += 1
        self._send(
            200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer", "scope": SCOPE}
        )

    def _mail(
        self, method: str, box: Mailbox, rest: list[str], query: dict[str, list[str]]
    ) -> None:
        one = {k: v[0] for k, v in query.items()}
        if rest == ["profile"]:
            self._send(
                200,
                {
                    "emailAddress": "x",
                    "messagesTotal": len(box.mails),
                    "historyId": str(self.state.history),
                },
            )
        elif rest == ["labels"] and method == "GET":
            self._send(
                200,
                {
                    "labels": [
                        {"id": i, "name": n, "type": "system" if i == n else "user"}
                        for n, i in box.labels.items()
                    ]
                },
            )
        elif rest == ["labels"] and method == "POST":
            name = json.loads(self._body())["name"]
            if name in box.labels:
                self._error(409, "duplicate", "Label name exists or conflicts", "ALREADY_EXISTS")
                return
            box.labels[name] = "Label_" + str(len(box.labels) + 1)
            self._send(200, {"id": box.labels[name], "name": name})
        elif len(rest) == 2 and rest[0] == "labels":
            total = sum(1 for m in box.mails.values() if rest[1] in m.labels)
            name = next((n for n, i in box.labels.items() if i == rest[1]), None)
            if name is None:
                self._error(404, "notFound", "Requested entity was not found.", "NOT_FOUND")
                return
            self._send(200, {"id": rest[1], "name": name, "messagesTotal": total})
        elif rest == ["messages"]:
            self._list(box, one)
        elif rest == ["history"]:
            self._history(box, one)
        elif len(rest) >= 2 and rest[0] == "messages":
            self._message(method, box, rest[1], rest[2:], one)
        else:
            self._error(400, "badRequest", "Bad Request", "INVALID_ARGUMENT")

    def _list(self, box: Mailbox, query: dict[str, str]) -> None:
        label = query.get("labelIds", "")
        after = query.get("q", "")
        mails = [m for m in box.mails.values() if not label or label in m.labels]
        if after.startswith("after:"):
            day = datetime.strptime(after[6:], "%Y/%m/%d").replace(tzinfo=UTC)
            mails = [m for m in mails if m.received >= day]
        start = int(query.get("pageToken", "0"))
        size = min(int(query.get("maxResults", "100")), 500)
        size = min(size, 7)  # small pages, so paging is exercised
        page: dict[str, Any] = {
            "messages": [{"id": m.id, "threadId": m.id} for m in mails[start : start + size]],
            "resultSizeEstimate": len(mails),
        }
        if start + size < len(mails):
            page["nextPageToken"] = str(start + size)
        if not page["messages"]:
            del page["messages"]
        self._send(200, page)

    def _history(self, box: Mailbox, query: dict[str, str]) -> None:
        start = int(query.get("startHistoryId", "0"))
        if start < 1000:
            self._error(404, "notFound", "Requested entity was not found.", "NOT_FOUND")
            return
        label = query.get("labelId", "")
        added = [m for m in box.mails.values() if m.history > start and label in m.labels]
        body: dict[str, Any] = {"historyId": str(self.state.history)}
        if added:
            body["history"] = [
                {
                    "id": str(m.history),
                    "messagesAdded": [{"message": {"id": m.id, "labelIds": sorted(m.labels)}}],
                }
                for m in added
            ]
        self._send(200, body)

    def _message(
        self, method: str, box: Mailbox, ident: str, rest: list[str], query: dict[str, str]
    ) -> None:
        mail = box.mails.get(ident)
        if mail is None:
            self._error(404, "notFound", "Requested entity was not found.", "NOT_FOUND")
            return
        if method == "GET" and not rest:
            body: dict[str, Any] = {
                "id": mail.id,
                "threadId": mail.id,
                "labelIds": sorted(mail.labels),
                "historyId": str(mail.history),
                "sizeEstimate": len(mail.data),
                "internalDate": str(int(mail.received.timestamp() * 1000)),
            }
            if query.get("format") == "raw":
                body["raw"] = base64.urlsafe_b64encode(mail.data).decode().rstrip("=")
            self._send(200, body)
        elif method == "POST" and rest == ["modify"]:
            change = json.loads(self._body())
            with self.state.lock:
                mail.labels |= set(change.get("addLabelIds") or ())
                mail.labels -= set(change.get("removeLabelIds") or ())
                self.state.history += 1
            self._send(200, {"id": mail.id, "labelIds": sorted(mail.labels)})
        elif method == "POST" and rest == ["trash"]:
            mail.labels = {"TRASH"}
            self._send(200, {"id": mail.id, "labelIds": ["TRASH"]})
        else:
            self._error(400, "badRequest", "Bad Request", "INVALID_ARGUMENT")


def _jwt_claims(assertion: str) -> dict[str, Any]:
    try:
        payload = assertion.split(".")[1]
        return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))
    except (IndexError, ValueError):
        return {}


class GmailServer:
    def __init__(self, directory: Path) -> None:
        self.state = GmailState()

        class Handler(GmailHandler):
            pass

        Handler.state = self.state
        self.server = HttpsServer(Handler, directory)
        self.ca_file = self.server.ca_file
        self.url = self.server.url
        self.directory = directory

    @property
    def api_url(self) -> str:
        return f"{self.url}/gmail/v1"

    def service_account_file(self) -> Path:
        """A service-account key file whose token_uri is this server."""
        import subprocess

        key = self.directory / "sa.key"
        subprocess.run(
            ["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True
        )
        info = {
            "type": "service_account",
            "project_id": "dmarcwatch-test",
            "private_key_id": "k1",
            "private_key": key.read_text(),
            "client_email": "dmarcwatch@dmarcwatch-test.iam.gserviceaccount.com",
            "client_id": "1",
            "token_uri": f"{self.url}/token",
        }
        path = self.directory / "service-account.json"
        path.write_text(json.dumps(info))
        return path

    def token_file(self) -> Path:
        """An installed-app (authorized_user) token file whose token_uri is this server."""
        info = {
            "type": "authorized_user",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH_TOKEN,
            "token_uri": f"{self.url}/token",
        }
        path = self.directory / "token.json"
        path.write_text(json.dumps(info))
        return path

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def gmail_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GmailServer]:
    server = GmailServer(tmp_path_factory.mktemp("gmail"))
    yield server
    server.close()
