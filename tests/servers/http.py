"""A real HTTP(S) server on loopback that records what it receives (webhook, Slack, Teams).

stdlib ``http.server`` in a thread, on a free port. Each POST is kept as a :class:`Received`
(path, headers, body); the answer is :attr:`HttpTestServer.status` (200 unless a test sets
another, e.g. 503 to play a channel that is down, or 202 as Teams Workflows answer). With a
certificate it speaks TLS only (clients trust it through ``ca_file``).
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpTestServer:
    url: str
    status: int = 200
    received: list[Received] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)  # every status sent, failures included
    lock: threading.Lock = field(default_factory=threading.Lock)

    def bodies(self) -> list[Any]:
        with self.lock:
            return [r.json() for r in self.received]


def _handler(server: HttpTestServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            status = server.status
            with server.lock:
                server.answered.append(status)
                if 200 <= status < 300:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    server.received.append(Received(self.path, headers, body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet: the tests look at what was received."""

    return Handler


@contextmanager
def running(cert: tuple[Path, Path] | None = None, path: str = "/hook") -> Iterator[HttpTestServer]:
    """A server on 127.0.0.1 (TLS when *cert* is a (certificate, key) pair)."""
    state = HttpTestServer(url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    scheme = "http"
    if cert is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*cert)
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        scheme = "https"
    state.url = f"{scheme}://127.0.0.1:{httpd.server_address[1]}{path}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
