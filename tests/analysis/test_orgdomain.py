from dmarcwatch.analysis.dns.discovery import tree_walk_org_domain
from dmarcwatch.analysis.dns.dmarc import single_record
from dmarcwatch.analysis.dns.names import psl_org_domain, walk_names


def test_psl_org_domain_is_public_suffix_plus_one_label():
    assert psl_org_domain("a.b.email.examplephysio.ch") == "examplephysio.ch"
    assert psl_org_domain("mail.example.co.uk") == "example.co.uk"
    assert psl_org_domain("EXAMPLE.CH.") == "example.ch"
    assert psl_org_domain("ch") == "ch"


def test_tree_walk_stops_at_the_subdomain_record_of_reference_2_3():
    records = {"email.examplephysio.ch": ["v=DMARC1; p=none"]}
    assert (
        tree_walk_org_domain("em1234.email.examplephysio.ch", records) == "email.examplephysio.ch"
    )
    assert tree_walk_org_domain("email.examplephysio.ch", records) == "email.examplephysio.ch"
    assert tree_walk_org_domain("examplephysio.ch", records) == "examplephysio.ch"


def test_tree_walk_takes_the_record_with_fewest_labels():
    records = {"a.example.ch": ["v=DMARC1; p=none"], "example.ch": ["v=DMARC1; p=reject"]}
    assert tree_walk_org_domain("x.a.example.ch", records) == "example.ch"


def test_psd_n_marks_the_organizational_domain_and_psd_y_the_label_below():
    assert (
        tree_walk_org_domain(
            "x.a.example.ch", {"a.example.ch": ["v=DMARC1; psd=n"], "example.ch": ["v=DMARC1"]}
        )
        == "a.example.ch"
    )
    assert tree_walk_org_domain("x.a.example.ch", {"ch": ["v=DMARC1; psd=y"]}) == "example.ch"


def test_several_or_invalid_records_at_a_name_are_ignored():
    assert single_record(["v=DMARC1; p=none", "v=DMARC1; p=reject"]) is None
    assert single_record(["v=spf1 -all"]) is None
    records = {"example.ch": ["v=DMARC1; p=none", "v=DMARC1; p=reject"]}
    assert tree_walk_org_domain("www.example.ch", records) == "www.example.ch"


def test_long_names_are_shortened_to_seven_labels_after_the_first_query():
    names = walk_names("a.b.c.d.e.f.g.h.i.example.ch")
    assert names[0] == "a.b.c.d.e.f.g.h.i.example.ch"
    assert names[1] == "e.f.g.h.i.example.ch"
    assert len(names) <= 8
    assert names[-1] == "ch"
