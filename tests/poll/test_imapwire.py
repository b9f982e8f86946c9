"""The budgeted reader under imaplib (:mod:`ingest.imapwire`), over real socket pairs."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from dmarcwatch.ingest.imapwire import (
    Budget,
    Wire,
    WireOverflow,
    WireSpent,
    WireStopped,
    WireTimeout,
)

ROOMY = Budget(bytes=1 << 20, literal=1 << 16, seconds=30)


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, theirs = socket.socketpair()
    ours.settimeout(5)
    yield ours, theirs
    ours.close()
    theirs.close()


def wire(sock: socket.socket, budget: Budget = ROOMY, idle: float = 5, **kw: object) -> Wire:
    return Wire(SimpleNamespace(sock=sock), idle, budget, **kw)  # type: ignore[arg-type]


def test_lines_and_literals_are_read_as_imaplib_expects(pair) -> None:
    ours, theirs = pair
    w = wire(ours)
    theirs.sendall(b"* 1 FETCH (UID 7 BODY[] {5}\r\nhello)\r\nA1 OK done\r\n")
    assert w.readline() == b"* 1 FETCH (UID 7 BODY[] {5}\r\n"
    assert w.read(5) == b"hello"
    assert w.readline() == b")\r\n"
    assert w.readline() == b"A1 OK done\r\n"
    assert w.body_answers == 1


def test_a_literal_over_the_bound_is_refused_before_it_is_read(pair) -> None:
    ours, _ = pair
    w = wire(ours, Budget(bytes=1 << 20, literal=2000, seconds=30))
    with pytest.raises(WireOverflow, match="400000000"):
        w.read(400_000_000)
    with pytest.raises(WireSpent):  # the connection is spent afterwards
        w.readline()


def test_an_answer_over_the_byte_budget_is_cut(pair) -> None:
    ours, theirs = pair
    w = wire(ours, Budget(bytes=10_000, literal=100, seconds=30))
    theirs.sendall(b"* OK " + b"x" * 20_000 + b"\r\n")
    with pytest.raises(WireOverflow, match="larger than 10000 bytes"):
        w.readline()


def test_a_trickling_server_is_cut_at_the_deadline(pair) -> None:
    ours, theirs = pair
    stop = threading.Event()

    def trickle() -> None:
        while not stop.is_set():
            theirs.sendall(b"*")
            time.sleep(0.1)

    threading.Thread(target=trickle, daemon=True).start()
    w = wire(ours, Budget(bytes=1 << 20, literal=100, seconds=1.5), idle=1)
    started = time.monotonic()
    try:
        with pytest.raises(WireTimeout, match="longer than 1.5 s"):
            w.readline()
    finally:
        stop.set()
    assert time.monotonic() - started < 3


def test_a_silent_server_is_cut_at_the_idle_timeout(pair) -> None:
    ours, _ = pair
    w = wire(ours, idle=0.5)
    with pytest.raises(WireTimeout, match="silent for 0.5 s"):
        w.readline()


def test_a_stop_request_ends_a_wait_on_a_silent_server(pair) -> None:
    ours, _ = pair
    stop = threading.Event()
    w = wire(ours, idle=30, should_stop=stop.is_set)
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    with pytest.raises(WireStopped):
        w.readline()
    assert time.monotonic() - started < 2.5


def test_plain_text_buffered_before_starttls_is_dropped(pair) -> None:
    ours, theirs = pair
    imap = SimpleNamespace(sock=ours)
    w = Wire(imap, 5, ROOMY)
    theirs.sendall(b"A1 OK begin TLS\r\n* OK injected before the handshake\r\n")
    assert w.readline() == b"A1 OK begin TLS\r\n"
    tls_ours, tls_theirs = socket.socketpair()  # stands in for the wrapped socket
    with tls_ours, tls_theirs:
        tls_ours.settimeout(5)
        imap.sock = tls_ours
        tls_theirs.sendall(b"* OK after\r\n")
        assert w.readline() == b"* OK after\r\n"
