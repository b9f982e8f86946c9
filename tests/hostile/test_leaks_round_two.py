"""Smaller leaks of issue 19, item 11: a source IP with an IPv6 zone index, and a file name
that is not UTF-8; each used to end a whole command with exit 70."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from dmarcwatch.cli import main
from dmarcwatch.ingest import schema
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store
from tests.ingest.reportxml import Report, Row
from tests.servers.dns import DnsTestServer


def _report(report_id: str, *ips: str) -> bytes:
    begin = int(time.time()) - 3 * 86400
    rows = [Row(ip=ip) for ip in ips]
    return (
        Report(report_id=report_id, begin=str(begin), end=str(begin + 86399), rows=rows)
        .xml()
        .encode()
    )


def test_a_zone_index_is_dropped_from_the_source_ip_with_a_warning(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "s.db")) as store:
        outcome = import_input(store, "zone.xml", _report("z1", "fe80::1%eth0"))
        assert not outcome.rejected
        with store.engine.connect() as conn:
            stored = conn.scalars(sa.select(schema.records.c.source_ip)).all()
    assert stored == ["fe80::1"]


def test_parse_names_the_zone_index_in_a_warning(tmp_path: Path, capsys) -> None:
    path = tmp_path / "zone.xml"
    path.write_bytes(_report("z2", "fe80::1%eth0"))
    assert main(["parse", str(path)]) == 0
    out = capsys.readouterr().out
    assert "has a zone index; stored as fe80::1" in out


@pytest.mark.dns
def test_reverse_dns_skips_an_odd_stored_address(
    tmp_path: Path, dns_server: DnsTestServer, capsys
) -> None:
    db = tmp_path / "s.db"
    with Store.open(str(db)) as store:
        assert not import_input(store, "r.xml", _report("z3", "fe80::1", "192.0.2.77")).rejected
        with store.engine.begin() as conn:  # a store written before the fix kept the zone
            for table in (schema.records, schema.record_groups):
                conn.execute(
                    sa.update(table)
                    .where(table.c.source_ip == "fe80::1")
                    .values(source_ip="fe80::1%eth0")
                )
    dns = dns_server
    dns.add("77.2.0.192.in-addr.arpa. 60 IN PTR mail.example.net.\n")
    argv = ["senders", "--db", str(db), "--rdns", "--nameserver", dns.nameserver]
    assert main([*argv, "--since", "30d"]) == 0
    assert "SendGrid" in capsys.readouterr().out
    with Store.open(str(db)) as store, store.engine.connect() as conn:
        rows = conn.execute(sa.select(schema.rdns_cache.c.ip, schema.rdns_cache.c.name))
        cached = {str(row[0]): row[1] for row in rows}
    assert cached == {"192.0.2.77": "mail.example.net"}


def test_a_file_name_that_is_not_utf8_is_imported_and_shown_escaped(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.xml").write_bytes(_report("u1", "192.0.2.1"))
    odd = os.path.join(os.fsencode(folder), b"r\xff\x1b[2J.xml")
    with open(odd, "wb") as out:
        out.write(_report("u2", "192.0.2.2"))
    with open(os.path.join(os.fsencode(folder), b"s\xfe.xml"), "wb") as out:
        out.write(b"<feedback>broken")
    (folder / "z.xml").write_bytes(_report("u3", "192.0.2.3"))

    code = main(["import", "--db", str(tmp_path / "s.db"), str(folder)])
    captured = capsys.readouterr()
    assert code == 65, captured.err  # the broken one is rejected; the rest are stored
    assert "3 reports stored" in captured.out + captured.err
    assert "s\\\\xfe.xml" in captured.err or "s\\xfe.xml" in captured.err
    assert "\x1b" not in captured.err and "\udcfe" not in captured.err
