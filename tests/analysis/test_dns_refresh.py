"""SPF expansion and reverse DNS against a real DNS server on loopback."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dmarcwatch.analysis import rdns
from dmarcwatch.analysis.catalogue import load_catalogue, parse_catalogue
from dmarcwatch.analysis.dns.resolver import Resolver, ResolverConfig, parse_nameserver
from dmarcwatch.analysis.read import Reader
from dmarcwatch.analysis.refresh import expand, refresh_networks
from dmarcwatch.cli import main
from dmarcwatch.ingest.store import Store

pytestmark = pytest.mark.dns


@pytest.fixture
def resolver(dns_server):
    return Resolver(config(dns_server))


def config(dns_server, deadline=10.0):
    servers = (parse_nameserver(dns_server.nameserver),)
    return ResolverConfig(nameservers=servers, timeout=2.0, deadline=deadline)


def test_spf_expansion_follows_includes_and_redirects(dns_server, resolver):
    dns_server.add_txt(
        "sg.refresh-a.test", "v=spf1 ip4:192.0.2.0/24 include:ab.refresh-a.test ~all"
    )
    dns_server.add_txt("ab.refresh-a.test", "v=spf1 ip6:2001:db8:a::/48 redirect=r.refresh-a.test")
    dns_server.add_txt("r.refresh-a.test", "v=spf1 ip4:198.51.100.0/25 a -all")
    dns_server.add("r.refresh-a.test. A 203.0.113.5")
    found = expand(resolver, "sg.refresh-a.test")
    assert sorted(found.cidrs) == sorted(
        ["192.0.2.0/24", "2001:db8:a::/48", "198.51.100.0/25", "203.0.113.5/32"]
    )
    assert not found.problems


def test_spf_loops_and_missing_records_are_problems_not_crashes(dns_server, resolver):
    dns_server.add_txt("loop.refresh-b.test", "v=spf1 include:loop.refresh-b.test -all")
    dns_server.add_txt("two.refresh-b.test", "v=spf1 -all", "v=spf1 +all")
    assert expand(resolver, "loop.refresh-b.test").problems
    assert "no usable SPF record" in expand(resolver, "two.refresh-b.test").problems[0]
    dns_server.fail("broken.refresh-b.test")
    assert "DNS failure" in expand(resolver, "broken.refresh-b.test").problems[0]


def test_spf_expansion_stops_where_receivers_stop_at_ten_lookups(dns_server, resolver):
    for i in range(1, 12):
        dns_server.add_txt(f"l{i}.refresh-d.test", f"v=spf1 ip4:192.0.2.{i} -all")
    terms = " ".join(f"include:l{i}.refresh-d.test" for i in range(1, 12))
    dns_server.add_txt("spf.refresh-d.test", f"v=spf1 {terms} -all")
    found = expand(resolver, "spf.refresh-d.test")
    assert found.cidrs == [f"192.0.2.{i}/32" for i in range(1, 11)]
    assert found.problems == [
        "spf.refresh-d.test: more than 10 DNS look-ups"
        " (receivers stop at spf.refresh-d.test: include:l11.refresh-d.test)"
    ]


def test_refresh_keeps_senders_whose_expansion_failed_out_of_the_snapshot(dns_server, resolver):
    dns_server.add_txt("spf.refresh-c.test", "v=spf1 ip4:192.0.2.128/25 -all")
    catalogue = parse_catalogue(
        {
            "schema": 1,
            "senders": [
                {"id": "ok", "name": "OK", "kind": "esp", "spf": ["spf.refresh-c.test"]},
                {"id": "gone", "name": "Gone", "kind": "esp", "spf": ["nothing.refresh-c.test"]},
            ],
        }
    )
    networks, problems = refresh_networks(catalogue, resolver)
    assert networks == {"ok": ["192.0.2.128/25"]}
    assert any(p.startswith("gone:") for p in problems)


def test_senders_update_saves_a_snapshot_the_analysis_then_uses(
    dns_server, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    # Serve SendGrid's SPF name with a made-up network: the snapshot must win over the bundle.
    dns_server.add_txt("sendgrid.net", "v=spf1 ip4:192.0.2.0/24 ~all")
    code = main(["senders", "update", "--nameserver", dns_server.nameserver, "--timeout", "1"])
    out = capsys.readouterr().out
    assert code == 0
    snapshot = tmp_path / "data" / "dmarcwatch" / "sender-networks.json"
    assert json.loads(snapshot.read_text())["networks"]["sendgrid"] == ["192.0.2.0/24"]
    assert "saved" in out
    catalogue = load_catalogue(snapshot=snapshot)
    assert catalogue.ranges.lookup(["192.0.2.7", "167.89.1.1"]).tolist() == ["sendgrid", None]


def test_reverse_dns_is_cached_in_the_store_with_its_age(dns_server, resolver, tmp_path):
    dns_server.add("5.113.0.203.in-addr.arpa. PTR smtp-1a.mail.infomaniak.ch.")
    dns_server.add("smtp-1a.mail.infomaniak.ch. A 203.0.113.5")
    names = rdns.lookup(resolver, ["203.0.113.5", "203.0.113.6", "not-an-ip"])
    assert names == {
        "203.0.113.5": rdns.Pointer("smtp-1a.mail.infomaniak.ch", confirmed=True),
        "203.0.113.6": rdns.Pointer(None, confirmed=None),
    }
    now = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
    with Store.open(str(tmp_path / "s.db")) as store:
        rdns.save(store.engine, names, now)
        rdns.save(store.engine, {"203.0.113.5": names["203.0.113.5"]}, now)
        reader = Reader(store.engine)
        assert reader.rdns_names(["203.0.113.5", "203.0.113.6"]) == {
            "203.0.113.5": "smtp-1a.mail.infomaniak.ch"
        }
        assert reader.rdns_resolved_after(["203.0.113.5"], now - rdns.MAX_AGE) == {"203.0.113.5"}
        later = now + rdns.MAX_AGE + dt.timedelta(days=1)
        assert reader.rdns_resolved_after(["203.0.113.5"], later - rdns.MAX_AGE) == set()


def test_a_name_whose_addresses_do_not_hold_the_ip_is_not_confirmed(dns_server, resolver):
    # Whoever controls the reverse zone of an address can claim any name: only a name that
    # points back (A/AAAA) is confirmed.
    dns_server.add("8.113.0.203.in-addr.arpa. PTR mail.google.com.")
    dns_server.add("mail.google.com. A 198.51.100.1")
    dns_server.add("9.113.0.203.in-addr.arpa. PTR mx.praxis-confirm.ch.")
    dns_server.add("mx.praxis-confirm.ch. A 203.0.113.9")
    v6_pointer = "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."
    dns_server.add(f"{v6_pointer} PTR v6.praxis-confirm.ch.")
    dns_server.add("v6.praxis-confirm.ch. AAAA 2001:db8::")
    names = rdns.lookup(resolver, ["203.0.113.8", "203.0.113.9", "2001:db8::"])
    assert names["203.0.113.8"] == rdns.Pointer("mail.google.com", confirmed=False)
    assert names["203.0.113.9"] == rdns.Pointer("mx.praxis-confirm.ch", confirmed=True)
    assert names["2001:db8::"] == rdns.Pointer("v6.praxis-confirm.ch", confirmed=True)


def test_lookups_stop_at_the_deadline(dns_server):
    names = rdns.lookup(Resolver(config(dns_server, deadline=0)), ["203.0.113.9"] * 50)
    assert names == {}


def test_senders_rdns_names_a_source_by_its_reverse_dns(dns_server, tmp_path, monkeypatch, capsys):
    from tests.ingest.reportxml import Report, Row

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    dns_server.add("77.100.51.198.in-addr.arpa. PTR asmtp-3.mail.hostpoint.ch.")
    dns_server.add("asmtp-3.mail.hostpoint.ch. A 198.51.100.77")
    row = Row(
        ip="198.51.100.77",
        header_from="praxis-rdns.ch",
        envelope_from="praxis-rdns.ch",
        dkim_results=[],
        spf_results=[("praxis-rdns.ch", "mfrom", "pass")],
    )
    db = str(tmp_path / "s.db")
    with Store.open(db) as store:
        from dmarcwatch.ingest.pipeline import import_input

        import_input(store, "r.xml", Report(domain="praxis-rdns.ch", rows=[row]).xml().encode())
    main(["senders", "--db", db, "--json"])
    assert json.loads(capsys.readouterr().out)[0]["sender_id"] == "unknown"
    main(["senders", "--db", db, "--json", "--rdns", "--nameserver", dns_server.nameserver])
    assert json.loads(capsys.readouterr().out)[0]["sender_id"] == "hostpoint"
    main(["senders", "--db", db, "--json", "--ips"])
    (source,) = json.loads(capsys.readouterr().out)
    assert (source["ptr"], source["ptr_confirmed"]) == ("asmtp-3.mail.hostpoint.ch", True)


def test_a_reverse_name_that_does_not_point_back_names_no_sender(
    dns_server, tmp_path, monkeypatch, capsys
):
    # A forged PTR (the attacker controls the reverse zone of their own address) claims a
    # Swiss provider's name; without A records pointing back it must not make the source known.
    from tests.ingest.reportxml import Report, Row

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    dns_server.add("78.100.51.198.in-addr.arpa. PTR asmtp-9.mail.hostpoint.ch.")
    row = Row(
        ip="198.51.100.78",
        header_from="praxis-forged.ch",
        envelope_from="praxis-forged.ch",
        dkim_results=[],
        spf_results=[("praxis-forged.ch", "mfrom", "fail")],
    )
    db = str(tmp_path / "s.db")
    with Store.open(db) as store:
        from dmarcwatch.ingest.pipeline import import_input

        import_input(store, "r.xml", Report(domain="praxis-forged.ch", rows=[row]).xml().encode())
    main(["senders", "--db", db, "--json", "--rdns", "--nameserver", dns_server.nameserver])
    assert json.loads(capsys.readouterr().out)[0]["sender_id"] == "unknown"
    main(["senders", "--db", db, "--ips"])
    assert "asmtp-9.mail.hostpoint.ch (unconfirmed)" in capsys.readouterr().out


def test_senders_update_offline_keeps_the_bundle_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    code = main(["senders", "update", "--nameserver", "127.0.0.1:9", "--timeout", "0.3"])
    err = capsys.readouterr().err
    assert code == 75
    assert "bundled networks stay in use" in err
    assert not (tmp_path / "data" / "dmarcwatch" / "sender-networks.json").exists()
