import json

import pytest

from dmarcwatch.analysis.catalogue import (
    BUNDLED,
    CatalogueError,
    load_catalogue,
    parse_catalogue,
    snapshot_json,
)

REQUIRED = {
    "sendgrid",
    "microsoft365",
    "google",
    "infomaniak",
    "hostpoint",
    "swisscom",
    "hin",
    "mailchimp",
    "mandrill",
    "brevo",
    "amazonses",
}


def test_bundled_catalogue_has_the_senders_the_practices_meet():
    catalogue = load_catalogue()
    assert set(catalogue.by_id) >= REQUIRED


def test_every_fact_of_the_bundled_catalogue_names_its_source():
    catalogue = load_catalogue()
    for sender in catalogue.senders:
        facts = [*sender.networks, *sender.rdns, *sender.dkim, *sender.envelope]
        assert facts, sender.id
        for fact in facts:
            assert fact.fact.source.strip(), sender.id
            assert fact.fact.confidence in ("high", "low")


def test_a_fact_without_source_is_refused():
    data = {
        "schema": 1,
        "senders": [{"id": "x", "name": "X", "kind": "esp", "rdns": [{"suffix": "x.example"}]}],
    }
    with pytest.raises(CatalogueError, match="'x'.*source"):
        parse_catalogue(data)


def test_a_snapshot_replaces_the_networks_of_the_senders_it_names(tmp_path):
    snapshot = tmp_path / "s.json"
    snapshot.write_text(snapshot_json({"sendgrid": ["192.0.2.0/24"]}, "2026-11-29T00:00:00", "v"))
    catalogue = load_catalogue(snapshot=snapshot)
    assert catalogue.ranges.lookup(["192.0.2.9", "167.89.1.1", "40.107.1.1"]).tolist() == [
        "sendgrid",
        None,
        "microsoft365",
    ]
    assert "senders update" in catalogue.by_id["sendgrid"].networks[0].fact.source


def test_a_broken_snapshot_is_a_clear_error(tmp_path):
    snapshot = tmp_path / "s.json"
    snapshot.write_text(json.dumps({"networks": {"sendgrid": ["nonsense"]}}))
    with pytest.raises(CatalogueError, match="snapshot"):
        load_catalogue(snapshot=snapshot)


def test_a_missing_snapshot_means_the_bundled_networks(tmp_path):
    catalogue = load_catalogue(snapshot=tmp_path / "absent.json")
    assert catalogue.snapshot is None
    assert catalogue.ranges.lookup(["167.89.1.1"]).tolist() == ["sendgrid"]


def test_the_data_file_is_shipped_next_to_the_module():
    assert BUNDLED.name == "senders.toml" and BUNDLED.exists()
