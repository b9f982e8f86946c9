"""Column names of the analysis DataFrames, one constant each (used by tables, rules, reports)."""

from __future__ import annotations

# Loaded from the store (one row per group of identical records, summed).
DOMAIN = "domain"  # policy_published/domain
DAY = "day"  # UTC date of the report's begin (datetime64, midnight)
RECEIVER = "receiver"  # report_metadata/org_name
ADKIM = "adkim"
ASPF = "aspf"
P = "p"
SP = "sp"
PCT = "pct"  # the report's published pct (100 when absent: RFC 9990 removed the tag)
SOURCE_IP = "source_ip"
HEADER_FROM = "header_from"
ENVELOPE_FROM = "envelope_from"
DISPOSITION = "disposition"
PE_DKIM = "pe_dkim"  # policy_evaluated/dkim, the reporter's aligned-DKIM verdict
PE_SPF = "pe_spf"
DKIM_RESULTS = "dkim_results"  # sorted tuple of analysis.read.DkimResult (lower-case)
SPF_RESULTS = "spf_results"  # sorted tuple of analysis.read.SpfResult (lower-case)
REASONS = "reasons"  # sorted tuple of the override reason types (lower-case)
REASON_DETAILS = "reason_details"  # records only: sorted tuple of analysis.read.Reason
MESSAGES = "messages"
RECORDS = "records"
REPORT_END = "report_end"  # latest end_ts of the grouped reports (epoch seconds)

# Derived from the auth results.
SPF_DOMAIN = "spf_domain"
SPF_RESULT = "spf_result"
DKIM_PASS_DOMAINS = "dkim_pass_domains"  # noqa: S105 — tuple of d= with result pass
RDNS = "rdns"

# Network owner of the source IP (analysis.owners; 0 and "" when not known).
ASN = "asn"
AS_NAME = "as_name"
COUNTRY = "country"  # ISO 3166 alpha-2 of the network

# Classification (analysis.classify).
SENDER = "sender"  # catalogue id or "unknown"
SENDER_BY = "sender_by"  # ip | rdns | envelope | dkim | "" (how the sender was recognised)
PATH_SENDER = "path_sender"  # who delivered (by IP, rDNS or authorised envelope), or ""
SIGNER = "signer"  # who signed (by DKIM d=/selector), or ""
FORWARDED = "forwarded"  # the delivering host is not the sender: a forwarder or list

# Alignment (analysis.alignment).
DKIM_ALIGNED = "dkim_aligned"  # recomputed: a passing DKIM signature aligned with header_from
SPF_ALIGNED = "spf_aligned"  # recomputed: SPF pass on a domain aligned with header_from
DMARC_PASS = "dmarc_pass"  # noqa: S105 — recomputed, PSL organisational domains (RFC 7489)
REPORTER_PASS = "reporter_pass"  # noqa: S105 — policy_evaluated dkim == pass or spf == pass
DISAGREES = "disagrees"  # recomputed DMARC result differs from the reporter's
DKIM_ALIGNED_TREE = "dkim_aligned_tree"  # same, organisational domain by the RFC 9989 tree walk
SPF_ALIGNED_TREE = "spf_aligned_tree"
DMARC_PASS_TREE = "dmarc_pass_tree"  # noqa: S105
TREE_DIFFERS = "tree_differs"  # PSL and tree walk give different DMARC results
FOLDED = "folded"  # summed past the row budget: no source or results, the receiver's verdict
