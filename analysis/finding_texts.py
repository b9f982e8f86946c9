"""English texts of findings, keyed by finding code or ``code/variant`` (see
:mod:`analysis.messages`). Plain words for a practice assistant; technical names only where the
person fixing it needs them.

Each text is marked with :func:`~analysis.i18n.N_` under its key, the ``msgctxt`` of its
translations in ``analysis/locale/<lang>/LC_MESSAGES/analysis.po``. A text is a
``str.format`` template filled with the finding's params plus ``domain`` and ``sender_name``.
"""

from __future__ import annotations

from .i18n import N_, NP_, Msg

TEXTS: dict[str, tuple[Msg, Msg]] = {
    "sendgrid-domain-not-authenticated": (
        NP_(
            "sendgrid-domain-not-authenticated",
            "{messages} message ({share} % of the SendGrid mail) sent as {header_from} through "
            "SendGrid fails DMARC: SendGrid signs it with its own name (sendgrid.net) and uses "
            "its own return address, because the domain is not authenticated in the SendGrid "
            'account. SPF and DKIM "pass", but for SendGrid, not for {domain}.',
            "{messages} messages ({share} % of the SendGrid mail) sent as {header_from} through "
            "SendGrid fail DMARC: SendGrid signs them with its own name (sendgrid.net) and uses "
            "its own return address, because the domain is not authenticated in the SendGrid "
            'account. SPF and DKIM "pass", but for SendGrid, not for {domain}.',
            "messages",
        ),
        N_(
            "sendgrid-domain-not-authenticated",
            "The software vendor must set up Domain Authentication for {header_from} in the "
            "SendGrid account that sends the practice's mail; the practice then publishes the "
            "three DNS records (CNAMEs em…, s1._domainkey, s2._domainkey) SendGrid shows.",
        ),
    ),
    "sendgrid-authenticated-other-domain/fails": (
        NP_(
            "sendgrid-authenticated-other-domain/fails",
            "{messages} message sent as {header_from} through SendGrid fails DMARC: SendGrid "
            "signs it as {signing_domains} (return path {envelope_domains}), a domain that does "
            "not match {header_from}. The SendGrid account uses another authenticated domain as "
            "its default.",
            "{messages} messages sent as {header_from} through SendGrid fail DMARC: SendGrid "
            "signs them as {signing_domains} (return path {envelope_domains}), a domain that "
            "does not match {header_from}. The SendGrid account uses another authenticated "
            "domain as its default.",
            "messages",
        ),
        N_(
            "sendgrid-authenticated-other-domain/fails",
            "The software vendor must authenticate {header_from} itself in SendGrid (a parent "
            "domain does not cover a subdomain) and make sure mail from {header_from} uses it.",
        ),
    ),
    "sendgrid-authenticated-other-domain/tree-walk": (
        NP_(
            "sendgrid-authenticated-other-domain/tree-walk",
            "{messages} message sent as {header_from} through SendGrid is signed as "
            "{signing_domains}. Receivers that still use the Public Suffix List accept this, but "
            "receivers following the new DMARC standard (RFC 9989) will not, because "
            "{signing_domains} has no DMARC record of its own.",
            "{messages} messages sent as {header_from} through SendGrid are signed as "
            "{signing_domains}. Receivers that still use the Public Suffix List accept this, but "
            "receivers following the new DMARC standard (RFC 9989) will not, because "
            "{signing_domains} has no DMARC record of its own.",
            "messages",
        ),
        N_(
            "sendgrid-authenticated-other-domain/tree-walk",
            "Either the software vendor authenticates {header_from} itself in SendGrid, or the "
            "practice also publishes a DMARC record at {signing_domains}.",
        ),
    ),
    "sendgrid-strict-spf/passes": (
        NP_(
            "sendgrid-strict-spf/passes",
            "The DMARC record of {domain} asks for strict SPF alignment (aspf=s). SendGrid's "
            "return address {envelope_domains} can never match {header_from} exactly, so SPF "
            "never counts for {messages} message. It still passes through DKIM, but has no "
            "second chance if the signature breaks.",
            "The DMARC record of {domain} asks for strict SPF alignment (aspf=s). SendGrid's "
            "return address {envelope_domains} can never match {header_from} exactly, so SPF "
            "never counts for {messages} messages. They still pass through DKIM, but have no "
            "second chance if the signature breaks.",
            "messages",
        ),
        N_(
            "sendgrid-strict-spf/passes",
            "Remove aspf=s from the DMARC record (relaxed is the default), or have the software "
            "vendor set a custom return path in SendGrid equal to {header_from}.",
        ),
    ),
    "sendgrid-strict-spf/fails": (
        NP_(
            "sendgrid-strict-spf/fails",
            "The DMARC record of {domain} asks for strict SPF alignment (aspf=s). SendGrid's "
            "return address {envelope_domains} can never match {header_from} exactly, and the "
            "DKIM signature does not help either: {failing} of {messages} message fails DMARC.",
            "The DMARC record of {domain} asks for strict SPF alignment (aspf=s). SendGrid's "
            "return address {envelope_domains} can never match {header_from} exactly, and the "
            "DKIM signature does not help either: {failing} of {messages} messages fail DMARC.",
            "messages",
        ),
        N_(
            "sendgrid-strict-spf/fails",
            "Remove aspf=s from the DMARC record, or have the software vendor set a custom return "
            "path equal to {header_from} and fix the DKIM signing in SendGrid.",
        ),
    ),
    "m365-dkim-not-enabled/passes": (
        NP_(
            "m365-dkim-not-enabled/passes",
            "{messages} message from Microsoft 365 is signed only as {signing_domains}, not as "
            "{domain}: DKIM signing for the practice's own domain is not switched on. It passes "
            "DMARC through SPF alone, which breaks as soon as mail is forwarded.",
            "{messages} messages from Microsoft 365 are signed only as {signing_domains}, not as "
            "{domain}: DKIM signing for the practice's own domain is not switched on. They pass "
            "DMARC through SPF alone, which breaks as soon as mail is forwarded.",
            "messages",
        ),
        N_(
            "m365-dkim-not-enabled/passes",
            "In the Microsoft 365 Defender portal (Email authentication settings, DKIM), publish "
            "the two selector1/selector2 CNAME records for {domain} and enable DKIM signing.",
        ),
    ),
    "m365-dkim-not-enabled/fails": (
        NP_(
            "m365-dkim-not-enabled/fails",
            "{messages} message from Microsoft 365 is signed only as {signing_domains}, not as "
            "{domain}, and fails DMARC ({failing} of {messages}): DKIM signing for the "
            "practice's domain is not switched on and SPF does not carry it.",
            "{messages} messages from Microsoft 365 are signed only as {signing_domains}, not as "
            "{domain}, and {failing} of them fail DMARC: DKIM signing for the practice's domain "
            "is not switched on and SPF does not carry them.",
            "messages",
        ),
        N_(
            "m365-dkim-not-enabled/fails",
            "Enable DKIM for {domain} in the Microsoft 365 Defender portal (publish the "
            "selector1/selector2 CNAMEs first), and make sure the SPF record includes "
            "spf.protection.outlook.com.",
        ),
    ),
    "google-dkim-not-enabled/passes": (
        NP_(
            "google-dkim-not-enabled/passes",
            "{messages} message from Google Workspace is signed only as {signing_domains}, not "
            "as {domain}: DKIM for the practice's domain is not set up. It passes DMARC through "
            "SPF alone, which breaks as soon as mail is forwarded.",
            "{messages} messages from Google Workspace are signed only as {signing_domains}, not "
            "as {domain}: DKIM for the practice's domain is not set up. They pass DMARC through "
            "SPF alone, which breaks as soon as mail is forwarded.",
            "messages",
        ),
        N_(
            "google-dkim-not-enabled/passes",
            "In the Google Admin console (Apps, Gmail, Authenticate email) generate a DKIM key for "
            "{domain}, publish the google._domainkey TXT record and start authentication.",
        ),
    ),
    "google-dkim-not-enabled/fails": (
        NP_(
            "google-dkim-not-enabled/fails",
            "{messages} message from Google Workspace is signed only as {signing_domains}, not "
            "as {domain}, and fails DMARC ({failing} of {messages}).",
            "{messages} messages from Google Workspace are signed only as {signing_domains}, not "
            "as {domain}, and {failing} of them fail DMARC.",
            "messages",
        ),
        N_(
            "google-dkim-not-enabled/fails",
            "Set up DKIM for {domain} in the Google Admin console (Apps, Gmail, Authenticate "
            "email) and make sure the SPF record includes _spf.google.com.",
        ),
    ),
    "sender-aligned": (
        NP_(
            "sender-aligned",
            "{sender_name} sends as {domain} correctly: {pass_pct} % of {messages} message "
            "passes DMARC (DKIM aligned {dkim_pct} %, SPF aligned {spf_pct} %).",
            "{sender_name} sends as {domain} correctly: {pass_pct} % of {messages} messages pass "
            "DMARC (DKIM aligned {dkim_pct} %, SPF aligned {spf_pct} %).",
            "messages",
        ),
        N_(
            "sender-aligned",
            "Nothing to do.",
        ),
    ),
    "sender-not-aligned": (
        NP_(
            "sender-not-aligned",
            "{sender_name} sends as {domain}, but only {pass_pct} % of {messages} message passes "
            "DMARC ({failing} fails; DKIM aligned {dkim_pct} %, SPF aligned {spf_pct} %).",
            "{sender_name} sends as {domain}, but only {pass_pct} % of {messages} messages pass "
            "DMARC ({failing} fail; DKIM aligned {dkim_pct} %, SPF aligned {spf_pct} %).",
            "messages",
        ),
        N_(
            "sender-not-aligned",
            "Set up DKIM signing for {domain} with {sender_name}, and include {sender_name} in the "
            "SPF record if it uses the practice's own return address.",
        ),
    ),
    "forwarding": (
        NP_(
            "forwarding",
            "{messages} message reached receivers as a forwarded copy (via {relays}). SPF cannot "
            "pass after forwarding; the original DKIM signature survived on {dkim_survived} of "
            "them ({survived_pct} %).",
            "{messages} messages reached receivers as forwarded copies (via {relays}). SPF "
            "cannot pass after forwarding; the original DKIM signature survived on "
            "{dkim_survived} of them ({survived_pct} %).",
            "messages",
        ),
        N_(
            "forwarding",
            "Nothing to do: this is normal for forwarded mail and mailing lists.",
        ),
    ),
    "spoofing": (
        NP_(
            "spoofing",
            "{messages} message from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM: someone else is sending in the practice's name. Under the current "
            "policy (p={policy}) receivers blocked {blocked} ({blocked_pct} %).",
            "{messages} messages from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM: someone else is sending in the practice's name. Under the current "
            "policy (p={policy}) receivers blocked {blocked} of them ({blocked_pct} %).",
            "messages",
        ),
        N_(
            "spoofing",
            "Make sure every real sender is aligned, then move the DMARC policy to p=quarantine "
            "and later p=reject so receivers block such mail.",
        ),
    ),
    "spoofing/quarantine": (
        NP_(
            "spoofing/quarantine",
            "{messages} message from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM: someone else is sending in the practice's name. Of the {enforced} sent "
            "under p={policy}, receivers blocked {blocked} ({blocked_pct} %).",
            "{messages} messages from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM: someone else is sending in the practice's name. Of the {enforced} sent "
            "under p={policy}, receivers blocked {blocked} ({blocked_pct} %).",
            "messages",
        ),
        N_(
            "spoofing/quarantine",
            "The policy already asks receivers to quarantine such mail; those that delivered it "
            "applied their own local policy. Once every real sender is aligned, move to p=reject.",
        ),
    ),
    "spoofing/quarantine-pct": (
        NP_(
            "spoofing/quarantine-pct",
            "{messages} message from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM: someone else is sending in the practice's name. Of the {enforced} sent "
            "under p={policy}, receivers blocked {blocked} ({blocked_pct} %).",
            "{messages} messages from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM: someone else is sending in the practice's name. Of the {enforced} sent "
            "under p={policy}, receivers blocked {blocked} ({blocked_pct} %).",
            "messages",
        ),
        N_(
            "spoofing/quarantine-pct",
            "The record has pct={pct}: receivers quarantine only {pct} % of such mail and deliver "
            "the rest. Remove pct (or set pct=100); once every real sender is aligned, move to "
            "p=reject.",
        ),
    ),
    "spoofing/reject": (
        NP_(
            "spoofing/reject",
            "{messages} message from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM: someone else is sending in the practice's name. Of the {enforced} sent "
            "under p={policy}, receivers blocked {blocked} ({blocked_pct} %).",
            "{messages} messages from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM: someone else is sending in the practice's name. Of the {enforced} sent "
            "under p={policy}, receivers blocked {blocked} ({blocked_pct} %).",
            "messages",
        ),
        N_(
            "spoofing/reject",
            "The policy already asks receivers to reject such mail; those that delivered it "
            "applied their own local policy. Nothing to change in DNS: keep p=reject and pct=100.",
        ),
    ),
    "spoofing/reject-pct": (
        NP_(
            "spoofing/reject-pct",
            "{messages} message from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM: someone else is sending in the practice's name. Of the {enforced} sent "
            "under p={policy}, receivers blocked {blocked} ({blocked_pct} %).",
            "{messages} messages from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM: someone else is sending in the practice's name. Of the {enforced} sent "
            "under p={policy}, receivers blocked {blocked} ({blocked_pct} %).",
            "messages",
        ),
        N_(
            "spoofing/reject-pct",
            "The record has pct={pct}: receivers reject only {pct} % of such mail and quarantine "
            "the rest. Remove pct (or set pct=100).",
        ),
    ),
    "spoofing/info": (
        NP_(
            "spoofing/info",
            "{messages} message from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM; receivers blocked {blocked_pct} % ({blocking_receivers}).",
            "{messages} messages from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM; receivers blocked {blocked_pct} % of them ({blocking_receivers}).",
            "messages",
        ),
        N_(
            "spoofing/info",
            "Nothing to do: the DMARC policy protects the domain.",
        ),
    ),
    "spoofing/info-since": (
        NP_(
            "spoofing/info-since",
            "{messages} message from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM. {unprotected} of them came while p=none was published, before the "
            "policy protected the domain; of the {enforced} sent under p={policy}, receivers "
            "blocked {blocked_pct} % ({blocking_receivers}).",
            "{messages} messages from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM. {unprotected} of them came while p=none was published, before the "
            "policy protected the domain; of the {enforced} sent under p={policy}, receivers "
            "blocked {blocked_pct} % ({blocking_receivers}).",
            "messages",
        ),
        N_(
            "spoofing/info-since",
            "Nothing to do: the DMARC policy protects the domain now.",
        ),
    ),
    "spoofing/info-before": (
        NP_(
            "spoofing/info-before",
            "{messages} message from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM while p=none was published, before the current policy (p={policy}) "
            "protected the domain.",
            "{messages} messages from unknown sources ({sources}) used {domain} without passing "
            "SPF or DKIM, all while p=none was published, before the current policy (p={policy}) "
            "protected the domain.",
            "messages",
        ),
        N_(
            "spoofing/info-before",
            "Nothing to do: the DMARC policy protects the domain now.",
        ),
    ),
    "unknown-sender-passing": (
        NP_(
            "unknown-sender-passing",
            "{messages} message from sources that dmarcwatch does not recognise ({sources}) "
            "passes DMARC as {domain} (signed as {signing_domains}; return path "
            "{envelope_domains}; host names {rdns}). A service is sending with the practice's "
            "keys that nobody listed.",
            "{messages} messages from sources that dmarcwatch does not recognise ({sources}) "
            "pass DMARC as {domain} (signed as {signing_domains}; return path "
            "{envelope_domains}; host names {rdns}). A service is sending with the practice's "
            "keys that nobody listed.",
            "messages",
        ),
        N_(
            "unknown-sender-passing",
            "Find out which service this is. If it is yours, nothing breaks; if not, remove its "
            "entry from the SPF record and revoke its DKIM key.",
        ),
    ),
    "approved-sender-failing": (
        NP_(
            "approved-sender-failing",
            "{messages} message ({failed_pct} % of its mail) that {approved}, a sender "
            "approved for {domain}, sent fails DMARC.",
            "{messages} messages ({failed_pct} % of its mail) that {approved}, a sender "
            "approved for {domain}, sent fail DMARC.",
            "messages",
        ),
        N_(
            "approved-sender-failing",
            "The practice uses {approved}, so fix its set-up: it must sign with a DKIM key of "
            "{domain} or use a return path under {domain} (see the other findings for "
            "{approved}).",
        ),
    ),
    "unapproved-sender-passing": (
        NP_(
            "unapproved-sender-passing",
            "{messages} message from sources nobody approved for {domain} "
            "({senders}) passes DMARC: either a service the practice uses and forgot to list, "
            "or someone else sending through infrastructure the SPF record or a DKIM key "
            "opens to them.",
            "{messages} messages from sources nobody approved for {domain} "
            "({senders}) pass DMARC: either a service the practice uses and forgot to list, "
            "or someone else sending through infrastructure the SPF record or a DKIM key "
            "opens to them.",
            "messages",
        ),
        N_(
            "unapproved-sender-passing",
            "If the practice uses it, approve it ('dmarcwatch senders approve'); if not, "
            "remove its entry from the SPF record and revoke its DKIM key, because it can "
            "send as {domain}.",
        ),
    ),
    "unapproved-sender-failing": (
        NP_(
            "unapproved-sender-failing",
            "{messages} message sent as {domain} through {senders}, which nobody approved for "
            "{domain}, fails DMARC: someone else using that service to "
            "spoof the domain, or a service the practice uses that is neither approved nor "
            "set up.",
            "{messages} messages sent as {domain} through {senders}, which nobody approved "
            "for {domain}, fail DMARC: someone else using that service to "
            "spoof the domain, or a service the practice uses that is neither approved nor "
            "set up.",
            "messages",
        ),
        N_(
            "unapproved-sender-failing",
            "If the practice does not use {senders}, nothing to do: a stricter policy has "
            "receivers block this mail. If it does, approve it and set up DKIM for {domain} "
            "there.",
        ),
    ),
    "receiver-rejected/legitimate": (
        NP_(
            "receiver-rejected/legitimate",
            "{receiver} rejected {messages} message of {domain} sent by {senders}; "
            "{dmarc_failed} of them failed DMARC under p={policy}. This message did not arrive.",
            "{receiver} rejected {messages} messages of {domain} sent by {senders}; "
            "{dmarc_failed} of them failed DMARC under p={policy}. These messages did not arrive.",
            "messages",
        ),
        N_(
            "receiver-rejected/legitimate",
            "Fix the alignment of {senders} (see the other findings); until then consider p=none.",
        ),
    ),
    "receiver-rejected/forwarded": (
        NP_(
            "receiver-rejected/forwarded",
            "{receiver} rejected {messages} forwarded copy of mail from {domain} whose signature "
            "did not survive forwarding ({senders}).",
            "{receiver} rejected {messages} forwarded copies of mail from {domain} whose "
            "signature did not survive forwarding ({senders}).",
            "messages",
        ),
        N_(
            "receiver-rejected/forwarded",
            "Usually nothing to do: the original messages were delivered.",
        ),
    ),
    "receiver-rejected/spoofed": (
        NP_(
            "receiver-rejected/spoofed",
            "{receiver} rejected {messages} spoofed message that used {domain}.",
            "{receiver} rejected {messages} spoofed messages that used {domain}.",
            "messages",
        ),
        N_(
            "receiver-rejected/spoofed",
            "Nothing to do: the DMARC policy works.",
        ),
    ),
    "receiver-quarantined/legitimate": (
        NP_(
            "receiver-quarantined/legitimate",
            "{receiver} put {messages} message of {domain} sent by {senders} in the spam folder; "
            "{dmarc_failed} of them failed DMARC under p={policy}.",
            "{receiver} put {messages} messages of {domain} sent by {senders} in the spam "
            "folder; {dmarc_failed} of them failed DMARC under p={policy}.",
            "messages",
        ),
        N_(
            "receiver-quarantined/legitimate",
            "Fix the alignment of {senders} (see the other findings).",
        ),
    ),
    "receiver-quarantined/forwarded": (
        NP_(
            "receiver-quarantined/forwarded",
            "{receiver} put {messages} forwarded copy of mail from {domain} in the spam folder "
            "({senders}).",
            "{receiver} put {messages} forwarded copies of mail from {domain} in the spam folder "
            "({senders}).",
            "messages",
        ),
        N_(
            "receiver-quarantined/forwarded",
            "Usually nothing to do: the original messages were delivered.",
        ),
    ),
    "receiver-quarantined/spoofed": (
        NP_(
            "receiver-quarantined/spoofed",
            "{receiver} put {messages} spoofed message that used {domain} in the spam folder.",
            "{receiver} put {messages} spoofed messages that used {domain} in the spam folder.",
            "messages",
        ),
        N_(
            "receiver-quarantined/spoofed",
            "Nothing to do: the DMARC policy works.",
        ),
    ),
    "reporter-disagrees": (
        NP_(
            "reporter-disagrees",
            "For {messages} message the receivers' DMARC verdict differs from dmarcwatch's own "
            "check ({reporter_pass} passed by the receiver although not aligned, {reporter_fail} "
            "failed although aligned; {tree_explains} explained by the RFC 9989 tree walk). "
            "Senders: {senders}.",
            "For {messages} messages the receivers' DMARC verdict differs from dmarcwatch's own "
            "check ({reporter_pass} passed by the receiver although not aligned, {reporter_fail} "
            "failed although aligned; {tree_explains} explained by the RFC 9989 tree walk). "
            "Senders: {senders}.",
            "messages",
        ),
        N_(
            "reporter-disagrees",
            "Usually nothing to do: receivers apply local rules. If it persists, compare with the "
            "other findings.",
        ),
    ),
    "tree-walk-differs": (
        NP_(
            "tree-walk-differs",
            "{messages} message sent as {header_from} by {senders} passes DMARC only because "
            "receivers still use the Public Suffix List: the authenticated domains "
            "({identities}) belong to another organisational domain under the new DMARC standard "
            "(RFC 9989), which looks up DMARC records in DNS instead.",
            "{messages} messages sent as {header_from} by {senders} pass DMARC only because "
            "receivers still use the Public Suffix List: the authenticated domains "
            "({identities}) belong to another organisational domain under the new DMARC standard "
            "(RFC 9989), which looks up DMARC records in DNS instead.",
            "messages",
        ),
        N_(
            "tree-walk-differs",
            "Publish a DMARC record at the parent domain as well, or sign and send with "
            "{header_from} itself.",
        ),
    ),
    "policy-readiness/ready": (
        NP_(
            "policy-readiness/ready",
            "{domain} is ready for a stricter policy: every known sender passed DMARC for at "
            "least 99 % of its mail over the last {days} day.",
            "{domain} is ready for a stricter policy: every known sender passed DMARC for at "
            "least 99 % of its mail over the last {days} days.",
            "days",
        ),
        N_(
            "policy-readiness/ready",
            "Change the DMARC record from p={policy} to p={next}, then watch the reports for two "
            "weeks.",
        ),
    ),
    "policy-readiness/enforced": (
        N_(
            "policy-readiness/enforced",
            "{domain} is protected with p=reject and every known sender passes DMARC.",
        ),
        N_(
            "policy-readiness/enforced",
            "Nothing to do. Note that DMARC (RFC 9989) advises p=quarantine for domains whose "
            "users post to mailing lists.",
        ),
    ),
    "policy-readiness/enforced-blocked": (
        N_(
            "policy-readiness/enforced-blocked",
            "{domain} is at p=reject, but some known senders fail DMARC, so receivers reject their "
            "mail: {blockers}.",
        ),
        N_(
            "policy-readiness/enforced-blocked",
            "Fix these senders at once (see the other findings), or lower the policy to p=none "
            "until they pass.",
        ),
    ),
    "policy-readiness/not-enough-data": (
        NP_(
            "policy-readiness/not-enough-data",
            "Not enough reports yet to judge {domain}: {days} day of data, {needed_days} needed.",
            "Not enough reports yet to judge {domain}: {days} days of data, {needed_days} needed.",
            "days",
        ),
        NP_(
            "policy-readiness/not-enough-data",
            "Wait until reports cover {needed_days} day.",
            "Wait until reports cover {needed_days} days.",
            "needed_days",
        ),
    ),
    "policy-readiness/blocked": (
        N_(
            "policy-readiness/blocked",
            "{domain} cannot move from p={policy} to a stricter policy yet. Senders below 99 % "
            "DMARC pass: {blockers}.",
        ),
        NP_(
            "policy-readiness/blocked",
            "Fix these senders first (see the other findings); keep p={policy} until they pass "
            "for {needed_days} day.",
            "Fix these senders first (see the other findings); keep p={policy} until they pass "
            "for {needed_days} days.",
            "needed_days",
        ),
    ),
    "no-reports/never": (
        N_(
            "no-reports/never",
            "No DMARC aggregate report was ever received for {domain}.",
        ),
        N_(
            "no-reports/never",
            "Check that the DMARC record of {domain} has a rua=mailto: address that reaches "
            "dmarcwatch's mailbox; if that address is in another domain, that domain must publish "
            "the authorisation record {domain}._report._dmarc.<its domain>.",
        ),
    ),
    "no-reports/stopped": (
        NP_(
            "no-reports/stopped",
            "No DMARC aggregate report for {domain} for {days} day (last report period "
            "{last_report}).",
            "No DMARC aggregate report for {domain} for {days} days (last report period "
            "{last_report}).",
            "days",
        ),
        N_(
            "no-reports/stopped",
            "Check that the DMARC record of {domain} still has the right rua=mailto: address and, "
            "for an address in another domain, its _report._dmarc authorisation record.",
        ),
    ),
    "reports-set-aside": (
        NP_(
            "reports-set-aside",
            "{reports} report for {domain} was set aside and is not counted in pass rates or "
            "policy readiness: {unverified} came in mail without a DKIM signature of its "
            "reporter, {failed} in mail whose signature failed or belongs to another domain, "
            "{outranked} lost a dispute over its report key.",
            "{reports} reports for {domain} were set aside and are not counted in pass rates or "
            "policy readiness: {unverified} came in mail without a DKIM signature of their "
            "reporter, {failed} in mail whose signature failed or belongs to another domain, "
            "{outranked} lost a dispute over their report key.",
            "reports",
        ),
        N_(
            "reports-set-aside",
            "Anyone can send mail to the rua address, so only reports in mail signed by the "
            "reporter's own domain count. If a real reporter's mail arrives unsigned (a "
            "forwarding mailbox can break signatures), deliver reports straight to the rua "
            "mailbox, or count unsigned reports with include_unverified = true in the config "
            "or --include-unverified.",
        ),
    ),
    "rows-folded": (
        NP_(
            "rows-folded",
            "{records} record of {domain} was analysed folded: the "
            "period holds more groups of records than the {budget} an analysis keeps apart, so "
            "the {groups} smallest were summed per day, receiver and verdict, their sources, "
            "identifiers and results no longer told apart (they count as unknown senders, "
            "passing or failing DMARC as the receivers said).",
            "{records} records of {domain} were analysed folded: the "
            "period holds more groups of records than the {budget} an analysis keeps apart, so "
            "the {groups} smallest were summed per day, receiver and verdict, their sources, "
            "identifiers and results no longer told apart (they count as unknown senders, "
            "passing or failing DMARC as the receivers said).",
            "records",
        ),
        N_(
            "rows-folded",
            "Anyone can send reports, and a flood of records from distinct addresses would "
            "otherwise exhaust memory. Every report is stored. The reporters named in the "
            "evidence sent the folded records: check that they are real receivers, or analyse a "
            "shorter period.",
        ),
    ),
    "report-key-disputed/decided": (
        NP_(
            "report-key-disputed/decided",
            "{disputed} report key of {domain} (reporter, report id, period) is claimed by "
            "different reports ({reporters}); the one in mail signed by its reporter counts, "
            "the others are set aside.",
            "{disputed} report keys of {domain} (reporter, report id, period) are claimed by "
            "different reports ({reporters}); in each, the one in mail signed by its reporter "
            "counts, the others are set aside.",
            "disputed",
        ),
        N_(
            "report-key-disputed/decided",
            "Someone may be sending forged reports that copy the ids of real ones. Nothing to "
            "change as long as the real reporters sign their mail; keep an eye on the rua "
            "mailbox.",
        ),
    ),
    "report-key-disputed/undecided": (
        NP_(
            "report-key-disputed/undecided",
            "{disputed} report key of {domain} (reporter, report id, period) is claimed by "
            "different reports ({reporters}), and no one of them is trusted more than the "
            "others: none of them is counted ({undecided} undecided).",
            "{disputed} report keys of {domain} (reporter, report id, period) are claimed by "
            "different reports ({reporters}), and for {undecided} of them no one report is "
            "trusted more than the others: none of those is counted.",
            "disputed",
        ),
        N_(
            "report-key-disputed/undecided",
            "Someone may be sending forged reports that copy the ids of real ones, and the "
            "tool cannot tell which is real. Look at the mails in the rua mailbox that carry "
            "these reports and at their DKIM signatures, and ask the reporter if in doubt.",
        ),
    ),
    "tls-certificate": (
        NP_(
            "tls-certificate",
            "{sessions} delivery to {domain} ({share} % of the reported sessions) could not use "
            "a valid certificate on {hosts}: {result_types} (reported by {reporters}). Mail "
            "went unencrypted or, where the policy enforces it, was not delivered.",
            "{sessions} deliveries to {domain} ({share} % of the reported sessions) could not "
            "use a valid certificate on {hosts}: {result_types} (reported by {reporters}). Mail "
            "went unencrypted or, where the policy enforces it, was not delivered.",
            "sessions",
        ),
        N_(
            "tls-certificate",
            "Whoever runs the incoming mail servers of {domain} must install a current "
            "certificate from a public certificate authority that names {hosts}, with its full "
            "chain.",
        ),
    ),
    "tls-starttls-not-offered": (
        NP_(
            "tls-starttls-not-offered",
            "{sessions} delivery to {domain} found no encryption: {hosts} did not offer "
            "STARTTLS (reported by {reporters}).",
            "{sessions} deliveries to {domain} found no encryption: {hosts} did not offer "
            "STARTTLS (reported by {reporters}).",
            "sessions",
        ),
        N_(
            "tls-starttls-not-offered",
            "The mail provider must enable STARTTLS with a valid certificate on {hosts}; if a "
            "spam filter or gateway sits in front, it must offer STARTTLS too.",
        ),
    ),
    "tls-sts-policy": (
        NP_(
            "tls-sts-policy",
            "{sessions} delivery to {domain} could not use its MTA-STS policy: {result_types} "
            "(reported by {reporters}). Senders then deliver without checking the certificate.",
            "{sessions} deliveries to {domain} could not use its MTA-STS policy: {result_types} "
            "(reported by {reporters}). Senders then deliver without checking the certificate.",
            "sessions",
        ),
        N_(
            "tls-sts-policy",
            "Serve the policy at https://mta-sts.{domain}/.well-known/mta-sts.txt (HTTP 200, no "
            "redirect, text/plain) with a valid certificate for mta-sts.{domain}, its mx: lines "
            "matching the MX records, and change the id in the _mta-sts.{domain} TXT record.",
        ),
    ),
    "tls-validation": (
        NP_(
            "tls-validation",
            "{sessions} delivery to {domain} failed TLS validation on {hosts}: {result_types} "
            "({reasons}; policy {policy_types}; reported by {reporters}).",
            "{sessions} deliveries to {domain} failed TLS validation on {hosts}: {result_types} "
            "({reasons}; policy {policy_types}; reported by {reporters}).",
            "sessions",
        ),
        N_(
            "tls-validation",
            "The mail provider must check the certificate chain of {hosts}; for DANE, the TLSA "
            "records must match the certificate in use and the zone must be correctly signed "
            "(DNSSEC).",
        ),
    ),
    "tls-clean": (
        NP_(
            "tls-clean",
            "{sessions} delivery to {domain} was encrypted and validated, without failure "
            "(TLS reports from {reporters}).",
            "{sessions} deliveries to {domain} were encrypted and validated, without failure "
            "(TLS reports from {reporters}).",
            "sessions",
        ),
        N_("tls-clean", "Nothing to do."),
    ),
    "reports-stopped": (
        NP_(
            "reports-stopped",
            "{reporter} sent aggregate reports for {domain} regularly (usually every {usual_gap} "
            "hours), but none for {days} day now (last report period {last_report}).",
            "{reporter} sent aggregate reports for {domain} regularly (usually every {usual_gap} "
            "hours), but none for {days} days now (last report period {last_report}).",
            "days",
        ),
        N_(
            "reports-stopped",
            "Nothing to change if the practice no longer sends mail to {reporter}'s users. "
            "Otherwise check that mail to them is still delivered, and that the rua= address of "
            "the DMARC record of {domain} still reaches dmarcwatch's mailbox.",
        ),
    ),
    "dns-changed/changed": (
        N_(
            "dns-changed/changed",
            "The {kind} record at {name} changed between the DNS checks of {checked_before} and "
            "{checked_after}. Before: {before} Now: {after}",
        ),
        N_(
            "dns-changed/changed",
            "If nobody meant to change it, ask whoever manages the DNS of {domain} and put the "
            "old record back; if it was meant, nothing to do.",
        ),
    ),
    "dns-changed/added": (
        N_(
            "dns-changed/added",
            "A {kind} record appeared at {name} between the DNS checks of {checked_before} and "
            "{checked_after}: {after}",
        ),
        N_(
            "dns-changed/added",
            "If nobody meant to publish it, ask whoever manages the DNS of {domain} to remove "
            "it; if it was meant, nothing to do.",
        ),
    ),
    "dns-changed/removed": (
        N_(
            "dns-changed/removed",
            "The {kind} record at {name} disappeared between the DNS checks of {checked_before} "
            "and {checked_after}. It was: {before}",
        ),
        N_(
            "dns-changed/removed",
            "If nobody meant to remove it, ask whoever manages the DNS of {domain} to publish it "
            "again; mail may fail DMARC without it.",
        ),
    ),
}
