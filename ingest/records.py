"""Records: from the texts of a record's fields to a :class:`Record`, the same way on both paths.

:mod:`ingest.parse` reads a report with expat. Outside the records it always builds the report
with its exact element callbacks; records it reads one of two ways, and both end here:

- the exact way: the callbacks collect a record's leaf texts into dicts and call
  :meth:`RecordReader.auth`, :meth:`RecordReader.reason` and :meth:`RecordReader.record`;
- the fast way, for *plain* records (see the grammar below): :meth:`RecordReader.read_run`
  reads a run of them with regular expressions. A record is a head (``<record><row>`` and
  the source IP and count) and a tail (from ``<policy_evaluated>`` to ``</record>``). In a
  report, thousands of records share a few tails, so a tail is checked against the grammar
  and read once, into a *template*, and every record with the same tail bytes only has its
  head read.

Every rule (lower-casing words, RFC defaults, IP normalisation, counts, limits) is in this
module once, and the fast way gives the same warnings, in the same order, as the exact way:
a template keeps the warnings its tail gave and they are given again for each record.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from .errors import LimitExceeded, RejectClass, ReportParseError, quote
from .limits import Limits
from .model import DkimAuthResult, PolicyOverrideReason, Record, SpfAuthResult

__all__ = ["HEAD", "MAX_COUNT", "MAX_MESSAGES", "RECORD_LIMIT", "TAIL", "RecordReader", "domain"]

MAX_COUNT: Final = 2**63 - 1
MAX_MESSAGES: Final = 2**32 - 1
"""A record's count at most. RFC 7489 App. C says only xs:integer, but sums over a whole
store must fit 64-bit integers: two records of 2**63-1 made SQLite's SUM raise in every
analysis command. Four billion messages from one address in one report is no real count."""
_SIGNED = re.compile(r"[+-]?[0-9]+")
_CACHE_SIZE = 2048  # templates per report, of tails up to _CACHED_TAIL bytes: a few MB at most
_CACHED_TAIL = 2048
_IP_CACHE_SIZE = 65536

DISPOSITIONS = frozenset({"none", "quarantine", "reject", "pass"})
VERDICTS = frozenset({"pass", "fail"})
DKIM_RESULTS = frozenset({"none", "pass", "fail", "policy", "neutral", "temperror", "permerror"})
SPF_RESULTS = frozenset(
    {"none", "neutral", "pass", "fail", "softfail", "temperror", "permerror", "policy"}
    | {"unknown", "error"}  # the RFC 7489 XSD's names for temperror and permerror
)
REASONS = frozenset(
    {"forwarded", "sampled_out", "trusted_forwarder", "mailing_list", "local_policy", "other"}
    | {"policy_test_mode"}
)
_SCOPES = frozenset({"mfrom", "helo"})
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# An IPv4 address already in the form ipaddress would give it (no leading zeros).
_CANONICAL_IPV4 = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}")
_CANONICAL_IPV4_BYTES = re.compile(_CANONICAL_IPV4.pattern.encode())

# -- the grammar of a plain record ----------------------------------------------------------
#
# A plain record is the common layout, without anything that needs an XML parser to read: no
# comment, CDATA, processing instruction, entity or character reference, attribute, namespace
# prefix or empty-element tag, no element the exact parser would skip, and no text outside the
# leaves but XML white space. Sections come in the usual order (row, identifiers, optional
# auth_results); inside a section, leaves come in any order and may repeat (the last one wins,
# as in the exact parser). Leaf text excludes '<', '&', ']' (so never ']]>'), CR (which XML
# would turn into LF) and the control characters XML forbids, so a record that matches is
# well-formed XML by construction; U+FFFE and U+FFFF, also forbidden, are checked per chunk.
_S = rb"[ \t\r\n]*+"
_T = rb"[^<&\]\r\x00-\x08\x0b\x0c\x0e-\x1f]*+"


# One attribute (``<human_result lang="en">``, as some RFC 9990 reporters write it), which the
# exact parser ignores on a leaf: only one, as two could repeat a name, which XML forbids; no
# '>' in its value, so that the leaf's text starts at the first '>'.
_ATTRIBUTE = (
    rb"(?:[ \t\r\n]++[A-Za-z_][A-Za-z0-9_.:-]*+[ \t\r\n]*+=[ \t\r\n]*+"
    rb"""(?:"[^<>&"\x00-\x08\x0b\x0c\x0e-\x1f]*+"|'[^<>&'\x00-\x08\x0b\x0c\x0e-\x1f]*+')"""
    rb"[ \t\r\n]*+)?"
)


def _leaf(name: bytes, capture: bool = False, attribute: bool = False) -> bytes:
    text = b"(" + _T + b")" if capture else _T
    return name + (_ATTRIBUTE if attribute else b"") + b">" + text + b"</" + name + b">"


def _any(*branches: bytes) -> bytes:
    """One element out of *branches* (each written without its '<'), then white space."""
    return b"<(?:" + b"|".join(branches) + b")" + _S


_ROW_LEAF = _any(_leaf(b"source_ip", True), _leaf(b"count", True))
_ROW_LEAF_AFTER = _any(_leaf(b"source_ip"), _leaf(b"count"))
_REASON = b"reason>" + _S + b"(?:" + _any(_leaf(b"type"), _leaf(b"comment")) + b")*+</reason>"
_EVALUATED = _any(_leaf(b"disposition"), _leaf(b"dkim"), _leaf(b"spf"), _REASON)
_IDENTIFIER = _any(_leaf(b"header_from"), _leaf(b"envelope_from"), _leaf(b"envelope_to"))
_AUTH_LEAF = _any(
    _leaf(b"domain"),
    _leaf(b"selector"),
    _leaf(b"scope"),
    _leaf(b"result"),
    _leaf(b"human_result", attribute=True),
)
_AUTH = _any(
    b"dkim>" + _S + b"(?:" + _AUTH_LEAF + b")*+</dkim>",
    b"spf>" + _S + b"(?:" + _AUTH_LEAF + b")*+</spf>",
)
#: White space, ``<record><row>``, and the row's leaves before ``policy_evaluated``: the
#: source IP (group 1) and the count (group 2), the last of each if repeated.
HEAD: Final = re.compile(_S + b"<record>" + _S + b"<row>" + _S + b"(?:" + _ROW_LEAF + b")*+")
#: The rest of a plain record, from ``<policy_evaluated>`` to ``</record>``: groups are the
#: evaluated section, row leaves after it, the identifiers tag and section, auth_results.
TAIL: Final = re.compile(
    b"<policy_evaluated>" + _S + b"((?:" + _EVALUATED + b")*+)</policy_evaluated>" + _S
    + b"((?:" + _ROW_LEAF_AFTER + b")*+)</row>" + _S
    + b"<(identifiers|identities)>" + _S + b"((?:" + _IDENTIFIER + b")*+)</\\3>" + _S
    + b"(?:<auth_results>" + _S + b"((?:" + _AUTH + b")*+)</auth_results>" + _S + b")?"
    + b"</record>"
)  # fmt: skip
_END = b"</record>"
#: Bytes a plain record may span; a longer one is read the exact way.
RECORD_LIMIT: Final = 64 * 1024

_LEAF = re.compile(rb"<([a-z_]+)(?:[ \t\r\n][^>]*)?>([^<]*)</\1>")
_REASON_TEXT = re.compile(rb"<reason>(.*?)</reason>", re.DOTALL)
_AUTH_TEXT = re.compile(rb"<(dkim|spf)>(.*?)</\1>", re.DOTALL)


def _fields(text: bytes) -> dict[str, str]:
    """The leaves of a checked section, as the exact parser stores them (stripped text)."""
    return {name.decode(): value.decode().strip() for name, value in _LEAF.findall(text)}


def domain(text: str) -> str:
    """Domains compare case-insensitively (RFC 1035 2.3.3); a trailing root dot is dropped."""
    return text.lower().rstrip(".") if text else text


# What a tail reads as: the record's fields but the source IP and count, in Record's order.
_Fields = tuple[
    str,  # disposition
    str,  # dkim
    str,  # spf
    tuple[PolicyOverrideReason, ...],
    str,  # header_from
    str | None,  # envelope_from
    str | None,  # envelope_to
    tuple[DkimAuthResult, ...],
    tuple[SpfAuthResult, ...],
]


@dataclass(frozen=True, slots=True)
class _Template:
    """A tail read once: its fields, the warnings it gives (before the count, before the IP,
    after the IP, as :meth:`RecordReader.record` gives them), and the source IP or count it
    holds itself (row leaves after ``policy_evaluated``), if any."""

    fields: _Fields
    early: tuple[str, ...]
    middle: tuple[str, ...]
    late: tuple[str, ...]
    row: dict[str, str]
    quiet: bool  # none of the above: the record needs only its head read


# Record(...) of a frozen dataclass sets each field through object.__setattr__; on the fast
# path that is a third of the time spent per record. These set the slots directly (the
# unpacking fails at import if Record's fields change, so this cannot silently drift).
_NEW = object.__new__
(
    _SET_SOURCE_IP, _SET_COUNT, _SET_DISPOSITION, _SET_DKIM, _SET_SPF, _SET_REASONS,
    _SET_HEADER_FROM, _SET_ENVELOPE_FROM, _SET_ENVELOPE_TO, _SET_DKIM_RESULTS, _SET_SPF_RESULTS,
) = (getattr(Record, field.name).__set__ for field in dataclasses.fields(Record))  # fmt: skip


def _new_record(source_ip: str, count: int, fields: _Fields) -> Record:
    """The same as ``Record(source_ip, count, *fields)``, twice as fast."""
    record: Record = _NEW(Record)
    disposition, dkim, spf, reasons, header_from, envelope_from, envelope_to, dkims, spfs = fields
    _SET_SOURCE_IP(record, source_ip)
    _SET_COUNT(record, count)
    _SET_DISPOSITION(record, disposition)
    _SET_DKIM(record, dkim)
    _SET_SPF(record, spf)
    _SET_REASONS(record, reasons)
    _SET_HEADER_FROM(record, header_from)
    _SET_ENVELOPE_FROM(record, envelope_from)
    _SET_ENVELOPE_TO(record, envelope_to)
    _SET_DKIM_RESULTS(record, dkims)
    _SET_SPF_RESULTS(record, spfs)
    return record


class RecordReader:
    """The rules for records, with the per-report state they need (counts, flags, warnings).

    ``warnings`` is the report's warning tally (message -> times), shared with the parser.
    """

    def __init__(self, limits: Limits, warnings: dict[str, int]) -> None:
        self.limits = limits
        self.warnings = warnings
        self.record_no = 0
        self.messages = 0
        self.seen_9990 = False
        self.seen_scope = False
        self.seen_envelope_from = False
        self._capture: list[str] | None = None
        self._ip_cache: dict[str, str] = {}
        self._raw_ips: dict[bytes, str] = {}
        self._templates: dict[bytes, _Template] = {}
        self._quiet: dict[bytes, _Fields] = {}  # the templates that give no warnings

    # -- the rules ---------------------------------------------------------------------------

    def warn(self, message: str) -> None:
        """Count a warning (each message is kept once, with how many times it was given)."""
        if self._capture is not None:
            self._capture.append(message)
            return
        self.warnings[message] = self.warnings.get(message, 0) + 1

    def word(self, text: str, allowed: frozenset[str], what: str) -> str:
        """A keyword: lower-cased, with a warning if it was not, or is not one we know."""
        if text in allowed:
            return text
        lowered = text.lower()
        if lowered in allowed:
            self.warn(f"mixed-case {what} {quote(text, 20)} read as {lowered!r}")
        elif text:
            self.warn(f"unknown {what} {quote(text, 30)} kept as written")
        return lowered

    def ip(self, text: str) -> str:
        """The source IP in canonical form (RFC 5952); an invalid one is kept with a warning."""
        if _CANONICAL_IPV4.fullmatch(text):
            return text  # the common case, and one that never warns: not worth caching
        cached = self._ip_cache.get(text)
        if cached is not None:
            return cached
        value = self._parsed_ip(text)
        if len(self._ip_cache) < _IP_CACHE_SIZE:
            self._ip_cache[text] = value
        return value

    def _parsed_ip(self, text: str) -> str:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            self.warn(f"invalid source IP {quote(text, 45)} kept as written")
            return text
        if getattr(address, "scope_id", None) is not None:  # fe80::1%eth0: the sender's interface
            address = ipaddress.ip_address(text.partition("%")[0])
            self.warn(f"source IP {quote(text, 60)} has a zone index; stored as {address}")
        mapped = getattr(address, "ipv4_mapped", None)
        if mapped is not None:
            self.warn(f"IPv4-mapped source IP {text} stored as {mapped}")
            address = mapped
        return str(address)

    def count(self, text: str | None) -> int:
        """A record's message count: an integer from 0 to 2**32-1, else the report is refused."""
        no = self.record_no
        if text is None:
            raise ReportParseError(f"record {no} has no <count>", RejectClass.INVALID_REPORT)
        if not (text.isdigit() and text.isascii()):
            what = "out of range" if _SIGNED.fullmatch(text) else "not a number"
            raise ReportParseError(
                f"record {no} has a count that is {what}: {quote(text, 30)}",
                RejectClass.INVALID_REPORT,
            )
        digits = text.lstrip("0")  # int() refuses over 4,300 digits; 2**63-1 has 19
        count = int(digits or "0") if len(digits) <= 19 else MAX_COUNT + 1
        if count > MAX_MESSAGES:
            raise ReportParseError(
                f"record {no} has a count out of range: {quote(text, 30)}",
                RejectClass.INVALID_REPORT,
            )
        return count

    def start_record(self) -> None:
        """A record begins: count it against the limit."""
        self.record_no += 1
        if self.record_no > self.limits.max_records:
            raise LimitExceeded(f"more than {self.limits.max_records} records in one report")

    def has_room(self, spf: bool, seen: int) -> bool:
        """Whether a record that has *seen* DKIM (or SPF) results so far may keep one more.

        RFC 9990 allows 100 DKIM results in a row: those beyond ``max_auth_results`` of each
        kind are dropped, with a warning once per record, so that a report of records of
        10,000 results each is read in bounded memory and its records are still counted.
        """
        if seen < self.limits.max_auth_results:
            return True
        if seen == self.limits.max_auth_results:
            what = "SPF" if spf else "DKIM"
            self.warn(
                f"a record has more than {self.limits.max_auth_results} {what} results: "
                "the others were dropped"
            )
        return False

    def auth(self, spf: bool, auth: dict[str, str]) -> DkimAuthResult | SpfAuthResult:
        """One ``auth_results/dkim`` or ``auth_results/spf``."""
        if "human_result" in auth:
            self.seen_9990 = self.seen_9990 or spf
        name = domain(auth.get("domain", ""))
        if not spf:
            result = self.word(auth.get("result", ""), DKIM_RESULTS, "DKIM result")
            return DkimAuthResult(name, auth.get("selector"), result, auth.get("human_result"))
        result = self.word(auth.get("result", ""), SPF_RESULTS, "SPF result")
        scope = auth.get("scope")
        if scope is not None:
            self.seen_scope = True
            scope = self.word(scope, _SCOPES, "SPF scope")
        return SpfAuthResult(name, scope or "mfrom", result, auth.get("human_result"))

    def reason(self, auth: dict[str, str]) -> PolicyOverrideReason | None:
        """A ``policy_evaluated/reason``; an empty one (some reporters always send it) is None."""
        kind = self.word(auth.get("type", ""), REASONS, "override reason")
        if not kind and not auth.get("comment"):
            return None
        return PolicyOverrideReason(kind, auth.get("comment"))

    def record(
        self,
        row: dict[str, str],
        reasons: Iterable[PolicyOverrideReason],
        dkims: Iterable[DkimAuthResult],
        spfs: Iterable[SpfAuthResult],
    ) -> Record:
        """The record whose row, identifiers and results have been read (the exact way)."""
        count = self.count(row.get("count"))
        self.messages += count
        envelope_from = row.get("envelope_from")
        if envelope_from is not None:
            self.seen_envelope_from = True
            envelope_from = domain(envelope_from)
        envelope_to = row.get("envelope_to")
        header_from = domain(row.get("header_from", ""))
        if not header_from:
            self.warn("a record without header_from")
        if "disposition" not in row:
            self.warn("a record without policy_evaluated")
        return Record(
            source_ip=self.ip(row.get("source_ip", "")),
            count=count,
            disposition=self.word(row.get("disposition", ""), DISPOSITIONS, "disposition"),
            dkim=self.word(row.get("dkim", ""), VERDICTS, "policy-evaluated DKIM"),
            spf=self.word(row.get("spf", ""), VERDICTS, "policy-evaluated SPF"),
            reasons=tuple(reasons),
            header_from=header_from,
            envelope_from=envelope_from,
            envelope_to=domain(envelope_to) if envelope_to is not None else None,
            dkim_results=tuple(dkims),
            spf_results=tuple(spfs),
        )

    # -- the fast way ------------------------------------------------------------------------

    def read_run(self, data: bytes, start: int, out: Callable[[Record], None]) -> int:
        """Read the plain records from *start* on; return where the last one ends.

        The record at *start* (if plain) has been counted (:meth:`start_record`) by the caller;
        the others are counted here, as they come. Each record goes to *out* in document order.
        *start* is returned if the record there is not plain.
        """
        head = HEAD.match
        find = data.find
        quiet = self._quiet
        raw_ips = self._raw_ips
        canonical = _CANONICAL_IPV4_BYTES.fullmatch
        limit = self.limits.max_records
        end = start
        while (found := head(data, end)) is not None:
            stop = found.end()
            close = find(_END, stop) + 9
            if close == 8 or close - end > RECORD_LIMIT:
                break
            tail = data[stop:close]
            ip, count = found.group(1, 2)
            fields = quiet.get(tail)
            # A count of ASCII digits below 10**9 needs no more checks.
            if (
                fields is None
                or ip is None
                or count is None
                or not count.isdigit()
                or len(count) > 9
            ):
                template = self._templates.get(tail) or self._template(tail)
                if template is None:
                    break
                if end != start:
                    self.start_record()
                out(self._noisy(template, ip, count))
                end = close
                continue
            if end != start:  # start_record(), inline: this runs for every record
                self.record_no += 1
                if self.record_no > limit:
                    self.record_no -= 1
                    self.start_record()  # raises
            number = int(count)
            self.messages += number
            address = ip.decode() if canonical(ip) else raw_ips.get(ip) or self._read_ip(ip)
            out(_new_record(address, number, fields))
            end = close
        return end

    def _noisy(self, template: _Template, ip: bytes | None, count: bytes | None) -> Record:
        """A record whose template gives warnings: in the order :meth:`record` gives them."""
        self._replay(template.early)
        row = template.row
        text = row.get("count", None if count is None else count.decode().strip())
        number = self.count(text)
        self.messages += number
        self._replay(template.middle)
        address = self.ip(row["source_ip"]) if "source_ip" in row else self._read_ip(ip)
        self._replay(template.late)
        return _new_record(address, number, template.fields)

    def _replay(self, messages: tuple[str, ...]) -> None:
        for message in messages:
            self.warn(message)

    def _read_ip(self, raw: bytes | None) -> str:
        if raw is not None and _CANONICAL_IPV4_BYTES.fullmatch(raw):
            return raw.decode()
        text = "" if raw is None else raw.decode().strip()
        address = self.ip(text)
        if raw is not None and text in self._ip_cache and len(self._raw_ips) < _IP_CACHE_SIZE:
            # Only what ip() has cached: a hit here is one there, which warns nothing.
            self._raw_ips[raw] = address
        return address

    def _template(self, tail: bytes) -> _Template | None:
        """Check a tail against the grammar and read it; None if it is not plain."""
        found = TAIL.fullmatch(tail)
        if found is None:
            return None
        evaluated, after, _, identifiers, auth = found.groups()
        early: list[str] = []
        middle: list[str] = []
        late: list[str] = []
        self._capture = early
        try:
            reasons = self._reasons(evaluated)
            auths = [] if auth is None else _AUTH_TEXT.findall(auth)
            dkims, spfs = self._auths(auths)
            self._capture = middle
            fields = _fields(evaluated)
            identified = self._identifiers(_fields(identifiers))
            if "disposition" not in fields:
                self.warn("a record without policy_evaluated")
            self._capture = late
            words = self._words(fields)
        finally:
            self._capture = None
        row = _fields(after)
        template = _Template(
            (*words, reasons, *identified, dkims, spfs),
            tuple(early), tuple(middle), tuple(late), row,
            not (early or middle or late or row),
        )  # fmt: skip
        if not row and len(tail) <= _CACHED_TAIL and len(self._templates) < _CACHE_SIZE:
            self._templates[tail] = template
            if template.quiet:
                self._quiet[tail] = template.fields
        return template

    def _reasons(self, evaluated: bytes) -> tuple[PolicyOverrideReason, ...]:
        if b"<reason>" not in evaluated:
            return ()
        reasons = (self.reason(_fields(found)) for found in _REASON_TEXT.findall(evaluated))
        return tuple(reason for reason in reasons if reason is not None)

    def _auths(
        self, found: list[tuple[bytes, bytes]]
    ) -> tuple[tuple[DkimAuthResult, ...], tuple[SpfAuthResult, ...]]:
        dkims: list[DkimAuthResult] = []
        spfs: list[SpfAuthResult] = []
        seen = {False: 0, True: 0}
        for kind, body in found:
            spf = kind == b"spf"
            seen[spf] += 1
            if self.has_room(spf, seen[spf] - 1):
                result = self.auth(spf, _fields(body))
                if isinstance(result, DkimAuthResult):
                    dkims.append(result)
                else:
                    spfs.append(result)
        return tuple(dkims), tuple(spfs)

    def _identifiers(self, fields: dict[str, str]) -> tuple[str, str | None, str | None]:
        envelope_from = fields.get("envelope_from")
        if envelope_from is not None:
            self.seen_envelope_from = True
            envelope_from = domain(envelope_from)
        envelope_to = fields.get("envelope_to")
        header_from = domain(fields.get("header_from", ""))
        if not header_from:
            self.warn("a record without header_from")
        return header_from, envelope_from, None if envelope_to is None else domain(envelope_to)

    def _words(self, fields: dict[str, str]) -> tuple[str, str, str]:
        return (
            self.word(fields.get("disposition", ""), DISPOSITIONS, "disposition"),
            self.word(fields.get("dkim", ""), VERDICTS, "policy-evaluated DKIM"),
            self.word(fields.get("spf", ""), VERDICTS, "policy-evaluated SPF"),
        )
