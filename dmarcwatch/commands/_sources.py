"""``senders --ips`` and ``senders --new``: source addresses with their owners, new senders."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dmarcwatch.commands._analysis import safe

if TYPE_CHECKING:
    import pandas as pd

    from dmarcwatch.analysis.api import Analysis
    from dmarcwatch.analysis.catalogue import Catalogue
    from dmarcwatch.analysis.ipdata import LocationDatabase
    from dmarcwatch.analysis.read import Reader

MAX_CELL = 60  # characters of a text cell (a hostile PTR or AS name stays on its line)


@dataclass(frozen=True)
class Sources:
    """The analysed rows (only new senders' with ``--new``) and what is known of each source."""

    rows: pd.DataFrame
    catalogue: Catalogue
    pointers: Mapping[str, tuple[str, bool | None]]
    first_seen: Mapping[tuple[str, str], dt.date]

    @classmethod
    def read(
        cls, reader: Reader, result: Analysis, senders: Catalogue, *, new_only: bool
    ) -> Sources:
        from dmarcwatch.analysis import columns as c
        from dmarcwatch.analysis.read import Selection

        rows = result.rows
        domains = tuple(sorted(rows[c.DOMAIN].unique())) if not rows.empty else ()
        ips = tuple(sorted(rows[c.SOURCE_IP].astype(str).unique())) if not rows.empty else ()
        first = (
            {
                key: dt.datetime.fromtimestamp(begin, dt.UTC).date()
                for key, begin in reader.first_seen(Selection(domains=domains, ips=ips)).items()
            }
            if domains
            else {}
        )
        if new_only:
            rows = _new_senders(
                rows, first, {d.domain: d.period.since.date() for d in result.domains}
            )
        return cls(rows, senders, reader.rdns_entries(ips), first)

    def table(self) -> pd.DataFrame:
        from dmarcwatch.analysis import tables

        return tables.by_source(self.rows, self.catalogue, self.pointers, self.first_seen)


def _new_senders(
    rows: pd.DataFrame, first: Mapping[tuple[str, str], dt.date], since: Mapping[str, dt.date]
) -> pd.DataFrame:
    """The rows of senders whose every source first appeared within the domain's period."""
    from dmarcwatch.analysis import columns as c

    if rows.empty:
        return rows
    appeared = [
        first.get((str(d), str(ip)), dt.date.max)
        for d, ip in zip(rows[c.DOMAIN], rows[c.SOURCE_IP], strict=True)
    ]
    keyed = rows.assign(_first=appeared)
    earliest = keyed.groupby([c.DOMAIN, c.SENDER])["_first"].transform("min")
    starts = keyed[c.DOMAIN].map(lambda d: since.get(str(d), dt.date.min))
    return rows[(earliest >= starts).to_numpy()]


def print_sources(found: Sources, *, json_out: bool, data: LocationDatabase | None) -> None:
    table = found.table()
    if json_out:
        print(json.dumps([_as_json(r) for r in table.to_dict("records")], indent=1))
        return
    if table.empty:
        print("No reports in this period.")
        return
    header = [
        "DOMAIN",
        "IP",
        "PTR",
        "NETWORK",
        "SENDER",
        "MESSAGES",
        "DMARC %",
        "DKIM %",
        "SPF %",
        "FIRST SEEN",
        "LAST SEEN",
    ]
    body = [_text_row(r) for r in table.to_dict("records")]
    print(_columns(header, body, right={5, 6, 7, 8}))
    if data is not None:  # the data's licence asks for attribution; its age matters too
        print(
            f"\nNetworks: {safe(data.vendor)} location database of "
            f"{data.created_at:%Y-%m-%d} ({safe(data.licence)}), {data.path}"
        )


def _as_json(r: Mapping[Any, Any]) -> dict[str, Any]:
    return {
        "domain": r["domain"],
        "ip": r["source_ip"],
        "ptr": r["ptr"] or None,
        "ptr_confirmed": r["ptr_confirmed"],
        "asn": int(r["asn"]) or None,
        "as_name": r["as_name"] or None,
        "country": r["country"] or None,
        "sender": r["sender_name"],
        "sender_id": r["sender"],
        "messages": int(r["messages"]),
        "dmarc_pass": float(r["dmarc_pass_pct"]),
        "dkim_aligned": float(r["dkim_aligned_pct"]),
        "spf_aligned": float(r["spf_aligned_pct"]),
        "receivers": list(r["receivers"]),
        "first_seen": r["first_seen"].isoformat(),
        "last_seen": r["last_seen"].isoformat(),
    }


def _text_row(r: Mapping[Any, Any]) -> list[str]:
    from dmarcwatch.analysis.owners import owner_label

    ptr = (
        r["ptr"] + ("" if r["ptr_confirmed"] is not False else " (unconfirmed)")
        if r["ptr"]
        else "-"
    )
    owner = owner_label(int(r["asn"]), str(r["as_name"]), str(r["country"]))
    network = f"{owner} (AS{int(r['asn'])})" if r["asn"] else owner or "-"
    return [
        r["domain"],
        r["source_ip"],
        ptr,
        network,
        r["sender_name"],
        str(r["messages"]),
        f"{r['dmarc_pass_pct']:.1f}",
        f"{r['dkim_aligned_pct']:.1f}",
        f"{r['spf_aligned_pct']:.1f}",
        r["first_seen"].isoformat(),
        r["last_seen"].isoformat(),
    ]


def _columns(header: list[str], body: list[list[str]], right: set[int]) -> str:
    cells = [[_cell(x) for x in row] for row in [header, *body]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        padded = [
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines)


def _cell(text: object) -> str:
    shown = safe(text)
    return shown if len(shown) <= MAX_CELL else shown[: MAX_CELL - 1] + "…"


def print_owner_groups(rows: pd.DataFrame) -> None:
    """Under the table: the unknown sources of each domain by network owner."""
    from dmarcwatch.analysis import columns as c
    from dmarcwatch.analysis.classify import UNKNOWN
    from dmarcwatch.analysis.owners import owner_groups

    if rows.empty:
        return
    unknown = rows[rows[c.SENDER] == UNKNOWN]
    lines = []
    for domain, mail in unknown.groupby(c.DOMAIN, sort=True):
        groups = owner_groups(mail)
        if not any(group.label for group in groups):
            continue  # no owner known (documentation addresses, or no IP data): nothing to add
        for group in groups:
            owner = group.label or "network not known"
            asn = f" (AS{group.asn})" if group.asn else ""
            sources = "source" if group.sources == 1 else "sources"
            messages = "message" if group.messages == 1 else "messages"
            lines.append(
                f"unknown in {_cell(domain)}: {_cell(owner)}{asn} — {group.sources} {sources}, "
                f"{group.messages} {messages}"
            )
    if lines:
        print()
        print("\n".join(lines))
