"""DMARC failure reports (ARF, RFC 5965 and RFC 6591, DMARC fields of RFC 9991), purely.

A failure report is one e-mail: a human text part, a ``message/feedback-report`` part of
header-style fields, and the failing message or its headers (``message/rfc822`` or
``text/rfc822-headers``). Only what diagnosis needs is taken (privacy by design, Swiss nLPD):
the feedback fields, the From domain, each DKIM-Signature's ``d=`` and ``s=``,
Authentication-Results and Received-SPF, a hash of the Message-ID and the date. The local part
of every address is replaced by ``*``; the body and the subject are never read into the report.

What redaction took away is handed over separately (:class:`PersonalDetails`) and kept only
where a deployment's configuration says so (``[privacy] keep_failure_report_details``).

Real reporters' quirks are tolerated (reference-turn2 §2.2, §2.5): missing fields, ``Version``
other than 1, a missing third part, the historic ``Received-Date``. A message without a
``message/feedback-report`` part (Exim's plain-text notices) is not a report; neither is an
ARF report of another feedback type (``abuse``, ``fraud``).
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32

from .errors import NotAReport, RejectClass, quote
from .limits import Limits
from .mime import header_text, parse_message

__all__ = ["FailureReport", "PersonalDetails", "parse_failure_report", "redact"]

# A local part: quoted, or any run of characters that are neither space nor a delimiter. It may
# hold '=' (SendGrid's VERP return paths encode the recipient: bounces+1-2-anna=example.org@),
# so a property name in front of it (smtp.mailfrom=, envelope-from=) is kept apart.
_ADDRESS = re.compile(r"""(?:"[^"\r\n]*"|[^\s<>"(),;:@\[\]\\]+)@(?=[\w\[])""")
_PROPERTY = re.compile(
    r"^(?:(?:smtp|header|policy|body)\.[a-z-]+|envelope-from|envelope_from|identity|mailfrom"
    r"|helo|sender|from)=",
    re.IGNORECASE,
)
_TAG = re.compile(r"(?:^|;)\s*([a-z]+)\s*=\s*([^;]*)", re.IGNORECASE)
_HEADERS_TYPES = ("text/rfc822-headers", "message/rfc822-headers")
_MESSAGE_TYPES = ("message/rfc822", "message/global")
_MAX_VALUES = 50  # header fields of one name kept: a report names one message


def redact(text: str) -> str:
    """*text* with the local part of every address replaced by ``*``."""
    return _ADDRESS.sub(_redacted, text)


def _redacted(match: re.Match[str]) -> str:
    prefix = _PROPERTY.match(match.group(0))
    return (prefix.group(0) if prefix else "") + "*@"


@dataclass(frozen=True, slots=True)
class PersonalDetails:
    """What redaction removes: kept only where the configuration allows it."""

    header_from: str | None
    subject: str | None
    original_mail_from: str | None
    original_rcpt_to: tuple[str, ...]
    message_id: str | None


@dataclass(frozen=True, slots=True)
class FailureReport:
    """One failure report, redacted; times are epoch seconds (UTC)."""

    reporter: str
    feedback_type: str
    auth_failure: str | None
    identity_alignment: str | None
    reported_domain: str | None
    source_ip: str | None
    arrival_date: int | None
    dkim_domain: str | None
    dkim_identity: str | None
    dkim_selector: str | None
    spf_dns: tuple[str, ...]
    delivery_result: str | None
    header_from: str | None
    from_domain: str | None
    dkim_signatures: tuple[tuple[str, str], ...]
    authentication_results: tuple[str, ...]
    received_spf: tuple[str, ...]
    message_id_sha256: str | None
    date: int | None
    incidents: int
    personal: PersonalDetails

    @property
    def domain(self) -> str:
        """The domain the report is about: Reported-Domain, else the From domain."""
        return (self.reported_domain or self.from_domain or "").lower()

    @property
    def key(self) -> str:
        """A hash of the redacted report: the same report sent twice has the same key."""
        fields = asdict(self)
        del fields["personal"]
        text = json.dumps(fields, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode()).hexdigest()


def parse_failure_report(data: bytes, limits: Limits) -> FailureReport:
    """Parse one failure-report message; :class:`NotAReport` if it holds no ARF auth-failure."""
    root = parse_message(data, limits)
    feedback, returned = _parts(root)
    if feedback is None:
        raise NotAReport("failure notice without a feedback-report part", RejectClass.NOT_A_REPORT)
    kind = (_first(feedback, "feedback-type") or "").lower()
    if kind != "auth-failure" and not (kind == "" and _first(feedback, "auth-failure")):
        shown = quote(kind) if kind else "none"
        raise NotAReport(f"feedback report of type {shown}, not a DMARC failure report")
    return _report(root, feedback, returned)


def _parts(root: Message) -> tuple[Message | None, Message | None]:
    """The feedback fields and the returned headers, found without recursion."""
    feedback: Message | None = None
    returned: Message | None = None
    stack = [root]
    while stack:
        part = stack.pop()
        content_type = part.get_content_type()
        payload = part.get_payload()
        if content_type == "message/feedback-report":
            feedback = feedback or _fields(payload)
        elif content_type in _MESSAGE_TYPES and part is not root or content_type in _HEADERS_TYPES:
            returned = returned or _fields(payload)
        elif isinstance(payload, list):
            stack.extend(reversed([p for p in payload if isinstance(p, Message)]))
    return feedback, returned


def _fields(payload: object) -> Message | None:
    """Header fields of a ``message/*`` payload, or of header text."""
    if isinstance(payload, list):
        return next((p for p in payload if isinstance(p, Message)), None)
    if isinstance(payload, str):
        return HeaderParser(policy=compat32).parsestr(payload, headersonly=True)
    return None


def _all(fields: Message | None, name: str) -> list[str]:
    if fields is None:
        return []
    values = fields.get_all(name) or []
    return [header_text(v) for v in values[:_MAX_VALUES]]


def _first(fields: Message | None, name: str) -> str | None:
    for value in _all(fields, name):
        if value:
            return value
    return None


def _report(root: Message, feedback: Message, returned: Message | None) -> FailureReport:
    header_from = _first(returned, "from")
    sender = _address(header_from)
    message_id = _first(returned, "message-id")
    personal = PersonalDetails(
        header_from=header_from,
        subject=_first(returned, "subject") or _first(root, "subject"),
        original_mail_from=_first(feedback, "original-mail-from"),
        original_rcpt_to=tuple(_all(feedback, "original-rcpt-to")),
        message_id=message_id,
    )
    identity = _first(feedback, "dkim-identity")
    return FailureReport(
        reporter=_reporter(root, feedback),
        feedback_type="auth-failure",
        auth_failure=_lower(_first(feedback, "auth-failure")),
        identity_alignment=_lower(_first(feedback, "identity-alignment")),
        reported_domain=_domain_value(_first(feedback, "reported-domain")),
        source_ip=_first(feedback, "source-ip"),
        arrival_date=_epoch(_first(feedback, "arrival-date") or _first(feedback, "received-date")),
        dkim_domain=_domain_value(_first(feedback, "dkim-domain")),
        dkim_identity=redact(identity) if identity else None,
        dkim_selector=_first(feedback, "dkim-selector"),
        spf_dns=tuple(redact(v) for v in _all(feedback, "spf-dns")),
        delivery_result=_lower(_first(feedback, "delivery-result")),
        header_from=f"*@{sender}" if sender else None,
        from_domain=sender or None,
        dkim_signatures=tuple(_signature(v) for v in _all(returned, "dkim-signature")),
        authentication_results=tuple(
            redact(v)
            for v in [
                *_all(feedback, "authentication-results"),
                *_all(returned, "authentication-results"),
            ]
        ),
        received_spf=tuple(redact(v) for v in _all(returned, "received-spf")),
        message_id_sha256=_hashed(message_id),
        date=_epoch(_first(returned, "date")),
        incidents=_incidents(_first(feedback, "incidents")),
        personal=personal,
    )


def _results(feedback: Message, returned: Message | None) -> tuple[str, ...]:
    """Authentication-Results of the report and of the returned headers, redacted."""
    found = [*_all(feedback, "authentication-results"), *_all(returned, "authentication-results")]
    return tuple(redact(value) for value in found)


def _lower(value: str | None) -> str | None:
    return value.strip().lower() if value else None


def _domain_value(value: str | None) -> str | None:
    if not value:
        return None
    return value.split()[0].strip("<>;,").rstrip(".").lower() or None


def _address(value: str | None) -> str:
    """The domain of the (first) address in a From field, lower-cased; "" without one."""
    if not value:
        return ""
    _name, address = email.utils.parseaddr(value)
    domain = address.rpartition("@")[2] if "@" in address else ""
    return domain.strip().strip(">").rstrip(".").lower()


def _reporter(root: Message, feedback: Message) -> str:
    """Who sent the report: its From domain, else the Reporting-MTA's name."""
    domain = _address(_first(root, "from"))
    if domain:
        return domain
    mta = _first(feedback, "reporting-mta") or ""
    name = mta.partition(";")[2].strip() or mta.strip()
    return name.lower() or "unknown"


def _signature(value: str) -> tuple[str, str]:
    tags = {name.lower(): text.strip() for name, text in _TAG.findall(" ".join(value.split()))}
    return (tags.get("d", "").lower(), tags.get("s", ""))


def _epoch(value: str | None) -> int | None:
    if not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    try:
        return int(moment.timestamp())
    except (OverflowError, OSError, ValueError):
        return None


def _hashed(value: str | None) -> str | None:
    if not value:
        return None
    return hashlib.sha256(value.strip().encode("utf-8", errors="replace")).hexdigest()


def _incidents(value: str | None) -> int:
    if value and value.strip().isdigit() and len(value.strip()) <= 10:
        return int(value.strip())
    return 1
