"""A hostile IMAP server on loopback: just enough IMAP4rev1 to be polled, and one misbehaviour.

A real Dovecot cannot misbehave on purpose, so the attacks of issue 19 (items 8 and 9) are
played by this small server in a thread: plain text (the poller allows it with
``allow_insecure``), one folder holding the given messages, any login accepted. Each
*behaviour* breaks one thing:

- ``flood``: SELECT answers with untagged responses without end;
- ``trickle``: SELECT answers one byte every 0.3 s, never a whole line;
- ``trickle-greeting``: the greeting itself comes one byte every 0.3 s;
- ``huge-literal``: RFC822.SIZE says 2,000 bytes, then BODY[] declares a 400 MB literal and
  streams it;
- ``no-uidvalidity``, ``uidvalidity-2**70``, ``uid-2**70``: broken SELECT or SEARCH answers;
- ``duplicate-fetch``: each FETCH answer is followed by a second one for the same UID with a
  different body;
- ``well``: no misbehaviour.

The commands the server received are kept in :attr:`HostileImapServer.commands`, so a test
can check that nothing was moved.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
import time
from collections.abc import Iterator, Sequence

BEHAVIOURS = (
    "well",
    "flood",
    "trickle",
    "trickle-greeting",
    "huge-literal",
    "no-uidvalidity",
    "uidvalidity-2**70",
    "uid-2**70",
    "duplicate-fetch",
)
_HUGE = 400_000_000
_OTHER_BODY = b"From: a@example.net\r\nSubject: not a report\r\n\r\nhello\r\n"


class HostileImapServer:
    """The server; :meth:`close` stops it (and any stream it is sending)."""

    def __init__(self, behaviour: str, messages: Sequence[bytes]) -> None:
        if behaviour not in BEHAVIOURS:
            raise ValueError(behaviour)
        self.behaviour = behaviour
        self.messages = list(messages)
        self.commands: list[str] = []
        self.connected = threading.Event()
        self.closing = threading.Event()
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                server.connected.set()
                with contextlib.suppress(OSError):
                    _Session(server, self.request, self.rfile).run()

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.closing.set()
        self._server.shutdown()
        self._server.server_close()


class _Session:
    def __init__(self, server: HostileImapServer, sock: socket.socket, rfile: object) -> None:
        self.server = server
        self.sock = sock
        self.rfile = rfile

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def run(self) -> None:
        if self.server.behaviour == "trickle-greeting":
            self.trickle()
            return
        self.send(b"* OK [CAPABILITY IMAP4rev1 UIDPLUS MOVE] hostile ready\r\n")
        while not self.server.closing.is_set():
            line = self.rfile.readline()  # type: ignore[attr-defined]
            if not line:
                return
            text = line.decode("ascii", "replace").rstrip("\r\n")
            self.server.commands.append(text)
            tag, _, rest = text.partition(" ")
            if not self.answer(tag, rest.upper(), rest):
                return

    def answer(self, tag: str, upper: str, rest: str) -> bool:  # noqa: PLR0911
        behaviour = self.server.behaviour
        if upper.startswith("CAPABILITY"):
            self.send(b"* CAPABILITY IMAP4rev1 UIDPLUS MOVE\r\n")
        elif upper.startswith("LOGOUT"):
            self.send(b"* BYE bye\r\n" + tag.encode() + b" OK done\r\n")
            return False
        elif upper.startswith(("SELECT", "EXAMINE")):
            if behaviour == "flood":
                return self.flood()
            if behaviour == "trickle":
                return self.trickle()
            self.send(self.select_lines())
        elif upper.startswith("UID SEARCH"):
            uids = " ".join(str(u) for u in self.uids())
            self.send(f"* SEARCH {uids}\r\n".encode())
        elif upper.startswith("UID FETCH"):
            self.fetch(rest)
        elif upper.startswith(("LIST", "LSUB")):
            self.send(b'* LIST () "/" INBOX\r\n')
        elif upper.startswith(("LOGIN", "CREATE", "UID MOVE", "UID STORE", "UID EXPUNGE", "NOOP")):
            pass
        else:
            self.send(tag.encode() + b" BAD unknown\r\n")
            return True
        self.send(tag.encode() + b" OK done\r\n")
        return True

    def uids(self) -> list[int]:
        first = 2**70 if self.server.behaviour == "uid-2**70" else 1
        return [first + i for i in range(len(self.server.messages))]

    def select_lines(self) -> bytes:
        count = len(self.server.messages)
        lines = [f"* {count} EXISTS", "* 0 RECENT", "* FLAGS (\\Seen \\Deleted)"]
        behaviour = self.server.behaviour
        if behaviour == "uidvalidity-2**70":
            lines.append(f"* OK [UIDVALIDITY {2**70}] UIDs valid")
        elif behaviour != "no-uidvalidity":
            lines.append("* OK [UIDVALIDITY 1700000000] UIDs valid")
        lines.append(f"* OK [UIDNEXT {count + 1}] next")
        return "".join(f"{line}\r\n" for line in lines).encode()

    def flood(self) -> bool:
        line = b"* OK " + b"x" * 1000 + b"\r\n"
        block = line * 1000
        while not self.server.closing.is_set():
            self.send(block)
        return False

    def trickle(self) -> bool:
        while not self.server.closing.is_set():
            self.send(b"*")
            time.sleep(0.3)
        return False

    def fetch(self, rest: str) -> None:
        wanted = _uid_set(rest.split()[2])
        for seq, uid in enumerate(self.uids(), start=1):
            if uid not in wanted:
                continue
            body = self.server.messages[seq - 1]
            if "RFC822.SIZE" in rest.upper():
                size = 2000 if self.server.behaviour == "huge-literal" else len(body)
                self.send(f"* {seq} FETCH (UID {uid} RFC822.SIZE {size})\r\n".encode())
                continue
            if self.server.behaviour == "huge-literal":
                self.stream(seq, uid)
                return
            self.send(_body_answer(seq, uid, body))
            if self.server.behaviour == "duplicate-fetch":
                self.send(_body_answer(seq, uid, _OTHER_BODY))

    def stream(self, seq: int, uid: int) -> None:
        self.send(f"* {seq} FETCH (UID {uid} BODY[] {{{_HUGE}}}\r\n".encode())
        chunk = b"x" * 65536
        for _ in range(_HUGE // len(chunk)):
            if self.server.closing.is_set():
                return
            self.send(chunk)


def _body_answer(seq: int, uid: int, body: bytes) -> bytes:
    return f"* {seq} FETCH (UID {uid} BODY[] {{{len(body)}}}\r\n".encode() + body + b")\r\n"


def _uid_set(text: str) -> set[int]:
    """The UIDs of an IMAP sequence set (``1,3:5``; ``*`` is taken as a large number)."""
    uids: set[int] = set()
    for part in text.split(","):
        low, _, high = part.partition(":")
        start = int(low) if low != "*" else 2**80
        end = int(high) if high and high != "*" else (2**80 if high == "*" else start)
        if end - start > 100_000:
            uids.update({start, end})
            continue
        uids.update(range(min(start, end), max(start, end) + 1))
    return uids


@contextlib.contextmanager
def hostile_imap(behaviour: str, messages: Sequence[bytes]) -> Iterator[HostileImapServer]:
    server = HostileImapServer(behaviour, messages)
    try:
        yield server
    finally:
        server.close()
