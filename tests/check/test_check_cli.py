"""``dmarcwatch check --json --nameserver`` against practice zones on a real loopback DNS server.

Each case breaks one thing in an otherwise correct SendGrid setup (``tests/check/zones.py``)
and asserts the finding that names it, and that nothing else is called critical.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from dmarcwatch.cli import main
from tests.check.keys import dkim_record
from tests.check.zones import Practice, add_providers
from tests.servers.dns import DnsTestServer, start_dns_server

pytestmark = pytest.mark.dns

Findings = list[dict[str, Any]]


def check(
    capsys: pytest.CaptureFixture[str], dns: DnsTestServer, domain: str, *args: str
) -> tuple[int, Findings]:
    argv = ["check", domain, "--nameserver", dns.nameserver, "--json", "--no-store", *args]
    code = main(argv)
    out = capsys.readouterr().out
    return code, json.loads(out)


def codes(findings: Findings, severity: str | None = None) -> set[str]:
    return {f["code"] for f in findings if severity is None or f["severity"] == severity}


def only(findings: Findings, code: str) -> dict[str, Any]:
    matching = [f for f in findings if f["code"] == code]
    assert len(matching) == 1, findings
    return matching[0]


def test_correct_sendgrid_setup_gets_only_ok_and_info(capsys, dns):
    domain = Practice("good-sendgrid.ch").publish(dns)
    code, findings = check(
        capsys, dns, domain, "--sender", "sendgrid", "--return-path", f"em1234.{domain}"
    )
    assert code == 0
    assert {f["severity"] for f in findings} <= {"ok", "info"}
    assert {"spf-ok", "dmarc-ok", "dkim-ok", "sendgrid-return-path-ok"} <= codes(findings, "ok")
    assert len([f for f in findings if f["code"] == "dkim-ok"]) == 2  # s1 and s2


def test_p_none_with_working_rua_is_readiness_info_not_a_warning(capsys, dns):
    domain = Practice("monitoring.ch").publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    readiness = only(findings, "dmarc-policy-none")
    assert readiness["severity"] == "info"
    assert "p=quarantine" in readiness["fix"]
    assert "dmarc-no-rua" not in codes(findings)


def test_json_findings_have_the_shape_of_diagnose(capsys, dns):
    domain = Practice("shape.ch").publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    for finding in findings:
        assert {"code", "severity", "domain", "sender", "actor", "summary", "fix"} <= set(finding)
        assert finding["severity"] in {"critical", "warning", "info", "ok"}
        assert finding["actor"] in {"practice", "vendor", "mail-provider"}
        assert finding["domain"] == domain
    ranks = ["critical", "warning", "info", "ok"]
    order = [ranks.index(f["severity"]) for f in findings]
    assert order == sorted(order)


def test_spf_without_the_sendgrid_include_is_reported_for_declared_sendgrid(capsys, dns):
    practice = Practice("no-include.ch", spf=["v=spf1 include:spf.protection.outlook.com ~all"])
    domain = practice.publish(dns)
    code, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    finding = only(findings, "spf-sender-not-covered")
    assert finding["sender"] == "sendgrid"
    assert "sendgrid.net" in finding["summary"]
    assert finding["severity"] == "warning"
    assert not codes(findings, "critical")
    assert code == 0


def test_spf_that_includes_sendgrid_through_another_include_counts_as_covered(capsys, dns):
    practice = Practice("nested-include.ch", spf=["v=spf1 include:_spf.nested-include.ch ~all"])
    dns.add_txt(f"_spf.{practice.org}", "v=spf1 include:sendgrid.net ip4:192.0.2.1 ~all")
    domain = practice.publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert "spf-sender-not-covered" not in codes(findings)
    assert "spf-ok" in codes(findings)


def test_spf_over_ten_lookups_is_critical_and_counted(capsys, dns):
    spf = (
        "v=spf1 a mx include:_spf.google.com include:spf.protection.outlook.com "
        "include:sendgrid.net include:servers.mcsv.net include:spf.mandrillapp.com ~all"
    )
    practice = Practice("many-lookups.ch", spf=[spf])
    practice.extra = "$D. 60 IN A 192.0.2.30\n$D. 60 IN MX 10 mx.$O.\n"
    domain = practice.publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    finding = only(findings, "spf-too-many-lookups")
    assert finding["severity"] == "critical"
    assert "12" in finding["summary"]  # a, mx, google 4, outlook 2, sendgrid 2, mcsv, mandrill
    assert codes(findings, "critical") == {"spf-too-many-lookups"}


def test_eight_lookups_is_a_warning_not_critical(capsys, dns):
    spf = (
        "v=spf1 include:_spf.google.com include:spf.protection.outlook.com "
        "include:sendgrid.net ~all"
    )
    domain = Practice("near-limit.ch", spf=[spf]).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert only(findings, "spf-lookups-near-limit")["severity"] == "warning"
    assert not codes(findings, "critical")


def test_two_spf_records_are_critical(capsys, dns):
    spf = ["v=spf1 include:sendgrid.net ~all", "v=spf1 include:spf.protection.outlook.com -all"]
    domain = Practice("two-spf.ch", spf=spf).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    finding = only(findings, "spf-multiple-records")
    assert finding["severity"] == "critical"
    assert codes(findings, "critical") == {"spf-multiple-records"}


def test_no_spf_record_is_reported_with_a_suggested_record(capsys, dns):
    domain = Practice("no-spf.ch", spf=[]).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    finding = only(findings, "spf-missing")
    assert "include:sendgrid.net" in finding["fix"]
    assert not codes(findings, "critical")


def test_more_than_two_void_lookups_are_critical(capsys, dns):
    spf = "v=spf1 include:sendgrid.net a:gone1.$O a:gone2.$O mx:gone3.$O ~all"
    practice = Practice("voids.ch")
    practice.spf = [spf.replace("$O", practice.org)]
    domain = practice.publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    finding = only(findings, "spf-void-lookups")
    assert finding["severity"] == "critical"
    assert "3" in finding["summary"]
    assert codes(findings, "critical") == {"spf-void-lookups"}


def test_a_on_a_name_without_address_is_one_void_lookup_warning(capsys, dns):
    domain = Practice("plus-a.ch", spf=["v=spf1 include:sendgrid.net +a -all"]).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert only(findings, "spf-void-lookups")["severity"] == "warning"
    assert not codes(findings, "critical")


def test_plus_all_is_critical(capsys, dns):
    domain = Practice("plus-all.ch", spf=["v=spf1 include:sendgrid.net +all"]).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert only(findings, "spf-permissive-all")["severity"] == "critical"
    assert codes(findings, "critical") == {"spf-permissive-all"}


def test_question_mark_all_is_a_warning(capsys, dns):
    domain = Practice("neutral-all.ch", spf=["v=spf1 include:sendgrid.net ?all"]).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert only(findings, "spf-permissive-all")["severity"] == "warning"


def test_include_of_a_name_without_spf_is_critical(capsys, dns):
    practice = Practice("dead-include.ch")
    practice.spf = [f"v=spf1 include:sendgrid.net include:spf.retired.{practice.org} ~all"]
    domain = practice.publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert only(findings, "spf-include-broken")["severity"] == "critical"


def test_spf_syntax_error_is_critical(capsys, dns):
    spf = ["v=spf1 include:sendgrid.net ip4:192.0.2.300 ~all"]
    domain = Practice("bad-syntax.ch", spf=spf).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert "192.0.2.300" in only(findings, "spf-invalid")["summary"]


def test_no_dmarc_record_anywhere_is_critical(capsys, dns):
    domain = Practice("no-dmarc.ch", dmarc=[], org_dmarc=[]).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert only(findings, "dmarc-missing")["severity"] == "critical"
    assert codes(findings, "critical") == {"dmarc-missing"}


def test_dmarc_at_the_organisational_domain_only_applies_to_the_subdomain(capsys, dns):
    domain = Practice("org-only.ch", dmarc=[]).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    inherited = only(findings, "dmarc-inherited")
    assert inherited["severity"] == "info"
    assert "org-only.ch" in inherited["summary"]
    assert "dmarc-missing" not in codes(findings)
    assert "dmarc-discovery-differs" not in codes(findings)
    assert not codes(findings, "critical")


def test_tree_walk_applies_the_organisational_record_not_the_nearest(capsys, dns):
    practice = Practice("nearest.ch")  # records at email.nearest.ch and nearest.ch
    practice.publish(dns)
    deeper = f"news.{practice.domain}"
    dns.add_txt(deeper, "v=spf1 include:sendgrid.net ~all")
    _, findings = check(capsys, dns, deeper, "--sender", "sendgrid")
    inherited = only(findings, "dmarc-inherited")
    assert "the record of nearest.ch " in inherited["summary"]
    assert "dmarc-discovery-differs" not in codes(findings)


def test_two_dmarc_records_are_critical(capsys, dns):
    dmarc = ["v=DMARC1; p=none; rua=mailto:a@two-dmarc.ch", "v=DMARC1; p=reject"]
    domain = Practice("two-dmarc.ch", dmarc=dmarc, org_dmarc=[]).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert only(findings, "dmarc-multiple-records")["severity"] == "critical"
    assert "dmarc-missing" not in codes(findings)


def test_record_without_semicolons_is_invalid_not_missing(capsys, dns):
    dmarc = ["v=DMARC1 p=none rua=mailto:dmarc@broken-syntax.ch"]
    domain = Practice("broken-syntax.ch", dmarc=dmarc, org_dmarc=[]).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert only(findings, "dmarc-invalid")["severity"] == "critical"
    assert "dmarc-missing" not in codes(findings)


def test_bad_policy_value_is_invalid(capsys, dns):
    dmarc = ["v=DMARC1; p=rejekt; rua=mailto:dmarc@bad-policy.ch"]
    domain = Practice("bad-policy.ch", dmarc=dmarc).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    invalid = [f for f in findings if f["code"] == "dmarc-invalid"]
    assert any("rejekt" in f["summary"] and f["severity"] == "critical" for f in invalid)


def test_pct_is_noted_as_removed_and_harmless(capsys, dns):
    dmarc = ["v=DMARC1; p=none; pct=100; rua=mailto:dmarc@with-pct.ch"]
    domain = Practice("with-pct.ch", dmarc=dmarc).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert only(findings, "dmarc-removed-tags")["severity"] == "info"
    assert {f["severity"] for f in findings} <= {"ok", "info"}


def test_rua_on_another_domain_without_authorisation_is_critical(capsys, dns):
    dmarc = ["v=DMARC1; p=none; rua=mailto:agg@reports.example.net"]
    domain = Practice("rua-unauthorised.ch", dmarc=dmarc).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    finding = only(findings, "dmarc-rua-not-authorized")
    assert finding["severity"] == "critical"
    assert f"{domain}._report._dmarc.reports.example.net" in finding["summary"]
    assert codes(findings, "critical") == {"dmarc-rua-not-authorized"}


def test_rua_on_another_domain_with_authorisation_is_ok(capsys, dns):
    dmarc = ["v=DMARC1; p=none; rua=mailto:agg@reports.example.net"]
    domain = Practice("rua-authorised.ch", dmarc=dmarc).publish(dns)
    dns.add_txt(f"{domain}._report._dmarc.reports.example.net", "v=DMARC1")
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert only(findings, "dmarc-rua-authorized")["severity"] == "ok"
    assert "dmarc-rua-not-authorized" not in codes(findings)
    assert {f["severity"] for f in findings} <= {"ok", "info"}


def test_wildcard_authorisation_counts(capsys, dns):
    dmarc = ["v=DMARC1; p=none; rua=mailto:agg@wild.example.org"]
    dns.add(
        "wild.example.org. 60 IN MX 10 mx.example.net.\n"
        '*._report._dmarc.wild.example.org. 60 IN TXT "v=DMARC1;"\n'
    )
    domain = Practice("rua-wildcard.ch", dmarc=dmarc).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert "dmarc-rua-authorized" in codes(findings)


def test_rua_at_parent_needs_authorisation_only_for_the_tree_walk(capsys, dns):
    practice = Practice("parent-rua.ch", org_dmarc=[])  # no record at the parent
    domain = practice.publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    finding = only(findings, "dmarc-rua-not-authorized")
    assert finding["severity"] == "warning"
    assert "tree walk" in finding["summary"]
    assert only(findings, "dmarc-discovery-differs")["severity"] == "info"
    assert not codes(findings, "critical")


def test_rua_domain_without_mx_is_reported(capsys, dns):
    practice = Practice("rua-no-mx.ch")
    practice.dmarc = [f"v=DMARC1; p=none; rua=mailto:dmarc@nomail.{practice.org}"]
    domain = practice.publish(dns)
    dns.add_txt(f"nomail.{practice.org}", "just a name")
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert only(findings, "dmarc-rua-no-mx")["severity"] == "warning"


def test_rua_domain_that_does_not_exist_is_critical(capsys, dns):
    practice = Practice("rua-nxdomain.ch")
    practice.dmarc = [f"v=DMARC1; p=none; rua=mailto:dmarc@typo.{practice.org}"]
    domain = practice.publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    finding = only(findings, "dmarc-rua-no-mx")
    assert finding["severity"] == "critical"
    assert "does not exist" in finding["summary"]


def test_discovery_differs_when_only_the_tree_walk_finds_a_record(capsys, dns):
    practice = Practice("walk-differs.ch", org_dmarc=[])
    practice.publish(dns)
    deeper = f"news.{practice.domain}"
    dns.add_txt(deeper, "v=spf1 include:sendgrid.net ~all")
    _, findings = check(capsys, dns, deeper, "--no-store")
    finding = only(findings, "dmarc-discovery-differs")
    assert finding["severity"] == "warning"
    assert "none" in finding["summary"] and f"_dmarc.{practice.domain}" in finding["summary"]


def test_sendgrid_cname_to_a_missing_target_is_broken(capsys, dns):
    practice = Practice("broken-cname.ch", s1="s1.domainkey.u999.wl.sendgrid.net")
    domain = practice.publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    finding = only(findings, "dkim-sendgrid-cname-broken")
    assert finding["severity"] == "critical"
    assert "s1._domainkey" in finding["summary"] and "u999" in finding["summary"]
    assert codes(findings, "critical") == {"dkim-sendgrid-cname-broken"}
    assert "dkim-ok" in codes(findings)  # s2 still fine


def test_sendgrid_cname_missing_while_the_other_exists_is_broken(capsys, dns):
    domain = Practice("missing-s2.ch", s2=None).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert "s2._domainkey" in only(findings, "dkim-sendgrid-cname-broken")["summary"]


def test_sendgrid_cname_with_the_zone_appended_twice_is_named(capsys, dns):
    practice = Practice("doubled.ch", s1=None)
    domain = practice.publish(dns)
    target = "s1.domainkey.u123.wl.sendgrid.net"
    dns.add(f"s1._domainkey.{domain}.{domain}. 60 IN CNAME {target}.\n")
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    finding = only(findings, "dkim-sendgrid-cname-broken")
    assert f"s1._domainkey.{domain}.{domain}" in finding["summary"]


def test_sendgrid_declared_without_domain_authentication_is_critical(capsys, dns):
    domain = Practice("not-authenticated.ch", s1=None, s2=None).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    finding = only(findings, "dkim-missing")
    assert finding["severity"] == "critical"
    assert finding["actor"] == "vendor"


def test_sendgrid_cname_pointing_elsewhere_is_broken_without_declaring_sendgrid(capsys, dns):
    practice = Practice("elsewhere.ch", s1="s1.domainkey.u123.wl.sendgrid.net.elsewhere.ch")
    domain = practice.publish(dns)
    _, findings = check(capsys, dns, domain)
    finding = only(findings, "dkim-sendgrid-cname-broken")
    assert finding["severity"] == "critical"
    assert "sendgrid.net.elsewhere.ch" in finding["summary"]


def test_revoked_key_behind_a_given_sendgrid_selector_is_critical(capsys, dns):
    dns.add_txt("s1.domainkey.u77.wl.sendgrid.net", "v=DKIM1; k=rsa; p=")
    domain = Practice("revoked-s1.ch", s1="s1.domainkey.u77.wl.sendgrid.net").publish(dns)
    _, findings = check(capsys, dns, domain, "--selector", "s1")
    assert only(findings, "dkim-key-revoked")["severity"] == "critical"


def test_sendgrid_cnames_are_found_without_declaring_sendgrid(capsys, dns):
    domain = Practice("detected.ch").publish(dns)
    _, findings = check(capsys, dns, domain)
    assert len([f for f in findings if f["code"] == "dkim-ok"]) == 2
    assert all(f["sender"] == "sendgrid" for f in findings if f["code"] == "dkim-ok")


def test_revoked_key_is_critical_for_a_selector_in_use(capsys, dns):
    practice = Practice("revoked.ch")
    domain = practice.publish(dns)
    dns.add_txt(f"mail._domainkey.{domain}", "v=DKIM1; k=rsa; p=")
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid", "--selector", "mail")
    finding = only(findings, "dkim-key-revoked")
    assert finding["severity"] == "critical"
    assert codes(findings, "critical") == {"dkim-key-revoked"}


def test_weak_512_bit_key_is_critical(capsys, dns):
    practice = Practice("weak-key.ch")
    domain = practice.publish(dns)
    dns.add_txt(f"old._domainkey.{domain}", dkim_record(512, seed=5))
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid", "--selector", "old")
    finding = only(findings, "dkim-key-weak")
    assert finding["severity"] == "critical"
    assert "512" in finding["summary"]


def test_1024_bit_key_is_accepted_with_advice(capsys, dns):
    practice = Practice("short-key.ch")
    domain = practice.publish(dns)
    dns.add_txt(f"k1024._domainkey.{domain}", dkim_record(1024, seed=6))
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid", "--selector", "k1024")
    assert only(findings, "dkim-key-short")["severity"] == "info"
    assert "dkim-key-weak" not in codes(findings)


def test_given_selector_without_key_is_missing(capsys, dns):
    domain = Practice("no-key.ch").publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid", "--selector", "nokey")
    finding = only(findings, "dkim-missing")
    assert "nokey._domainkey" in finding["summary"]


def test_key_split_over_several_strings_is_read_whole(capsys, dns):
    practice = Practice("split-key.ch")
    domain = practice.publish(dns)
    dns.add_txt(f"long._domainkey.{domain}", dkim_record(4096, seed=7))  # > 255: 3 strings
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid", "--selector", "long")
    oks = [f for f in findings if f["code"] == "dkim-ok" and "long._domainkey" in f["summary"]]
    assert oks and "4096" in oks[0]["summary"]


def test_sendgrid_return_path_not_pointing_to_sendgrid_is_reported(capsys, dns):
    practice = Practice("em-broken.ch", return_path=None)
    domain = practice.publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid", "--return-path", practice.em)
    finding = only(findings, "sendgrid-return-path-broken")
    assert finding["severity"] == "warning"


def test_dns_failure_is_a_finding_not_a_crash(capsys, dns):
    practice = Practice("servfail.ch")
    domain = practice.publish(dns)
    dns.fail(f"_dmarc.{domain}")
    code, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert code == 0
    assert any(f["code"] == "dns-error" and f"_dmarc.{domain}" in f["summary"] for f in findings)
    assert "dmarc-missing" not in codes(findings)


def test_unreachable_dns_server_exits_69(capsys):
    code = main(
        ["check", "example.ch", "--nameserver", "127.0.0.1:9", "--timeout", "0.2", "--json",
         "--no-store"]
    )  # fmt: skip
    findings = json.loads(capsys.readouterr().out)
    assert code == 69
    assert [f["code"] for f in findings] == ["dns-error"]


def test_json_evidence_quotes_the_dns_answers(capsys, dns):
    domain = Practice("evidence.ch", spf=["v=spf1 include:sendgrid.net +all"]).publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    finding = only(findings, "spf-permissive-all")
    assert finding["evidence"]["dns"] == [f'TXT {domain}: "v=spf1 include:sendgrid.net +all"']
    dkim = [f for f in findings if f["code"] == "dkim-ok"]
    assert {f["sender_name"] for f in dkim} == {"SendGrid (Twilio)"}


def test_control_characters_from_dns_are_escaped_in_text_output(capsys, dns):
    domain = Practice("escape.ch", spf=["v=spf1 include:sendgrid.net \x1b[2J?all"]).publish(dns)
    main(["check", domain, "--nameserver", dns.nameserver, "--no-store"])
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\\x1b[2J" in out


def test_text_output_is_in_the_language_asked(capsys, dns):
    domain = Practice("francais.ch", spf=[]).publish(dns)
    code = main(["check", domain, "--nameserver", dns.nameserver, "--no-store", "--lang", "fr"])
    out = capsys.readouterr().out
    assert code == 0
    assert "ne publie aucun enregistrement SPF" in out
    assert "Correction:" in out
    assert f"Preuve: TXT {domain}: no TXT record" in out  # the word of `diagnose` too


def test_text_output_speaks_italian(capsys, dns):
    domain = Practice("italiano.ch", spf=[]).publish(dns)
    code = main(["check", domain, "--nameserver", dns.nameserver, "--no-store", "--lang", "it"])
    out = capsys.readouterr().out
    assert code == 0
    assert f"{domain} non pubblica alcun record SPF." in out
    assert f"Correzione: Pubblicate un solo record TXT su {domain}: v=spf1" in out
    assert "(studio)" in out


@pytest.mark.parametrize(
    "args",
    [
        ["check", "not a domain"],
        ["check", "example.ch", "--nameserver", "127.0.0.1:99999"],
        ["check", "example.ch", "--sender", "no-such-sender", "--nameserver", "127.0.0.1:9"],
        ["check", "example.ch", "--selector", "bad selector"],
        ["check", "example.ch", "--timeout", "0"],
    ],
    ids=["domain", "port", "sender", "selector", "timeout"],
)
def test_bad_arguments_exit_64_with_one_line(capsys, args):
    code = main([*args, "--no-store"])
    err = capsys.readouterr().err
    assert code == 64
    assert err.count("\n") == 1


def test_refused_public_suffix_lookups_do_not_spoil_a_clean_domain(capsys):
    """An authoritative-only server fails ``_dmarc.ch``; a real resolver would say NXDOMAIN."""
    with start_dns_server() as own:
        add_providers(own)
        domain = Practice("only-zone.ch").publish(own)
        for name in ("_dmarc.ch", "_dmarc.net", "_dmarc.sendgrid.net"):
            own.fail(name)
        _, findings = check(capsys, own, domain, "--sender", "sendgrid")
    assert {f["severity"] for f in findings} <= {"ok", "info"}


def test_failed_lookup_at_the_parent_is_not_reported_as_missing_dmarc(capsys, dns):
    domain = Practice("parent-fails.ch", dmarc=[]).publish(dns)
    dns.fail("_dmarc.parent-fails.ch")
    _, findings = check(capsys, dns, domain, "--sender", "sendgrid")
    assert "dmarc-missing" not in codes(findings)
    assert any(
        "_dmarc.parent-fails.ch" in f["summary"] for f in findings if f["code"] == "dns-error"
    )


def test_sendgrid_found_by_its_dkim_cnames_must_be_in_the_spf_record(capsys, dns):
    practice = Practice("cname-only.ch", spf=["v=spf1 include:spf.protection.outlook.com ~all"])
    domain = practice.publish(dns)
    _, findings = check(capsys, dns, domain)
    finding = only(findings, "spf-sender-not-covered")
    assert finding["sender"] == "sendgrid"
    assert finding["evidence"]["found_by"] == "dkim-cname"
    assert f"s1._domainkey.{domain}" in finding["summary"]
    assert "spf-ok" not in codes(findings)
    cname = f'CNAME s1._domainkey.{domain}: "s1.domainkey.u123.wl.sendgrid.net"'
    assert cname in finding["evidence"]["dns"]


def test_a_named_sender_is_said_to_be_named_with_the_option(capsys, dns):
    practice = Practice("named-only.ch", spf=["v=spf1 ~all"], s1=None, s2=None)
    domain = practice.publish(dns)
    _, findings = check(capsys, dns, domain, "--sender", "mailchimp")
    finding = only(findings, "spf-sender-not-covered")
    assert finding["evidence"]["found_by"] == "sender-option"
    assert "--sender" in finding["summary"]
