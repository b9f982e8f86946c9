"""The in-memory mailbox the poll tests use offers exactly what the poller may call."""

from __future__ import annotations

import inspect
from pathlib import Path

from dmarcwatch.ingest.mailbox import Mailbox
from tests.fakes.mailbox import MemoryMailbox


def _operations(cls: type) -> dict[str, list[str]]:
    return {
        name: list(inspect.signature(member).parameters)
        for name, member in vars(cls).items()
        if callable(member) and not name.startswith("_")
    }


def test_fake_has_every_operation_of_the_interface_with_its_parameters() -> None:
    fake = {name: list(inspect.signature(getattr(MemoryMailbox, name)).parameters)
            for name in _operations(Mailbox)}  # fmt: skip
    assert fake == _operations(Mailbox)


def test_no_product_module_refers_to_the_test_fakes() -> None:
    root = Path(__file__).resolve().parents[2]
    sources = [p for top in ("dmarcwatch", "ingest", "analysis", "reports")
               for p in (root / top).rglob("*.py") if not p.is_symlink()]  # fmt: skip
    assert len(sources) > 50
    assert [p for p in sources if "MemoryMailbox" in p.read_text(encoding="utf-8")] == []
    assert [p for p in sources if "tests.fakes" in p.read_text(encoding="utf-8")] == []
