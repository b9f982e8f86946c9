"""A private CA made for the test, and a threaded HTTPS server on a free loopback port.

The CA's certificate is what a config's ``ca_file`` names: the client verifies the server as
it would verify Microsoft's or Google's, never with verification switched off.
"""

from __future__ import annotations

import http.server
import ssl
import subprocess
import threading
from pathlib import Path

HOST = "127.0.0.1"


def make_ca_and_server_certificate(directory: Path) -> Path:
    """Write ca.pem (the trust anchor), server.pem and server.key; return ca.pem."""
    d = directory
    run = ["openssl"]
    subprocess.run(
        [*run, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=dmarcwatch test CA", "-keyout", str(d / "ca.key"), "-out", str(d / "ca.pem"),
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [*run, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
         "-keyout", str(d / "server.key"), "-out", str(d / "server.csr")],
        check=True, capture_output=True,
    )  # fmt: skip
    (d / "ext.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    subprocess.run(
        [*run, "x509", "-req", "-in", str(d / "server.csr"), "-CA", str(d / "ca.pem"),
         "-CAkey", str(d / "ca.key"), "-CAcreateserial", "-days", "2",
         "-extfile", str(d / "ext.cnf"), "-out", str(d / "server.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    return d / "ca.pem"


class HttpsServer:
    """Serves *handler* over TLS in a thread until :meth:`close`."""

    def __init__(self, handler: type[http.server.BaseHTTPRequestHandler], directory: Path) -> None:
        self.ca_file = make_ca_and_server_certificate(directory)
        self.httpd = http.server.ThreadingHTTPServer((HOST, 0), handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(directory / "server.pem", directory / "server.key")
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"https://{HOST}:{self.port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
