"""Reading an IMAP connection under budgets, for imaplib (which imapclient sits on).

imaplib reads a server's answer with two methods, ``readline`` (a response line) and
``read`` (a literal of a size the server declares, RFC 9051 §4.3). Left alone it keeps reading
as long as the server sends: endless untagged responses grow its lists without bound, a server
that trickles a byte now and then never trips the socket timeout, a literal is read whole at
whatever size the server declares, and a blocking read outlives SIGTERM.

:class:`Wire` replaces both methods on one connection and reads the socket itself. Each
command runs under a :class:`Budget`: the bytes the server may send in answer, the largest
literal, and a wall-clock deadline; and between answers the server may stay silent at most
*idle* seconds. The socket is read in slices of at most a second, so a stop request (SIGTERM)
ends a wait on a silent server within about a second, and on one still sending within
:data:`STOP_GRACE_S`. Every breach raises a :class:`WireError`, which is
not an ``OSError`` (imapclient's IDLE loop swallows those); the connection is spent afterwards.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_LINE = 1_000_000
"""imaplib's own bound on one response line (its ``_MAXLINE``)."""
_CHUNK = 64 * 1024
_SLICE_S = 1.0
STOP_GRACE_S = 2.0
"""After a stop request, a server still sending gets this long to finish its answer (the move
of a batch already committed); a silent one is left at once."""
_BODY = re.compile(rb"BODY\[\]")


class WireError(Exception):
    """The server broke a budget; the connection cannot be used any more."""


class WireTimeout(WireError):
    """The server was silent too long, or a command's answer took longer than its deadline."""


class WireSilent(WireTimeout, TimeoutError):
    """The server sent nothing for the idle timeout: a timeout like a socket's (transient)."""


class WireOverflow(WireError):
    """The server sent more than a command's budget, or a literal larger than allowed."""


class WireSpent(WireError):
    """A read on a connection an earlier breach left mid-answer."""


class WireStopped(WireError):
    """A stop was requested (SIGTERM) while waiting for the server."""


@dataclass(frozen=True, slots=True)
class Budget:
    """What one command's answer may cost."""

    bytes: int
    literal: int
    seconds: float


class Wire:
    """Budgeted ``read`` and ``readline`` for one :class:`imaplib.IMAP4` connection."""

    def __init__(
        self,
        imap: Any,
        idle: float,
        default: Budget,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self._imap = imap
        self._idle = idle
        self._default = default
        self._stop = should_stop or (lambda: False)
        self._stop_seen: float | None = None
        self._buffer = bytearray()
        self._sock: object = imap.sock
        self._budget = default
        self._received = 0
        self._deadline = time.monotonic() + default.seconds
        self.body_answers = 0
        """How many ``BODY[]`` items the answers of the current command held."""
        self.spent = False
        imap.read = self.read
        imap.readline = self.readline

    def configure(
        self, idle: float, default: Budget, should_stop: Callable[[], bool] | None = None
    ) -> None:
        """New limits for the commands to come (after the greeting, the logged-in session's)."""
        self._idle = idle
        self._default = default
        self._stop = should_stop or (lambda: False)
        self.begin()

    def begin(self, budget: Budget | None = None) -> None:
        """Start a command: its answer may cost *budget* (the default one if None)."""
        self._budget = budget or self._default
        self._received = 0
        self.body_answers = 0
        self._stop_seen = None  # each command's answer gets its grace after a stop request
        self._deadline = time.monotonic() + self._budget.seconds

    def _same_socket(self) -> None:
        """After STARTTLS the connection reads a new (TLS) socket: anything buffered from the
        plain one was sent before the handshake and is dropped, never taken as protected."""
        if self._imap.sock is not self._sock:
            self._sock = self._imap.sock
            self._buffer.clear()

    def readline(self) -> bytes:
        self._same_socket()
        start = 0
        while (end := self._buffer.find(b"\n", start)) < 0:
            if len(self._buffer) > MAX_LINE:
                self._fail(WireOverflow(f"a response line longer than {MAX_LINE} bytes"))
            start = len(self._buffer)
            self._fill()
        line = bytes(self._buffer[: end + 1])
        del self._buffer[: end + 1]
        self.body_answers += len(_BODY.findall(line))
        return line

    def read(self, size: int) -> bytes:
        self._same_socket()
        if size > self._budget.literal:
            self._fail(
                WireOverflow(f"a literal of {size} bytes (at most {self._budget.literal} expected)")
            )
        while len(self._buffer) < size:
            self._fill()
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def _fill(self) -> None:
        """Append what the socket has to the buffer, within the budget and the deadlines."""
        if self.spent:
            raise WireSpent("nothing more: the connection was abandoned")
        sock: socket.socket = self._imap.sock
        if sock.gettimeout() == 0.0:  # imapclient's IDLE check polls a non-blocking socket
            self._take(sock.recv(_CHUNK))
            return
        quiet_until = time.monotonic() + self._idle
        silent = False
        while True:
            now = time.monotonic()
            if self._stop():
                self._stop_seen = self._stop_seen or now
                if silent or now - self._stop_seen >= STOP_GRACE_S:
                    self._fail(WireStopped("stopped while waiting for the server"))
            if now >= self._deadline:
                seconds = self._budget.seconds
                self._fail(WireTimeout(f"the answer took longer than {seconds:g} s"))
            if now >= quiet_until:
                self._fail(WireSilent(f"the server was silent for {self._idle:g} s"))
            sock.settimeout(max(0.01, min(_SLICE_S, self._deadline - now, quiet_until - now)))
            try:
                data = sock.recv(_CHUNK)
            except TimeoutError:
                silent = True
                continue
            finally:
                sock.settimeout(self._idle)
            self._take(data)
            return

    def _take(self, data: bytes) -> None:
        if not data:
            raise EOFError("the server closed the connection")
        self._received += len(data)
        if self._received > self._budget.bytes:
            self._fail(WireOverflow(f"an answer larger than {self._budget.bytes} bytes"))
        self._buffer += data

    def _fail(self, error: WireError) -> None:
        self.spent = True
        self._buffer.clear()
        raise error
