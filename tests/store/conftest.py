"""Fixtures for the store tests: an open store on each backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dmarcwatch.ingest.store import Store


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An empty store, once on SQLite and once on PostgreSQL."""
    with Store.open(store_url) as opened:
        yield opened
