"""The store URLs people paste: what hosting panels print means the same as the documented form."""

from __future__ import annotations

import pytest

from dmarcwatch.ingest.database import parse_url


@pytest.mark.parametrize(
    "url",
    [
        "postgres://dmarc@db.example:5432/dmarc",
        "postgresql://dmarc@db.example:5432/dmarc",
        "postgresql+psycopg://dmarc@db.example:5432/dmarc",
    ],
)
def test_postgres_urls_use_psycopg(url: str) -> None:
    parsed = parse_url(url)
    assert (parsed.drivername, parsed.host, parsed.database) == (
        "postgresql+psycopg",
        "db.example",
        "dmarc",
    )
