"""Replay step: a DMARC record changes between two ``check`` runs (recorded in the store),
and ``alert`` tells the ``dns-changed`` finding once."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from pathlib import Path

from dmarcwatch.cli import main
from tests.alert.replay_data import write_day
from tests.servers.dns import start_dns_server

CHANGED = "dns-changed"
DOMAIN = "praxis-alpha.ch"


def _alert(db: str, config: Path, when: dt.date) -> list[dict[str, object]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert (
            main(["alert", "--db", db, "--config", str(config), "--as-of", str(when), "--json"])
            == 0
        )
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_changed_dmarc_record_is_told_once(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    with start_dns_server() as dns:
        dns.add_txt(f"_dmarc.{DOMAIN}", "v=DMARC1; p=none; rua=mailto:dmarc@praxis-alpha.ch")
        for n in range(3):
            assert main(["import", "--quiet", "--db", db, str(write_day(tmp_path / "in", n))]) == 0
        check = ["check", DOMAIN, "--db", db, "--nameserver", dns.nameserver]
        with contextlib.redirect_stdout(io.StringIO()):
            main(check)
        # check records its runs now: alert as of today sees them (an earlier day would not)
        today = dt.datetime.now(dt.UTC).date()
        _alert(db, config, today)
        # the test server only adds records: a second DMARC record changes the answer's text
        dns.add_txt(f"_dmarc.{DOMAIN}", "v=DMARC1; p=quarantine; rua=mailto:dmarc@praxis-alpha.ch")
        with contextlib.redirect_stdout(io.StringIO()):
            main(check)
        changed = [e for e in _alert(db, config, today) if e["code"] == CHANGED]
        assert [e["event"] for e in changed] == ["opened"]
        assert not [e for e in _alert(db, config, today) if e["code"] == CHANGED]
