"""Forged reports through ``dmarcwatch poll`` and a real Dovecot (issue 19, items 1 and 2).

Fourteen unsigned mails claim to be google.com reports that show SendGrid passing, one of them
reusing the key of the real, signed report that arrives after it: poll keeps every report,
marks the key disputed, and ``diagnose`` keeps saying SendGrid fails.
"""

from __future__ import annotations

import json

import pytest

from tests.forged.mails import Signer, mail, report, sendgrid_failing, sendgrid_passing
from tests.poll.imap_env import PollEnv, toml_value
from tests.servers.dns import DnsTestServer

pytestmark = [pytest.mark.dovecot, pytest.mark.dns]

KEY_ID = "17395550000001"


def test_forged_reports_are_kept_set_aside_and_the_real_one_wins_its_key(
    poll_env: PollEnv, dns_server: DnsTestServer
) -> None:
    google = Signer("google.com")
    google.publish(dns_server)
    config = poll_env.config.read_text()
    trust = f"\n[trust]\nnameservers = [{toml_value(dns_server.nameserver)}]\n"
    poll_env.config.write_text(config + trust)
    forged = [mail(report(KEY_ID, [sendgrid_passing()]), name="f-key")]
    forged += [mail(report(f"f{n}", [sendgrid_passing()]), name=f"f{n}") for n in range(13)]
    real = google.sign(mail(report(KEY_ID, [sendgrid_failing()]), name="real"))
    poll_env.seed([*forged, real])

    result = poll_env.run("--json")

    assert result.code == 0, result.stderr
    summary = json.loads(result.stdout)["mailboxes"][0]
    assert (summary["reports_stored"], summary["processed"]) == (15, 15)
    assert (summary["reports_untrusted"], summary["reports_disputed"]) == (14, 1)
    assert any("dmarcwatch: disputed " in line for line in result.stderr_lines)
    verdicts = poll_env.query("SELECT verification, count(*) FROM reports GROUP BY 1 ORDER BY 1")
    assert verdicts == [("unverified", 14), ("verified", 1)]

    diagnosed = poll_env.run("--json", "--since", "2025-10-01", command="diagnose")
    assert diagnosed.code == 0, diagnosed.stderr
    findings = {f["code"]: f for f in json.loads(diagnosed.stdout)}
    assert findings["sendgrid-domain-not-authenticated"]["evidence"]["share"] == 100
    assert findings["reports-set-aside"]["evidence"]["unverified"] == 14
    assert findings["report-key-disputed"]["evidence"]["state"] == "decided"
