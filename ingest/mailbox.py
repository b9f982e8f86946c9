"""A small interface over one IMAP mailbox, and its implementation over IMAP.

The poller needs few operations: select a folder (learning its UIDVALIDITY, RFC 9051 §2.3.1.1),
list UIDs, read message sizes, fetch whole messages with ``BODY.PEEK[]`` (which leaves ``\\Seen``
alone, RFC 9051 §6.4.5), move messages, create folders. :func:`connect` opens a verified TLS
(implicit, or STARTTLS, RFC 9051 §6.2.1) connection and logs in with a password or an OAuth 2.0
bearer token (SASL XOAUTH2 or OAUTHBEARER, RFC 7628). Folder names are given as text;
imapclient encodes them in modified UTF-7 (RFC 3501 §5.1.3).

Errors::

    IngestError
    └── MailboxError                 the mailbox cannot be used as configured
        ├── MailboxUnavailable       cannot connect, timed out, connection lost (transient)
        ├── MailboxMisconfigured     security and port do not match, or no such folder to poll
        ├── MailboxAnomaly           the server broke the protocol or a budget (this mailbox only)
        ├── MailboxStopped           a stop was requested (SIGTERM) while waiting for the server
        ├── TLSVerificationFailed    the server's certificate is not trusted
        └── LoginRefused             the server refused the credentials (or no token)
"""

from __future__ import annotations

import functools
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol

from imapclient import IMAPClient, SocketTimeout, imap4, tls
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from .errors import IngestError, quote
from .imapprobe import greets_in_plain_text, speaks_tls
from .imapwire import (
    Budget,
    Wire,
    WireError,
    WireSilent,
    WireStopped,
    WireTimeout,
)

Security = Literal["tls", "starttls", "plain"]
Mechanism = Literal["auto", "xoauth2", "oauthbearer"]
DELETED = b"\\Deleted"
IDLE_MAX_SECONDS = 29 * 60
GREETING_TIMEOUT_S = 5.0
"""Connecting, the TLS handshake and the greeting: a server greets at once (RFC 9051 §7.1), so
one that stays silent is most likely an implicit-TLS port waiting for our handshake."""
COMMAND_TIMEOUTS = 10
"""A command's whole answer may take this many times the mailbox's ``timeout`` (which bounds
the server's silence), so a server trickling bytes cannot hold a poll for ever."""
ANSWER_BYTES = 16 * 1024 * 1024
"""What the answer to a command other than a message fetch may hold: a UID SEARCH of a
million messages, or a folder list of thousands, fits many times over."""
FETCH_SLACK = 64 * 1024
"""Beyond the declared sizes, what a message fetch's answer may hold: the response lines, and
a literal a little larger than its RFC822.SIZE (servers count line ends differently)."""
MAX_NUMBER = 2**32 - 1
"""UIDs and UIDVALIDITY are 32-bit unsigned numbers above zero (RFC 9051 §2.3.1.1)."""
FOLDERS_LISTED = 20
"""At most this many of the server's folders are named when the folder to poll is missing."""
# OpenSSL's reasons when a TLS client reads a plain-text answer (the server's greeting).
_NOT_TLS = frozenset(
    {"WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG", "HTTP_REQUEST"}
)


class MailboxError(IngestError):
    """The mailbox cannot be used as configured (a missing folder, a refused command)."""


class MailboxUnavailable(MailboxError):
    """The server cannot be reached, timed out or dropped the connection; worth a retry."""


class MailboxMisconfigured(MailboxError):
    """The settings do not fit the server: TLS on a plain port (or the reverse), or the folder
    to poll does not exist. A person must change the config; never retried."""


class MailboxAnomaly(MailboxError):
    """The server broke the protocol (a missing or impossible UIDVALIDITY or UID, two bodies
    for one message) or a budget (too many bytes, too slow, a literal beyond the declared
    size). This mailbox's poll ends; the others go on. Never retried."""


class MailboxStopped(MailboxError):
    """A stop (SIGTERM) was requested while waiting for the server; the poll ends cleanly."""


class TLSVerificationFailed(MailboxError):
    """The server's certificate is not trusted for its name; never retried, never ignored."""


class LoginRefused(MailboxError):
    """The server refused the login, or no access token could be had."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where the server is and how to protect the connection to it."""

    host: str
    port: int
    security: Security = "tls"
    ca_file: Path | None = None
    timeout: float = 60.0
    """The longest the server may stay silent; a command's whole answer gets
    :data:`COMMAND_TIMEOUTS` times as long."""

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class PasswordAuth:
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class TokenAuth:
    """OAuth 2.0: *token* is called once per login and returns a fresh access token."""

    username: str
    token: Callable[[], str] = field(repr=False)
    mechanism: Mechanism = "auto"


Auth = PasswordAuth | TokenAuth


class Mailbox(Protocol):
    """What the poller uses of a mailbox. UIDs refer to the selected folder."""

    def select(self, folder: str) -> int:
        """Select *folder* read-write and return its UIDVALIDITY."""
        ...

    def uidnext(self) -> int:
        """UIDNEXT of the folder when it was selected: any later message has a UID >= it."""
        ...

    def uids(self, since: date | None = None) -> list[int]:
        """UIDs of the selected folder in ascending order (internal date >= *since*), leaving
        out messages flagged \\Deleted."""
        ...

    def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        """RFC822.SIZE of each UID that still exists."""
        ...

    def fetch(self, uids: Sequence[int], sizes: dict[int, int] | None = None) -> dict[int, bytes]:
        """The whole message of each UID that still exists, without setting \\Seen; with the
        *sizes* :meth:`sizes` returned, a message may not be (much) larger than declared."""
        ...

    def move(self, uids: Sequence[int], folder: str) -> None:
        """Move exactly *uids* to *folder*, which must exist."""
        ...

    def delete(self, uids: Sequence[int]) -> None:
        """Delete exactly *uids*."""
        ...

    def ensure_folder(self, folder: str) -> None:
        """Create *folder* (and its parents, as the server does) unless it exists."""
        ...

    def folders(self) -> list[str]: ...

    def count(self, folder: str) -> int:
        """Number of messages in *folder* (STATUS MESSAGES)."""
        ...

    def wait_for_change(self, timeout: float, should_stop: Callable[[], bool]) -> bool:
        """IDLE on the selected folder up to *timeout* seconds; True if mail arrived.

        *should_stop* is asked about once a second and ends the wait early.
        """
        ...

    def close(self) -> None: ...


@contextmanager
def translated(endpoint: Endpoint, doing: str) -> Iterator[None]:
    """Turn imapclient, ssl and socket errors into :class:`MailboxError` subclasses."""
    try:
        yield
    except ssl.SSLCertVerificationError as exc:
        reason = exc.verify_message or exc.reason or "verification failed"
        raise TLSVerificationFailed(
            f"{endpoint}: TLS certificate not trusted ({reason}); "
            "if the server uses a private CA, name it in ca_file"
        ) from exc
    except WireStopped as exc:
        raise MailboxStopped(f"{endpoint}: {exc} while {doing}") from exc
    except WireSilent as exc:
        raise MailboxUnavailable(f"{endpoint}: timed out while {doing} ({exc})") from exc
    except WireTimeout as exc:
        raise MailboxAnomaly(f"{endpoint}: {exc} while {doing}") from exc
    except WireError as exc:
        raise MailboxAnomaly(f"{endpoint}: server sent {exc} while {doing}") from exc
    except LoginError as exc:
        raise LoginRefused(f"{endpoint}: login refused: {_server_text(exc)}") from exc
    except TimeoutError as exc:
        raise MailboxUnavailable(f"{endpoint}: timed out while {doing}") from exc
    except (IMAPClientAbortError, OSError, EOFError) as exc:
        detail = _server_text(exc) or type(exc).__name__
        raise MailboxUnavailable(f"{endpoint}: connection lost while {doing}: {detail}") from exc
    except IMAPClientError as exc:
        raise MailboxError(f"{endpoint}: {doing} refused: {_server_text(exc)}") from exc


def _server_text(exc: BaseException) -> str:
    text = str(exc)
    if text.startswith(("b'", 'b"')):
        text = text[2:-1]
    return quote(text, 160) if text else ""


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """System trust anchors plus *ca_file*; hostname checked; TLS 1.2 or newer."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    return context


def has_folder(folders: Sequence[str], name: str) -> bool:
    """Whether *name* is among the server's *folders*: INBOX in any case (RFC 3501 §5.1 makes
    it case-insensitive), any other name exactly as the server lists it."""
    if name.upper() == "INBOX":
        return any(folder.upper() == "INBOX" for folder in folders)
    return name in folders


def missing_folder(
    endpoint: Endpoint | str, name: str, folders: Sequence[str]
) -> MailboxMisconfigured:
    """The error for a folder to poll that does not exist, naming (some of) those that do."""
    listed = sorted(folders)
    shown = ", ".join(quote(folder, 60) for folder in listed[:FOLDERS_LISTED])
    if len(listed) > FOLDERS_LISTED:
        shown += f" and {len(listed) - FOLDERS_LISTED} more"
    return MailboxMisconfigured(
        f"{endpoint}: folder {quote(name)} does not exist; the server has {shown or 'no folders'}"
    )


@contextmanager
def _port_mismatch_explained(endpoint: Endpoint) -> Iterator[None]:
    """Silence on a plain connection, or plain text in reply to a TLS handshake, usually means
    the other kind of port: probe it, and say which setting fits."""
    try:
        yield
    except TimeoutError as exc:
        tls_port = endpoint.security != "tls" and speaks_tls(
            endpoint.host, endpoint.port, GREETING_TIMEOUT_S
        )
        if not tls_port:
            raise
        raise MailboxMisconfigured(
            f"{endpoint}: port {endpoint.port} speaks implicit TLS: "
            'set security = "tls" (or port = 143 for STARTTLS)'
        ) from exc
    except ssl.SSLError as exc:
        if endpoint.security != "tls" or exc.reason not in _NOT_TLS:
            raise
        plain = greets_in_plain_text(endpoint.host, endpoint.port, GREETING_TIMEOUT_S)
        kind = "speaks plain IMAP" if plain else "does not speak TLS"
        raise MailboxMisconfigured(
            f"{endpoint}: port {endpoint.port} {kind}: "
            'set security = "starttls" (or port = 993 for implicit TLS)'
        ) from exc


def connect(
    endpoint: Endpoint, auth: Auth, should_stop: Callable[[], bool] | None = None
) -> ImapMailbox:
    """Open a protected connection to *endpoint* and log in; the caller closes it.

    Reads after the greeting are budgeted (:mod:`ingest.imapwire`); *should_stop* is asked
    about once a second while waiting for the server, and True ends the wait.
    """
    context = tls_context(endpoint.ca_file) if endpoint.security != "plain" else None
    greeting = min(endpoint.timeout, GREETING_TIMEOUT_S)
    timeout = SocketTimeout(connect=greeting, read=endpoint.timeout)
    greeting_budget = Budget(ANSWER_BYTES, FETCH_SLACK, COMMAND_TIMEOUTS * greeting)
    with translated(endpoint, "connecting"), _port_mismatch_explained(endpoint):
        client = _WiredClient(
            endpoint.host,
            port=endpoint.port,
            ssl=endpoint.security == "tls",
            ssl_context=context,
            timeout=timeout,
            wire=functools.partial(Wire, idle=greeting, default=greeting_budget),
        )
    mailbox = ImapMailbox(client, endpoint, should_stop)
    try:
        if endpoint.security == "starttls":
            mailbox.starttls(context)
        mailbox.login(auth)
    except BaseException:
        mailbox.close()
        raise
    return mailbox


class _WiredClient(IMAPClient):  # type: ignore[misc]
    """An IMAPClient whose connection reads through a :class:`Wire` from the greeting on: a
    server trickling its greeting is cut off like one trickling any answer."""

    def __init__(self, *args: Any, wire: Callable[[Any], Wire], **kwargs: Any) -> None:
        self._wire_factory = wire
        super().__init__(*args, **kwargs)

    def _create_IMAP4(self) -> Any:  # noqa: N802 - imapclient's name
        """imapclient's own choice of class (stream connections are not used here)."""
        connect = getattr(self._timeout, "connect", None)
        if self.ssl:
            return _WiredTls(self._wire_factory, self.host, self.port, self.ssl_context, connect)
        return _WiredPlain(self._wire_factory, self.host, self.port, connect)


class _WiredPlain(imap4.IMAP4WithTimeout):  # type: ignore[misc]
    def __init__(self, wire: Callable[[Any], Wire], *args: Any) -> None:
        self._wire_factory = wire
        super().__init__(*args)

    def open(self, *args: Any, **kwargs: Any) -> None:
        super().open(*args, **kwargs)
        self.wire = self._wire_factory(self)


class _WiredTls(tls.IMAP4_TLS):  # type: ignore[misc]
    def __init__(self, wire: Callable[[Any], Wire], *args: Any) -> None:
        self._wire_factory = wire
        super().__init__(*args)

    def open(self, *args: Any, **kwargs: Any) -> None:
        super().open(*args, **kwargs)
        self.wire = self._wire_factory(self)


class ImapMailbox:
    """:class:`Mailbox` over a logged-in :class:`imapclient.IMAPClient`."""

    def __init__(
        self,
        client: IMAPClient,
        endpoint: Endpoint,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.client = client
        self.endpoint = endpoint
        self._uidnext = 0
        self.command_seconds = COMMAND_TIMEOUTS * endpoint.timeout
        default = Budget(ANSWER_BYTES, ANSWER_BYTES, self.command_seconds)
        wired = getattr(client._imap, "wire", None)
        if isinstance(wired, Wire):  # read the greeting already
            wired.configure(endpoint.timeout, default, should_stop)
            self.wire = wired
        else:
            self.wire = Wire(client._imap, endpoint.timeout, default, should_stop)

    def _call(
        self, doing: str, func: Callable[..., Any], *args: Any, budget: Budget | None = None
    ) -> Any:
        self.wire.begin(budget)
        with translated(self.endpoint, doing):
            return func(*args)

    def _anomaly(self, what: str) -> MailboxAnomaly:
        return MailboxAnomaly(f"{self.endpoint}: server sent {what}")

    def _number(self, value: object, what: str) -> int:
        """*value* as a UID or UIDVALIDITY: a number from 1 to 2**32-1, else an anomaly."""
        number = value if isinstance(value, int) else 0
        if not 1 <= number <= MAX_NUMBER:
            raise self._anomaly(f"an invalid {what} ({quote(str(value), 40)})")
        return number

    def capabilities(self) -> frozenset[str]:
        caps = self._call("asking for capabilities", self.client.capabilities)
        return frozenset(c.decode("ascii", "replace").upper() for c in caps)

    def starttls(self, context: ssl.SSLContext | None) -> None:
        if "STARTTLS" not in self.capabilities():
            raise MailboxError(f"{self.endpoint}: server does not offer STARTTLS")
        self._call("starting TLS", self.client.starttls, context)

    def login(self, auth: Auth) -> None:
        if isinstance(auth, PasswordAuth):
            self._call("logging in", self.client.login, auth.username, auth.password)
            return
        mechanism = self._mechanism(auth.mechanism)
        token = auth.token()
        if mechanism == "oauthbearer":
            self._call("logging in", self.client.oauthbearer_login, auth.username, token)
        else:
            self._call("logging in", self.client.oauth2_login, auth.username, token)

    def _mechanism(self, wanted: Mechanism) -> Mechanism:
        caps = self.capabilities()
        offered = [m for m in ("oauthbearer", "xoauth2") if f"AUTH={m.upper()}" in caps]
        if wanted == "auto" and offered:
            return offered[0]  # type: ignore[return-value]
        if wanted in offered:
            return wanted
        raise LoginRefused(f"{self.endpoint}: server does not offer SASL {wanted.upper()}")

    def select(self, folder: str) -> int:
        """SELECT *folder*; a refusal because it does not exist is :class:`MailboxMisconfigured`."""
        try:
            info = self._call(f"selecting {quote(folder)}", self.client.select_folder, folder)
        except (MailboxUnavailable, MailboxAnomaly, MailboxStopped):
            raise
        except MailboxError as exc:
            folders = self.folders()
            if not has_folder(folders, folder):
                raise missing_folder(self.endpoint, folder, folders) from exc
            raise
        if b"UIDVALIDITY" not in info:
            raise self._anomaly(f"no UIDVALIDITY for {quote(folder)}")
        uidnext = info.get(b"UIDNEXT")
        self._uidnext = 0 if uidnext is None else self._number(uidnext, "UIDNEXT")
        return self._number(info[b"UIDVALIDITY"], "UIDVALIDITY")

    def uidnext(self) -> int:
        return self._uidnext

    def uids(self, since: date | None = None) -> list[int]:
        """UID SEARCH; messages flagged \\Deleted (by us without UIDPLUS, or a person) are
        left out, so they are never copied twice."""
        criteria: list[Any] = ["NOT", "DELETED"] + (["SINCE", since] if since else [])
        found = self._call("searching", self.client.search, criteria)
        return sorted({self._number(u, "UID") for u in found})

    def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        """RFC822.SIZE of each of *uids* the server still has (answers for others ignored)."""
        data = self._call("reading sizes", self.client.fetch, list(uids), ["RFC822.SIZE"])
        wanted = set(uids)
        sizes: dict[int, int] = {}
        for uid, item in data.items():
            if uid not in wanted or b"RFC822.SIZE" not in item:
                continue
            size = item[b"RFC822.SIZE"]
            if not isinstance(size, int) or not 0 <= size < 2**63:
                raise self._anomaly(f"an invalid RFC822.SIZE for UID {uid} ({quote(str(size))})")
            sizes[uid] = size
        return sizes

    def fetch(self, uids: Sequence[int], sizes: dict[int, int] | None = None) -> dict[int, bytes]:
        """The messages *uids*; with their declared *sizes*, the answer may hold no literal
        larger than the largest of them and no more bytes than their sum (plus a little)."""
        budget = None
        if sizes:
            declared = [sizes[u] for u in uids if u in sizes]
            budget = Budget(
                bytes=sum(declared) + FETCH_SLACK * (len(declared) + 1),
                literal=max(declared, default=0) + FETCH_SLACK,
                seconds=self.command_seconds,
            )
        data = self._call(
            "fetching messages", self.client.fetch, list(uids), ["BODY.PEEK[]"], budget=budget
        )
        wanted = set(uids)
        bodies = {
            uid: bytes(item[b"BODY[]"])
            for uid, item in data.items()
            if uid in wanted and b"BODY[]" in item
        }
        answers = self.wire.body_answers
        if answers > sum(1 for item in data.values() if b"BODY[]" in item):
            raise self._anomaly(
                f"{answers} message bodies where {len(bodies)} were due (a duplicated FETCH)"
            )
        for uid, body in bodies.items():
            if sizes and uid in sizes and len(body) > sizes[uid] + FETCH_SLACK:
                raise self._anomaly(
                    f"{len(body)} bytes for UID {uid}, declared as {sizes[uid]} bytes"
                )
        return bodies

    def move(self, uids: Sequence[int], folder: str) -> None:
        """MOVE (RFC 6851) if offered, else COPY, \\Deleted and UID EXPUNGE of exactly *uids*."""
        if "MOVE" in self.capabilities():
            self._call(f"moving to {quote(folder)}", self.client.move, list(uids), folder)
            return
        self._call(f"copying to {quote(folder)}", self.client.copy, list(uids), folder)
        self.delete(uids)

    def delete(self, uids: Sequence[int]) -> None:
        """Flag \\Deleted and expunge exactly *uids* (UIDPLUS, RFC 4315 §2.1).

        Without UIDPLUS a plain EXPUNGE would also remove messages someone else flagged, so
        the messages are only flagged and the expunge is left to the mail client.
        """
        self._call("flagging \\Deleted", self.client.add_flags, list(uids), [DELETED], True)
        if "UIDPLUS" in self.capabilities():
            self._call("expunging", self.client.uid_expunge, list(uids))

    def ensure_folder(self, folder: str) -> None:
        if not self._call("listing folders", self.client.folder_exists, folder):
            self._call(f"creating {quote(folder)}", self.client.create_folder, folder)

    def folders(self) -> list[str]:
        listing = self._call("listing folders", self.client.list_folders)
        return [str(name) for _flags, _delimiter, name in listing]

    def count(self, folder: str) -> int:
        status = self._call(f"reading {quote(folder)}", self.client.folder_status, folder)
        return int(status[b"MESSAGES"])

    def wait_for_change(self, timeout: float, should_stop: Callable[[], bool]) -> bool:
        """IDLE (RFC 2177), at most 29 minutes at a time as its section 3 asks."""
        deadline = time.monotonic() + min(timeout, IDLE_MAX_SECONDS)
        changed = False
        self._call("starting IDLE", self.client.idle)
        try:
            while not changed and not should_stop():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                responses = self._call("idling", self.client.idle_check, min(left, 1.0))
                changed = any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses)
        finally:
            self._call("ending IDLE", self.client.idle_done)
        return changed

    def close(self) -> None:
        if self.wire.spent:  # a broken budget leaves the connection mid-answer: just drop it
            with suppress(IMAPClientError, OSError):
                self.client.shutdown()
            return
        try:
            self.client.logout()
        except (IMAPClientError, OSError, EOFError, WireError):
            with suppress(IMAPClientError, OSError):
                self.client.shutdown()
