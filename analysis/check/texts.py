"""English texts of the findings of ``dmarcwatch check``, per message key (see
:mod:`analysis.check.messages`).

A key is a finding code, or ``code.variant`` where one code has several situations; it is the
``msgctxt`` of the translations in ``analysis/locale/<lang>/LC_MESSAGES/analysis.po``.
Placeholders in {braces} are filled from the observation; {domain} is always available.
"""

from __future__ import annotations

from ..i18n import N_, NP_, Msg

TEXTS: dict[str, tuple[Msg, Msg]] = {
    "spf-missing": (
        N_(
            "spf-missing",
            "{domain} publishes no SPF record.",
        ),
        N_(
            "spf-missing",
            "Publish one TXT record at {domain}: {suggestion}",
        ),
    ),
    "spf-multiple-records": (
        N_(
            "spf-multiple-records",
            "{domain} has {count} SPF records; receivers then fail SPF for every message "
            "(permerror).",
        ),
        N_(
            "spf-multiple-records",
            "Merge them into one TXT record that starts with v=spf1 and delete the others.",
        ),
    ),
    "spf-invalid": (
        N_(
            "spf-invalid",
            "The SPF record of {domain} has a syntax error: {detail}. Receivers treat it as "
            "permerror.",
        ),
        N_(
            "spf-invalid",
            "Correct the record; valid terms are all, include, a, mx, ptr, ip4, ip6, exists, "
            "redirect= and exp=.",
        ),
    ),
    "spf-too-many-lookups": (
        NP_(
            "spf-too-many-lookups",
            "The SPF record of {domain} needs more than 10 DNS lookups ({count} counted before "
            "the check stopped where receivers stop), so SPF ends in permerror.",
            "The SPF record of {domain} needs more than 10 DNS lookups ({count} counted before "
            "the check stopped where receivers stop), so SPF ends in permerror.",
            "count",
        ),
        N_(
            "spf-too-many-lookups",
            "Remove includes of services that no longer send for the domain, or replace a, mx and "
            "nested includes with ip4:/ip6: ranges you keep up to date.",
        ),
    ),
    "spf-lookups-near-limit": (
        N_(
            "spf-lookups-near-limit",
            "The SPF record of {domain} needs {count} of the 10 allowed DNS lookups; one more "
            "provider change can break it.",
        ),
        N_(
            "spf-lookups-near-limit",
            "Keep room under the limit: drop includes that are no longer needed before adding a "
            "new one.",
        ),
    ),
    "spf-void-lookups.over": (
        NP_(
            "spf-void-lookups.over",
            "The SPF record of {domain} has {count} lookup that finds nothing; more than 2 makes "
            "SPF end in permerror.",
            "The SPF record of {domain} has {count} lookups that find nothing; more than 2 makes "
            "SPF end in permerror.",
            "count",
        ),
        N_(
            "spf-void-lookups.over",
            "Remove the terms that point to names without records: {terms}",
        ),
    ),
    "spf-void-lookups.some": (
        NP_(
            "spf-void-lookups.some",
            "The SPF record of {domain} has {count} lookup that finds nothing (limit 2): {terms}",
            "The SPF record of {domain} has {count} lookups that find nothing (limit 2): {terms}",
            "count",
        ),
        NP_(
            "spf-void-lookups.some",
            "Remove the term, or publish the record it expects (for 'a': an A or AAAA record at "
            "the name).",
            "Remove the terms, or publish the records they expect (for 'a': an A or AAAA record "
            "at the name).",
            "count",
        ),
    ),
    "spf-include-broken": (
        N_(
            "spf-include-broken",
            "An include or redirect in the SPF record of {domain} leads to no usable record "
            "({detail}); receivers reaching it return permerror.",
        ),
        N_(
            "spf-include-broken",
            "Correct or remove the include; check the spelling of the provider's SPF name.",
        ),
    ),
    "spf-permissive-all.plus": (
        N_(
            "spf-permissive-all.plus",
            "The SPF record of {domain} ends in +all: every server on the internet passes SPF for "
            "the domain.",
        ),
        N_(
            "spf-permissive-all.plus",
            "Replace +all with ~all (or -all) once every sending service is listed.",
        ),
    ),
    "spf-permissive-all.neutral": (
        N_(
            "spf-permissive-all.neutral",
            "The SPF record of {domain} ends in ?all: servers it does not list get a neutral "
            "result, which protects nothing.",
        ),
        N_(
            "spf-permissive-all.neutral",
            "Replace ?all with ~all (or -all) once every sending service is listed.",
        ),
    ),
    "spf-permissive-all.missing": (
        N_(
            "spf-permissive-all.missing",
            "The SPF record of {domain} has no all term and no redirect; unlisted servers get a "
            "neutral result.",
        ),
        N_(
            "spf-permissive-all.missing",
            "End the record with ~all (or -all).",
        ),
    ),
    "spf-ptr": (
        N_(
            "spf-ptr",
            "The SPF record of {domain} uses ptr, which RFC 7208 says not to use: it is slow and "
            "some receivers ignore it.",
        ),
        N_(
            "spf-ptr",
            "Replace ptr with the sender's include or its ip4:/ip6: ranges.",
        ),
    ),
    "spf-record-too-long": (
        N_(
            "spf-record-too-long",
            "The SPF record of {domain} is {length} characters long; above about 450 the answer "
            "may not fit one DNS packet.",
        ),
        N_(
            "spf-record-too-long",
            "Shorten it: drop unused terms, or use a provider's include instead of long address "
            "lists.",
        ),
    ),
    "spf-sender-not-covered.dkim-cname": (
        N_(
            "spf-sender-not-covered.dkim-cname",
            "{sender} sends for {domain}: its DKIM CNAME {name} points to {target}. But the "
            "SPF record of {domain} does not include {include}.",
        ),
        N_(
            "spf-sender-not-covered.dkim-cname",
            "Add include:{include} before the all term. (SendGrid checks SPF on its own em… "
            "return-path name, so for SendGrid this matters for mail sent with {domain} as the "
            "envelope sender.)",
        ),
    ),
    "spf-sender-not-covered.reports": (
        N_(
            "spf-sender-not-covered.reports",
            "{sender} sends for {domain}, as the stored reports show, but the SPF record of "
            "{domain} does not include {include}.",
        ),
        N_(
            "spf-sender-not-covered.reports",
            "Add include:{include} before the all term. (SendGrid checks SPF on its own em… "
            "return-path name, so for SendGrid this matters for mail sent with {domain} as the "
            "envelope sender.)",
        ),
    ),
    "spf-sender-not-covered.sender-option": (
        N_(
            "spf-sender-not-covered.sender-option",
            "{sender} sends for {domain} (named with --sender), but the SPF record of {domain} "
            "does not include {include}.",
        ),
        N_(
            "spf-sender-not-covered.sender-option",
            "Add include:{include} before the all term. (SendGrid checks SPF on its own em… "
            "return-path name, so for SendGrid this matters for mail sent with {domain} as the "
            "envelope sender.)",
        ),
    ),
    "spf-macro-unchecked": (
        N_(
            "spf-macro-unchecked",
            "The SPF record of {domain} uses macros ({terms}); their lookups depend on each "
            "message and were not followed.",
        ),
        N_(
            "spf-macro-unchecked",
            "Nothing to do if the macros are intended.",
        ),
    ),
    "spf-ok": (
        N_(
            "spf-ok",
            "The SPF record of {domain} is valid: {count} of 10 DNS lookups, ends in {all}.",
        ),
        N_(
            "spf-ok",
            "Nothing to do.",
        ),
    ),
    "dmarc-missing": (
        N_(
            "dmarc-missing",
            "No DMARC record applies to {domain}: none at _dmarc.{domain} nor at its "
            "organisational domain. Receivers apply no policy and send no reports.",
        ),
        N_(
            "dmarc-missing",
            "Publish a TXT record at _dmarc.{domain}: v=DMARC1; p=none; rua=mailto:<your report "
            "address>",
        ),
    ),
    "dmarc-multiple-records": (
        N_(
            "dmarc-multiple-records",
            "_dmarc.{name} has {count} DMARC records; receivers discard them all, so no DMARC "
            "applies there.",
        ),
        N_(
            "dmarc-multiple-records",
            "Keep exactly one TXT record starting with v=DMARC1 at _dmarc.{name}.",
        ),
    ),
    "dmarc-invalid.fatal": (
        N_(
            "dmarc-invalid.fatal",
            "The DMARC record at _dmarc.{name} is not valid: {detail}. Receivers may ignore it.",
        ),
        N_(
            "dmarc-invalid.fatal",
            "Correct the record, e.g. v=DMARC1; p=none; rua=mailto:<your report address>",
        ),
    ),
    "dmarc-invalid.minor": (
        N_(
            "dmarc-invalid.minor",
            "The DMARC record at _dmarc.{name} has a defect: {detail}.",
        ),
        N_(
            "dmarc-invalid.minor",
            "Correct the tag; receivers fall back to the default for a tag they cannot read.",
        ),
    ),
    "dmarc-invalid.near-miss": (
        N_(
            "dmarc-invalid.near-miss",
            "_dmarc.{name} has a TXT record that looks like DMARC but does not start with a valid "
            "v=DMARC1 tag, so receivers discard it: {detail}",
        ),
        N_(
            "dmarc-invalid.near-miss",
            "Rewrite it as v=DMARC1; p=none; rua=mailto:<your report address> (tags separated by "
            "semicolons).",
        ),
    ),
    "dmarc-misplaced": (
        N_(
            "dmarc-misplaced",
            "A DMARC record is published at {domain} itself, where it has no effect.",
        ),
        N_(
            "dmarc-misplaced",
            "Move it to _dmarc.{domain}.",
        ),
    ),
    "dmarc-inherited": (
        N_(
            "dmarc-inherited",
            "{domain} has no DMARC record of its own; receivers apply the record of {found_at} "
            "(policy {policy} for subdomains).",
        ),
        N_(
            "dmarc-inherited",
            "Nothing to do if that is intended; publish _dmarc.{domain} to give the subdomain its "
            "own policy and report address.",
        ),
    ),
    "dmarc-discovery-differs.policy": (
        N_(
            "dmarc-discovery-differs.policy",
            "Receivers disagree on the DMARC record of {domain}: by RFC 7489 (Public Suffix List) "
            "it is {psl}, by the RFC 9989 tree walk it is {walk}.",
        ),
        N_(
            "dmarc-discovery-differs.policy",
            "Publish an explicit record at _dmarc.{domain} (and at the organisational domain) so "
            "both methods find the same policy.",
        ),
    ),
    "dmarc-discovery-differs.org": (
        N_(
            "dmarc-discovery-differs.org",
            "The organisational domain of {domain} is {psl_org} by RFC 7489 but {walk_org} by the "
            "RFC 9989 tree walk: relaxed alignment with names under {psl_org} outside {walk_org} "
            "fails at receivers using the tree walk.",
        ),
        N_(
            "dmarc-discovery-differs.org",
            "Nothing to do while every sender signs and bounces under {walk_org} (SendGrid "
            "authenticated on {domain} does); otherwise also publish _dmarc.{psl_org}.",
        ),
    ),
    "dmarc-removed-tags": (
        NP_(
            "dmarc-removed-tags",
            "The DMARC record at _dmarc.{name} uses {tags}, removed by RFC 9989; receivers "
            "following it ignore the tag (harmless).",
            "The DMARC record at _dmarc.{name} uses {tags}, removed by RFC 9989; receivers "
            "following it ignore them (harmless).",
            "count",
        ),
        N_(
            "dmarc-removed-tags",
            "Nothing to do; you may drop them.",
        ),
    ),
    "dmarc-removed-tags.pct": (
        N_(
            "dmarc-removed-tags.pct",
            "The DMARC record at _dmarc.{name} has pct={pct}: RFC 7489 receivers apply the policy "
            "to only part of the failing mail, RFC 9989 receivers to all of it.",
        ),
        N_(
            "dmarc-removed-tags.pct",
            "Remove pct= and use t=y while testing an enforcing policy.",
        ),
    ),
    "dmarc-testing": (
        N_(
            "dmarc-testing",
            "The DMARC record at _dmarc.{name} has t=y: receivers following RFC 9989 apply one "
            "level less than p={policy}.",
        ),
        N_(
            "dmarc-testing",
            "Remove t=y when the test period is over.",
        ),
    ),
    "dmarc-no-rua": (
        N_(
            "dmarc-no-rua",
            "The DMARC record of {domain} (at _dmarc.{name}) has no rua address, so no aggregate "
            "reports are sent and dmarcwatch has nothing to read.",
        ),
        N_(
            "dmarc-no-rua",
            "Add rua=mailto:<the mailbox dmarcwatch polls> to the record.",
        ),
    ),
    "dmarc-rua-size": (
        N_(
            "dmarc-rua-size",
            "The rua address {uri} carries a size limit (!{size}), which RFC 9989 made obsolete; "
            "receivers ignore it.",
        ),
        N_(
            "dmarc-rua-size",
            "Nothing to do; you may remove the !{size} suffix.",
        ),
    ),
    "dmarc-rua-not-authorized.both": (
        N_(
            "dmarc-rua-not-authorized.both",
            "Reports for {policy_domain} go to {host}, another organisation's domain, which has "
            "not authorised them: there is no v=DMARC1 record at {name}. Receivers drop these "
            "reports.",
        ),
        N_(
            "dmarc-rua-not-authorized.both",
            'Ask the owner of {host} to publish a TXT record "v=DMARC1" at {name}, or send reports '
            "to an address under {policy_domain}.",
        ),
    ),
    "dmarc-rua-not-authorized.treewalk": (
        N_(
            "dmarc-rua-not-authorized.treewalk",
            "Reports for {policy_domain} go to {host}: the same organisation by the Public Suffix "
            "List, but not by the RFC 9989 tree walk, and {name} has no v=DMARC1 record. Receivers "
            "using the tree walk drop these reports.",
        ),
        N_(
            "dmarc-rua-not-authorized.treewalk",
            'Publish a TXT record "v=DMARC1" at {name} (or a DMARC record at _dmarc.{host_org}).',
        ),
    ),
    "dmarc-rua-authorized": (
        N_(
            "dmarc-rua-authorized",
            "{host} authorises reports for {policy_domain} ({name}).",
        ),
        N_(
            "dmarc-rua-authorized",
            "Nothing to do.",
        ),
    ),
    "dmarc-rua-no-mx.none": (
        N_(
            "dmarc-rua-no-mx.none",
            "The report address domain {host} has neither MX nor address records: reports cannot "
            "be delivered.",
        ),
        N_(
            "dmarc-rua-no-mx.none",
            "Publish an MX record for {host}, or use a report address on a domain that receives "
            "mail.",
        ),
    ),
    "dmarc-rua-no-mx.nxdomain": (
        N_(
            "dmarc-rua-no-mx.nxdomain",
            "The report address domain {host} does not exist: reports cannot be delivered.",
        ),
        N_(
            "dmarc-rua-no-mx.nxdomain",
            "Correct the rua address.",
        ),
    ),
    "dmarc-rua-no-mx.null-mx": (
        N_(
            "dmarc-rua-no-mx.null-mx",
            "The report address domain {host} publishes a null MX (it accepts no mail): reports "
            "cannot be delivered.",
        ),
        N_(
            "dmarc-rua-no-mx.null-mx",
            "Use a report address on a domain that receives mail.",
        ),
    ),
    "dmarc-rua-no-mx.address-only": (
        N_(
            "dmarc-rua-no-mx.address-only",
            "The report address domain {host} has no MX record; senders fall back to its address "
            "record, which many reporters do not do reliably.",
        ),
        N_(
            "dmarc-rua-no-mx.address-only",
            "Publish an MX record for {host}.",
        ),
    ),
    "dmarc-policy-none": (
        N_(
            "dmarc-policy-none",
            "{domain} is in monitoring mode (p=none): receivers report but do not block spoofed "
            "mail. This is the right first step.",
        ),
        N_(
            "dmarc-policy-none",
            "Collect reports for a few weeks; when `dmarcwatch diagnose` shows every legitimate "
            "sender aligned (policy-readiness), move to p=quarantine, then p=reject.",
        ),
    ),
    "dmarc-ok": (
        N_(
            "dmarc-ok",
            "A valid DMARC record applies to {domain} (_dmarc.{name}): p={policy}.",
        ),
        N_(
            "dmarc-ok",
            "Nothing to do.",
        ),
    ),
    "dkim-missing.given": (
        N_(
            "dkim-missing.given",
            "No DKIM key at {name}: mail signed with selector {selector} fails DKIM.",
        ),
        N_(
            "dkim-missing.given",
            "Publish the key (or the CNAME) your sending service gives for selector {selector}, "
            "exactly at {name}.",
        ),
    ),
    "dkim-missing.sender": (
        N_(
            "dkim-missing.sender",
            "No DKIM key at {name}, where {sender} publishes its key when signing for the domain "
            "is enabled.",
        ),
        N_(
            "dkim-missing.sender",
            "Enable DKIM for {domain} in {sender} and publish the records it shows.",
        ),
    ),
    "dkim-missing.sendgrid": (
        N_(
            "dkim-missing.sendgrid",
            "SendGrid sends for {domain}, but neither s1._domainkey nor s2._domainkey exists: the "
            "domain is not authenticated in SendGrid, so its mail is signed by sendgrid.net and "
            "fails DMARC.",
        ),
        N_(
            "dkim-missing.sendgrid",
            "In SendGrid, set up domain authentication for {domain} (Settings > Sender "
            "Authentication) and publish the three CNAME records it shows.",
        ),
    ),
    "dkim-missing.none-found": (
        N_(
            "dkim-missing.none-found",
            "No DKIM key was found for {domain} at the usual selectors ({selectors}); without "
            "DKIM, DMARC rests on SPF alone, which forwarding breaks.",
        ),
        N_(
            "dkim-missing.none-found",
            "Name the selector your sending service signs with: dmarcwatch check {domain} "
            "--selector NAME (reports show it), or import reports first.",
        ),
    ),
    "dkim-selectors-capped": (
        NP_(
            "dkim-selectors-capped",
            "Reports name {count} more DKIM selector for {domain} than the {limit} checked (those "
            "in the most reports); anyone can send a report, so the rest were left out.",
            "Reports name {count} more DKIM selectors for {domain} than the {limit} checked (those "
            "in the most reports); anyone can send a report, so the rest were left out.",
            "count",
        ),
        N_(
            "dkim-selectors-capped",
            "Nothing to do; to check one of them, name it: dmarcwatch check {domain} "
            "--selector NAME",
        ),
    ),
    "dkim-sendgrid-cname-broken.missing": (
        N_(
            "dkim-sendgrid-cname-broken.missing",
            "SendGrid's DKIM record {name} is missing while the other selector is set up: mail "
            "signed with {selector} fails DKIM.",
        ),
        N_(
            "dkim-sendgrid-cname-broken.missing",
            "Publish {name} as a CNAME to the target SendGrid shows under Sender Authentication.",
        ),
    ),
    "dkim-sendgrid-cname-broken.doubled": (
        N_(
            "dkim-sendgrid-cname-broken.doubled",
            "SendGrid's DKIM record was published at {doubled} instead of {name}: the DNS host "
            "appended the domain a second time, so receivers find no key.",
        ),
        N_(
            "dkim-sendgrid-cname-broken.doubled",
            "Delete {doubled} and publish the CNAME with only '{selector}._domainkey' (or the full "
            "name ending in a dot) as its name.",
        ),
    ),
    "dkim-sendgrid-cname-broken.dangling": (
        N_(
            "dkim-sendgrid-cname-broken.dangling",
            "{name} is a CNAME to {target}, where no DKIM key exists ({state}): mail signed with "
            "{selector} fails DKIM.",
        ),
        N_(
            "dkim-sendgrid-cname-broken.dangling",
            "Copy the CNAME target again from SendGrid (Sender Authentication); the user number in "
            "it is probably wrong.",
        ),
    ),
    "dkim-sendgrid-cname-broken.elsewhere": (
        N_(
            "dkim-sendgrid-cname-broken.elsewhere",
            "{name} is a CNAME to {target}, not to SendGrid ({state}): SendGrid's signatures with "
            "{selector} fail DKIM.",
        ),
        N_(
            "dkim-sendgrid-cname-broken.elsewhere",
            "Point {name} to the target SendGrid shows (s1.domainkey.u<id>.wl<n>.sendgrid.net "
            "style).",
        ),
    ),
    "dkim-sendgrid-cname-broken.txt-copy": (
        N_(
            "dkim-sendgrid-cname-broken.txt-copy",
            "{name} holds a copied key (TXT) instead of SendGrid's CNAME: when SendGrid rotates "
            "its key, DKIM will fail.",
        ),
        N_(
            "dkim-sendgrid-cname-broken.txt-copy",
            "Replace the TXT record with the CNAME SendGrid shows under Sender Authentication.",
        ),
    ),
    "dkim-key-revoked": (
        N_(
            "dkim-key-revoked",
            "The DKIM key at {name} is revoked (empty p=): every signature with selector "
            "{selector} fails.",
        ),
        N_(
            "dkim-key-revoked",
            "If mail is still signed with {selector}, publish the current key there, or switch the "
            "sending service to a selector with a valid key.",
        ),
    ),
    "dkim-key-weak": (
        N_(
            "dkim-key-weak",
            "The DKIM key at {name} has only {bits} bits; Gmail and Yahoo require at least 1024, "
            "so its signatures do not count.",
        ),
        N_(
            "dkim-key-weak",
            "Generate a 2048-bit key in the sending service and publish it (a new selector makes "
            "the change safe).",
        ),
    ),
    "dkim-key-short": (
        N_(
            "dkim-key-short",
            "The DKIM key at {name} has {bits} bits: accepted today, but 2048 is recommended.",
        ),
        N_(
            "dkim-key-short",
            "Move to a 2048-bit key at the next key change.",
        ),
    ),
    "dkim-key-invalid": (
        N_(
            "dkim-key-invalid",
            "The DKIM record at {name} cannot be used: {detail}. Signatures with selector "
            "{selector} fail.",
        ),
        N_(
            "dkim-key-invalid",
            "Publish the key record exactly as the sending service gives it (long keys are split "
            "into several quoted strings of one TXT record).",
        ),
    ),
    "dkim-multiple-keys": (
        N_(
            "dkim-multiple-keys",
            "{name} has {count} DKIM key records; receivers may pick any of them.",
        ),
        N_(
            "dkim-multiple-keys",
            "Keep only the current key at {name}.",
        ),
    ),
    "dkim-testing": (
        N_(
            "dkim-testing",
            "The DKIM key at {name} is flagged t=y (testing): some receivers do not count its "
            "signatures.",
        ),
        N_(
            "dkim-testing",
            "Remove t=y from the key record once signing works.",
        ),
    ),
    "dkim-ok": (
        N_(
            "dkim-ok",
            "DKIM key for selector {selector} is published at {name}{via}: {keyinfo}.",
        ),
        N_(
            "dkim-ok",
            "Nothing to do.",
        ),
    ),
    "sendgrid-return-path-broken.missing": (
        N_(
            "sendgrid-return-path-broken.missing",
            "SendGrid's return-path name {name} does not exist: SPF for SendGrid mail fails, and "
            "DMARC rests on DKIM alone.",
        ),
        N_(
            "sendgrid-return-path-broken.missing",
            "Publish {name} as a CNAME to the u<id>.wl<n>.sendgrid.net target shown in SendGrid "
            "(Sender Authentication).",
        ),
    ),
    "sendgrid-return-path-broken.elsewhere": (
        N_(
            "sendgrid-return-path-broken.elsewhere",
            "SendGrid's return-path name {name} points to {target}, not to SendGrid, or finds no "
            "single SPF record there ({state}).",
        ),
        N_(
            "sendgrid-return-path-broken.elsewhere",
            "Point {name} with a CNAME to the u<id>.wl<n>.sendgrid.net target shown in SendGrid.",
        ),
    ),
    "sendgrid-return-path-ok": (
        N_(
            "sendgrid-return-path-ok",
            "SendGrid's return-path name {name} points to {target} and its SPF record resolves.",
        ),
        N_(
            "sendgrid-return-path-ok",
            "Nothing to do.",
        ),
    ),
    "sendgrid-return-path-unchecked": (
        N_(
            "sendgrid-return-path-unchecked",
            "SendGrid's return-path name (em<number>.{domain}) was not checked: DNS cannot list it "
            "and no stored report names it.",
        ),
        N_(
            "sendgrid-return-path-unchecked",
            "Pass it with --return-path em<number>.{domain} (SendGrid shows it under Sender "
            "Authentication), or import reports first.",
        ),
    ),
    "dns-error": (
        N_(
            "dns-error",
            "The {rdtype} lookup of {name} failed ({error}); what depends on it was not checked.",
        ),
        N_(
            "dns-error",
            "Run the check again; if it keeps failing, ask the DNS host of {domain} to look at its "
            "name servers.",
        ),
    ),
    "dns-error.unreachable": (
        N_(
            "dns-error.unreachable",
            "No DNS query for {domain} got an answer ({error}); nothing could be checked.",
        ),
        N_(
            "dns-error.unreachable",
            "Check the network and the --nameserver given, then run the check again.",
        ),
    ),
}
