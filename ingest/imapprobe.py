"""Which kind of port is this: implicit TLS, or plain IMAP (STARTTLS)?

Asked only after a connection failed the way a mismatch fails: a client waiting for the
greeting on an implicit-TLS port hears nothing (the server waits for a TLS ClientHello), and a
TLS handshake on a plain port reads the server's greeting as a broken TLS record. Each probe
opens one connection of its own, sends no credentials, and gives up after *timeout* seconds.
"""

from __future__ import annotations

import socket
import ssl

GREETINGS = (b"* OK", b"* PREAUTH", b"* BYE")
"""How an IMAP server opens a connection (RFC 9051 §7.1)."""


def speaks_tls(host: str, port: int, timeout: float) -> bool:
    """Whether a TLS handshake completes on *host*:*port*.

    The certificate is not checked: nothing is sent over this connection, and the real one,
    opened with the corrected settings, verifies it.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=host),
        ):
            return True
    except OSError:  # ssl.SSLError included
        return False


def greets_in_plain_text(host: str, port: int, timeout: float) -> bool:
    """Whether *host*:*port* sends an IMAP greeting without TLS."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            raw.settimeout(timeout)
            first = raw.recv(64)
    except OSError:
        return False
    return first.startswith(GREETINGS)
