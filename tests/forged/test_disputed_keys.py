"""Key collisions (issue 19, item 2): a forged report reusing a real one's key pushes nothing out.

Both reports are kept, the key is disputed, the one in mail signed by its reporter counts (in
either order of arrival), and when none is trusted more than the others none counts.
"""

from __future__ import annotations

import pytest

from dmarcwatch.analysis.dns.dkim import DkimVerifier
from dmarcwatch.ingest.pipeline import InputOutcome, import_input
from dmarcwatch.ingest.store import Store
from tests.forged.mails import Signer, mail, report, sendgrid_failing, sendgrid_passing
from tests.forged.test_forged_reports import SENDGRID_FAILS, _findings

pytestmark = pytest.mark.dns

KEY_ID = "17395551234567"  # a Swisscom-style, predictable report id


def _real(store: Store, google: Signer, verifier: DkimVerifier) -> InputOutcome:
    signed = google.sign(mail(report(KEY_ID, [sendgrid_failing()]), name="real"))
    return import_input(store, "imap:real", signed, verifier=verifier)


def _forged(store: Store, verifier: DkimVerifier) -> InputOutcome:
    unsigned = mail(report(KEY_ID, [sendgrid_passing()]), name="forged")
    return import_input(store, "imap:forged", unsigned, verifier=verifier)


@pytest.mark.parametrize("forged_first", [True, False], ids=["forged-first", "real-first"])
def test_the_signed_report_of_a_disputed_key_counts_in_either_order(
    store: Store, google: Signer, verifier: DkimVerifier, forged_first: bool
) -> None:
    if forged_first:
        first, second = _forged(store, verifier), _real(store, google, verifier)
    else:
        first, second = _real(store, google, verifier), _forged(store, verifier)
    assert (first.stored, first.disputed, first.rejected) == (1, (), ())
    assert (second.stored, len(second.disputed), second.rejected) == (1, 1, ())
    assert second.kind == "processed"
    assert store.totals().reports == 2
    for include_unverified in (False, True):
        findings = _findings(store, include_unverified=include_unverified)
        assert findings[SENDGRID_FAILS].params["share"] == 100
        disputed = findings["report-key-disputed"]
        assert disputed.params["state"] == "decided"
        assert disputed.params["reporters"] == ("google.com",)


def test_a_key_disputed_by_reports_trusted_alike_counts_neither(
    store: Store, verifier: DkimVerifier
) -> None:
    import_input(
        store, "a.eml", mail(report(KEY_ID, [sendgrid_failing()]), name="a"), verifier=verifier
    )
    _forged(store, verifier)
    findings = _findings(store, include_unverified=True)
    assert SENDGRID_FAILS not in findings
    disputed = findings["report-key-disputed"]
    assert (disputed.params["state"], disputed.params["undecided"]) == ("undecided", 1)
    assert findings["reports-set-aside"].params["outranked"] == 2


def test_the_same_report_again_is_a_duplicate_not_a_dispute(
    store: Store, google: Signer, verifier: DkimVerifier
) -> None:
    _real(store, google, verifier)
    again = _real(store, google, verifier)
    assert (again.stored, again.duplicates, again.disputed) == (0, 1, ())
    plain = import_input(store, "copy.xml", report(KEY_ID, [sendgrid_failing()]))
    assert (plain.stored, plain.duplicates, plain.disputed) == (0, 1, ())
