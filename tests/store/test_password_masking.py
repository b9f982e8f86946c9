"""Passwords in store error messages: the URL's password field is masked, nothing else."""

from __future__ import annotations

import socket

import pytest

from dmarcwatch.ingest.database import mask_text, one_line
from dmarcwatch.ingest.errors import StoreUnavailable
from dmarcwatch.ingest.store import Store


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_a_one_letter_password_leaves_the_rest_of_the_message_alone() -> None:
    pytest.importorskip("psycopg")
    port = _closed_port()
    with pytest.raises(StoreUnavailable) as unavailable:
        Store.open(f"postgresql://dmarc:p@127.0.0.1:{port}/dmarc")
    message = str(unavailable.value)
    assert f"port {port} failed" in message
    assert "dmarc:***@127.0.0.1" in message and "***ort" not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'invalid URI "postgresql://dmarc:pw@db/x": port 1',
            'invalid URI "postgresql://dmarc:***@db/x": port 1',
        ),
        ("dmarc:s3cret@db.example.ch refused", "dmarc:***@db.example.ch refused"),
        ("host=db password=s3cret user=dmarc", "host=db password=*** user=dmarc"),
        ("password 'p' on port 5432", "password 'p' on port 5432"),
    ],
)
def test_driver_text_has_url_passwords_masked(text: str, expected: str) -> None:
    assert one_line(RuntimeError(text)) == expected


def test_masking_an_unparsable_url_keeps_user_and_host() -> None:
    assert mask_text("postgresql://dmarc:s3c@ret@db/x") == "postgresql://dmarc:***@db/x"
    assert mask_text("no url at all: p") == "no url at all: p"
