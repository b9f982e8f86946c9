"""The offline IP owner data: the real IPFire database from Debian, and crafted files."""

from __future__ import annotations

from pathlib import Path

import pytest

from dmarcwatch.analysis.ipdata import IpDataError, LocationDatabase, Owner, find_database
from tests.analysis.locdbfile import Net, build

# Public addresses whose networks have belonged to the same AS for many years (documentation
# prefixes excluded: they are in no database).
KNOWN = [
    ("149.72.123.45", 11377, "US"),  # SendGrid
    ("167.89.1.2", 11377, "US"),  # SendGrid
    ("8.8.8.8", 15169, "US"),  # Google
    ("40.107.22.51", 8075, "US"),  # Microsoft (Exchange Online)
    ("195.186.1.1", 3303, "CH"),  # Swisscom
    ("116.203.0.1", 24940, "DE"),  # Hetzner
    ("2a00:1450:4001::1", 15169, "IE"),  # Google, IPv6
]


@pytest.fixture(scope="module")
def installed() -> LocationDatabase:
    path = find_database()
    if path is None:
        pytest.fail(
            "no location database: install the Debian package libloc-database (scripts/test does)"
        )
    return LocationDatabase(path)


@pytest.mark.parametrize(("ip", "asn", "country"), KNOWN)
def test_the_installed_data_names_the_network_of_public_addresses(
    installed: LocationDatabase, ip: str, asn: int, country: str
) -> None:
    owner = installed.lookup(ip)
    assert owner is not None
    assert (owner.asn, owner.country) == (asn, country)
    assert owner.as_name


@pytest.mark.parametrize("ip", ["192.0.2.1", "198.51.100.7", "10.1.2.3", "fe80::1", "::1", "x"])
def test_private_documentation_and_invalid_addresses_have_no_owner(
    installed: LocationDatabase, ip: str
) -> None:
    assert installed.lookup(ip) is None


def test_the_installed_data_says_where_it_comes_from(installed: LocationDatabase) -> None:
    assert "CC BY-SA" in installed.licence
    assert installed.created_at.year >= 2022


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "location.db"
    path.write_bytes(data)
    return path


def test_the_most_specific_network_wins(tmp_path: Path) -> None:
    data = build(
        [
            Net("203.0.113.0/24", 64500, "CH"),
            Net("203.0.113.128/25", 64501, "DE"),
            Net("2001:db8::/32", 64502, "FR"),
        ],
        {64500: "PRAXIS-NET", 64501: "HOSTER", 64502: "V6-NET"},
    )
    with LocationDatabase(_write(tmp_path, data)) as db:
        assert db.lookup("203.0.113.5") == Owner(64500, "PRAXIS-NET", "CH", "203.0.113.0/24")
        assert db.lookup("203.0.113.200") == Owner(64501, "HOSTER", "DE", "203.0.113.128/25")
        assert db.lookup("2001:db8:1::9") == Owner(64502, "V6-NET", "FR", "2001:db8::/32")
        assert db.lookup("198.51.100.1") is None
        assert db.as_name(64999) == ""


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda d: d[:20], "not an IPFire location database"),
        (lambda d: b"SQLite format 3\0" + d[16:], "not an IPFire location database"),
        (lambda d: d[: len(d) // 2], "not an IPFire location database"),
        (lambda d: b"", "not an IPFire location database"),
    ],
    ids=["truncated-header", "another-format", "cut-in-half", "empty"],
)
def test_a_damaged_file_is_one_clear_error(tmp_path: Path, damage, problem: str) -> None:
    data = build([Net("203.0.113.0/24", 64500, "CH")], {64500: "PRAXIS-NET"})
    with pytest.raises(IpDataError, match=problem):
        LocationDatabase(_write(tmp_path, damage(data)))


def test_a_tree_pointing_outside_the_file_is_refused_not_read(tmp_path: Path) -> None:
    data = bytearray(build([Net("203.0.113.0/24", 64500, "CH")], {64500: "PRAXIS-NET"}))
    tree_offset = int.from_bytes(data[8 + 36 : 8 + 40], "big")
    data[tree_offset : tree_offset + 4] = (10**6).to_bytes(4, "big")  # root's 0-child: far away
    with pytest.raises(IpDataError, match="damaged network tree"):
        LocationDatabase(_write(tmp_path, bytes(data))).lookup("::1")


def test_a_missing_configured_file_is_an_error_but_a_missing_default_is_not(tmp_path: Path) -> None:
    with pytest.raises(IpDataError, match="cannot read"):
        LocationDatabase(tmp_path / "absent.db")
    assert find_database(tmp_path / "x.db") == tmp_path / "x.db"
