from dmarcwatch.analysis import columns as c
from dmarcwatch.analysis.alignment import align, is_aligned
from dmarcwatch.analysis.catalogue import load_catalogue
from dmarcwatch.analysis.classify import classify
from dmarcwatch.analysis.dns.discovery import OrgDomains
from dmarcwatch.analysis.dns.names import psl_org_domain
from tests.analysis.frames import row, rows

SUB = "email.examplephysio.ch"


def _aligned(*items, records=(SUB,)):
    return align(classify(rows(*items), load_catalogue()), OrgDomains.from_policy_domains(records))


def test_relaxed_alignment_accepts_a_subdomain_of_the_same_organization():
    assert is_aligned("em1234.email.examplephysio.ch", SUB, "r", psl_org_domain)
    assert is_aligned("examplephysio.ch", SUB, "r", psl_org_domain)
    assert not is_aligned("other-practice.ch", SUB, "r", psl_org_domain)


def test_strict_alignment_needs_the_exact_domain():
    assert is_aligned("EMAIL.examplephysio.ch.", SUB, "s", psl_org_domain)
    assert not is_aligned("em1234.email.examplephysio.ch", SUB, "s", psl_org_domain)


def test_only_passing_signatures_and_spf_pass_count():
    frame = _aligned(
        row(
            header_from=SUB,
            dkim=f"{SUB}|s1|fail sendgrid.info|smtpapi|pass",
            spf=f"em1.{SUB}|mfrom|softfail",
            pe=("fail", "fail"),
        )
    )
    assert not frame[c.DKIM_ALIGNED].iloc[0]
    assert not frame[c.SPF_ALIGNED].iloc[0]
    assert not frame[c.DMARC_PASS].iloc[0]


def test_one_aligned_passing_signature_is_enough():
    frame = _aligned(
        row(
            header_from=SUB,
            dkim=f"sendgrid.info|smtpapi|pass {SUB}|s1|pass",
            spf="sendgrid.net|mfrom|pass",
        )
    )
    assert frame[c.DKIM_ALIGNED].iloc[0] and not frame[c.SPF_ALIGNED].iloc[0]
    assert frame[c.DMARC_PASS].iloc[0]


def test_strict_spf_fails_sendgrid_return_path_but_dkim_carries_dmarc():
    frame = _aligned(
        row(
            header_from=SUB,
            aspf="s",
            dkim=f"{SUB}|s1|pass",
            spf=f"em1234.{SUB}|mfrom|pass",
            pe=("pass", "fail"),
        )
    )
    assert not frame[c.SPF_ALIGNED].iloc[0]
    assert frame[c.DMARC_PASS].iloc[0]
    assert not frame[c.DISAGREES].iloc[0]


def test_psl_and_tree_walk_disagree_on_the_parent_signature_of_reference_2_3():
    """Only _dmarc.email.examplephysio.ch exists: d=examplephysio.ch aligns by PSL only."""
    frame = _aligned(
        row(header_from=SUB, dkim="examplephysio.ch|s1|pass", spf=f"em1234.{SUB}|mfrom|fail")
    )
    assert frame[c.DKIM_ALIGNED].iloc[0]
    assert not frame[c.DKIM_ALIGNED_TREE].iloc[0]
    assert frame[c.TREE_DIFFERS].iloc[0]


def test_psl_and_tree_walk_agree_on_the_return_path_below_the_from_domain():
    frame = _aligned(row(header_from=SUB, spf=f"em1234.{SUB}|mfrom|pass", pe=("fail", "pass")))
    assert frame[c.SPF_ALIGNED].iloc[0] and frame[c.SPF_ALIGNED_TREE].iloc[0]
    assert not frame[c.TREE_DIFFERS].iloc[0]


def test_a_record_at_the_parent_makes_the_tree_walk_agree_again():
    frame = _aligned(
        row(header_from=SUB, dkim="examplephysio.ch|s1|pass"), records=(SUB, "examplephysio.ch")
    )
    assert frame[c.DKIM_ALIGNED_TREE].iloc[0]


def test_disagreement_with_the_reporter_is_marked_and_its_verdict_kept():
    frame = _aligned(
        row(
            header_from=SUB,
            dkim="sendgrid.net|smtpapi|pass",
            spf="sendgrid.net|mfrom|pass",
            pe=("pass", "fail"),
        ),
        row(header_from=SUB, dkim=f"{SUB}|s1|pass", pe=("fail", "fail")),
    )
    assert list(frame[c.REPORTER_PASS]) == [True, False]
    assert list(frame[c.DMARC_PASS]) == [False, True]
    assert list(frame[c.DISAGREES]) == [True, True]
