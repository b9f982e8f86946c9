"""Receivers by the names people give them: aliases from ``data/receivers.toml``."""

from __future__ import annotations

import tomllib

from dmarcwatch.analysis.read import receivers


def test_a_common_name_stands_for_every_alias_of_its_receiver() -> None:
    names = receivers.names_for("Google")
    assert {"google.com", "gmail.com", "google"} <= set(names)
    assert "outlook.com" not in names


def test_a_name_known_to_no_receiver_stands_for_itself() -> None:
    assert receivers.names_for("Mail.Example.") == ("mail.example",)


def test_a_report_matches_by_org_name_or_address_case_insensitively() -> None:
    outlook = ("Outlook.com", "dmarcreport@microsoft.com")
    for name in ("protection.outlook.com", "Microsoft", "HOTMAIL.COM", "outlook.com"):
        assert receivers.matches(name, *outlook)
    assert receivers.matches("bluewin.ch", "Swisscom", "dmarc-reports@bluewin.ch")
    assert receivers.matches("yahoo.com", "Yahoo", "dmarchelp@yahooinc.com")
    assert not receivers.matches("gmail.com", *outlook)


def test_unknown_names_match_no_alias_and_no_reporter_in_the_store() -> None:
    reporters = [("Reasonless Mail", "dmarc@reasonless.example")]
    names = ["nope.example", "gmail.com", "reasonless.example", "Reasonless Mail"]
    assert receivers.unknown(names, reporters) == ["nope.example"]


def test_every_alias_has_a_source_and_belongs_to_one_receiver() -> None:
    data = tomllib.loads(receivers.ALIASES.read_text(encoding="utf-8"))
    seen: list[str] = []
    for receiver in data["receivers"]:
        for entry in receiver["aliases"]:
            assert entry["source"].strip(), entry
            assert entry["alias"] == entry["alias"].lower()
            seen.append(entry["alias"])
    assert len(seen) == len(set(seen))
