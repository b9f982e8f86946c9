"""Summary tables over classified and aligned rows: per domain, sender, receiver and day.

Every table has the same measure columns: messages, messages passing DMARC (recomputed),
with aligned DKIM, with aligned SPF, passing by the reporter's verdict, per disposition, and
the matching percentages. Grouping is plain pandas over the (already aggregated) rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from . import columns as c
from .catalogue import Catalogue
from .owners import owner_label

SENDER_NAME = "sender_name"
OWNER = "owner"  # the source network's owner, "Hetzner Online GmbH, DE" ("" unknown)
DMARC_PCT = "dmarc_pass_pct"
DKIM_PCT = "dkim_aligned_pct"
SPF_PCT = "spf_aligned_pct"
SOURCES = "sources"
DISPOSITIONS = ("none", "quarantine", "reject")
MEASURES = [c.MESSAGES, c.DMARC_PASS, c.DKIM_ALIGNED, c.SPF_ALIGNED, c.REPORTER_PASS, *DISPOSITIONS]


def _weighted(rows: pd.DataFrame) -> pd.DataFrame:
    """Message counts per measure: a boolean column becomes messages where it holds."""
    out = pd.DataFrame(index=rows.index)
    m = rows[c.MESSAGES].astype("int64")
    out[c.MESSAGES] = m
    for col in (c.DMARC_PASS, c.DKIM_ALIGNED, c.SPF_ALIGNED, c.REPORTER_PASS):
        out[col] = m.where(rows[col].astype(bool), 0)
    disposition = rows[c.DISPOSITION].astype(str).str.lower()
    for d in DISPOSITIONS:
        out[d] = m.where(disposition == d, 0)
    return out


def summarise(rows: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Measures summed per *keys*, with distinct sources and percentages; most mail first."""
    if rows.empty:
        return pd.DataFrame(columns=[*keys, *MEASURES, SOURCES, DMARC_PCT, DKIM_PCT, SPF_PCT])
    weighted = _weighted(rows)
    for k in keys:
        weighted[k] = rows[k]
    table = weighted.groupby(list(keys), sort=False)[MEASURES].sum()
    known = rows[c.SOURCE_IP].where(rows[c.SOURCE_IP] != "")  # folded rows have no source
    table[SOURCES] = known.groupby([rows[k] for k in keys], sort=False).nunique()
    for pct, col in (
        (DMARC_PCT, c.DMARC_PASS),
        (DKIM_PCT, c.DKIM_ALIGNED),
        (SPF_PCT, c.SPF_ALIGNED),
    ):
        table[pct] = (100 * table[col] / table[c.MESSAGES]).round(1)
    return table.reset_index().sort_values(c.MESSAGES, ascending=False, kind="stable")


def by_domain(rows: pd.DataFrame) -> pd.DataFrame:
    return summarise(rows, [c.DOMAIN])


def by_sender(rows: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Per domain and sender; forwarded copies are their own line."""
    table = summarise(rows, [c.DOMAIN, c.SENDER, c.FORWARDED])
    table.insert(
        2,
        SENDER_NAME,
        [
            (catalogue.name(s) if s != "unknown" else "unknown") + (" (forwarded)" if f else "")
            for s, f in zip(table[c.SENDER], table[c.FORWARDED], strict=True)
        ],
    )
    return table


def by_receiver(rows: pd.DataFrame) -> pd.DataFrame:
    return summarise(rows, [c.DOMAIN, c.RECEIVER])


def by_day(rows: pd.DataFrame) -> pd.DataFrame:
    return summarise(rows, [c.DOMAIN, c.DAY]).sort_values([c.DOMAIN, c.DAY])


def sendgrid_matrix(rows: pd.DataFrame) -> pd.DataFrame:
    """SendGrid mail (delivered directly): messages by SPF aligned (rows) × DKIM aligned."""
    sg = rows[(rows[c.SENDER] == "sendgrid") & ~rows[c.FORWARDED]]
    matrix = pd.DataFrame(
        0,
        index=pd.Index([True, False], name="spf_aligned"),
        columns=pd.Index([True, False], name="dkim_aligned"),
        dtype="int64",
    )
    if sg.empty:
        return matrix
    for spf in (True, False):
        for dkim in (True, False):
            mask = (sg[c.SPF_ALIGNED] == spf) & (sg[c.DKIM_ALIGNED] == dkim)
            matrix.at[spf, dkim] = int(sg.loc[mask, c.MESSAGES].sum())
    return matrix


def sendgrid_identities(rows: pd.DataFrame) -> pd.DataFrame:
    """Which DKIM d= and envelope (SPF) domains SendGrid used, with messages."""
    sg = rows[(rows[c.SENDER] == "sendgrid") & ~rows[c.FORWARDED]]
    dkim = sg[[c.DKIM_PASS_DOMAINS, c.MESSAGES]].explode(c.DKIM_PASS_DOMAINS).dropna()
    dkim = dkim.groupby(c.DKIM_PASS_DOMAINS)[c.MESSAGES].sum().rename_axis("domain").reset_index()
    dkim.insert(0, "identity", "dkim")
    spf = sg.groupby(c.SPF_DOMAIN)[c.MESSAGES].sum().rename_axis("domain").reset_index()
    spf.insert(0, "identity", "envelope")
    out = pd.concat([dkim, spf], ignore_index=True)
    return out.sort_values(["identity", c.MESSAGES], ascending=[True, False], kind="stable")


LEFT_OFF = "left_off"
"""``attrs`` key of :func:`failing_sources`: how many sources beyond the limit were left off."""


def failing_sources(rows: pd.DataFrame, catalogue: Catalogue, limit: int = 50) -> pd.DataFrame:
    """Source IPs whose mail failed DMARC: rDNS, sender, messages, receivers.

    The *limit* sources with the most messages; ``attrs[LEFT_OFF]`` counts the others. Names
    and receivers are made for the sources shown only (a spoofed domain has thousands).
    """
    bad = rows[~rows[c.DMARC_PASS]]
    cols = [c.DOMAIN, c.SOURCE_IP, c.RDNS, OWNER, SENDER_NAME, c.FORWARDED, c.MESSAGES, "receivers"]
    if bad.empty:
        return pd.DataFrame(columns=cols)
    if c.ASN not in bad:
        bad = bad.copy()
        bad[c.ASN], bad[c.AS_NAME], bad[c.COUNTRY] = 0, "", ""
    keys = [c.DOMAIN, c.SOURCE_IP]
    table = (
        bad.groupby(keys, sort=False)
        .agg(
            **{
                c.MESSAGES: (c.MESSAGES, "sum"),
                c.RDNS: (c.RDNS, "first"),
                c.ASN: (c.ASN, "first"),
                c.AS_NAME: (c.AS_NAME, "first"),
                c.COUNTRY: (c.COUNTRY, "first"),
                c.SENDER: (c.SENDER, "first"),
                c.FORWARDED: (c.FORWARDED, "any"),
            }
        )
        .reset_index()
    )
    left_off = max(0, len(table) - limit)
    table = table.sort_values(c.MESSAGES, ascending=False, kind="stable").head(limit)
    table[SENDER_NAME] = table[c.SENDER].map(lambda s: catalogue.name(s) if s != "unknown" else s)
    table[OWNER] = [
        owner_label(int(a), str(n), str(k))
        for a, n, k in zip(table[c.ASN], table[c.AS_NAME], table[c.COUNTRY], strict=True)
    ]
    table["receivers"] = _receivers(bad, table[keys])
    shown = table[cols].copy()
    shown.attrs[LEFT_OFF] = left_off
    return shown


def _receivers(rows: pd.DataFrame, wanted: pd.DataFrame) -> list[str]:
    """The receivers of each (domain, source IP) of *wanted*, sorted and comma-joined."""
    pairs = set(zip(wanted[c.DOMAIN], wanted[c.SOURCE_IP], strict=True))
    seen: dict[tuple[object, object], set[str]] = {pair: set() for pair in pairs}
    for domain, ip, receiver in zip(
        rows[c.DOMAIN].tolist(), rows[c.SOURCE_IP].tolist(), rows[c.RECEIVER].tolist(), strict=True
    ):
        found = seen.get((domain, ip))
        if found is not None:
            found.add(str(receiver))
    return [
        ", ".join(sorted(seen[pair]))
        for pair in zip(wanted[c.DOMAIN], wanted[c.SOURCE_IP], strict=True)
    ]


SOURCE_COLUMNS = [
    c.DOMAIN,
    c.SOURCE_IP,
    "ptr",
    "ptr_confirmed",
    c.ASN,
    c.AS_NAME,
    c.COUNTRY,
    c.SENDER,
    SENDER_NAME,
    c.MESSAGES,
    "dmarc_pass_pct",
    "dkim_aligned_pct",
    "spf_aligned_pct",
    "receivers",
    "first_seen",
    "last_seen",
]


def by_source(
    rows: pd.DataFrame,
    catalogue: Catalogue,
    pointers: Mapping[str, tuple[str, bool | None]],
    first_seen: Mapping[tuple[str, str], dt.date],
) -> pd.DataFrame:
    """One row per domain and source IP: who holds the address, what it sent, how it fared.

    *pointers* are the cached reverse-DNS names with their forward check; *first_seen* the
    first day each (domain, IP) appears in the whole store (the period's first day if absent).
    """
    if rows.empty:
        return pd.DataFrame(columns=SOURCE_COLUMNS)
    keys = [c.DOMAIN, c.SOURCE_IP]
    table = summarise(rows, keys).set_index(keys)
    grouped = rows.groupby(keys, sort=False)
    table[c.SENDER] = grouped[c.SENDER].agg(lambda s: s.mode().iloc[0])
    for column, empty in ((c.ASN, 0), (c.AS_NAME, ""), (c.COUNTRY, "")):
        table[column] = grouped[column].first() if column in rows else empty
    table["receivers"] = grouped[c.RECEIVER].agg(_distinct_sorted)
    table["_first"] = grouped[c.DAY].min()
    table["last_seen"] = grouped[c.DAY].max().map(lambda day: pd.Timestamp(day).date())
    table = table.reset_index()
    table[SENDER_NAME] = table[c.SENDER].map(lambda s: catalogue.name(s) if s != "unknown" else s)
    entry = [pointers.get(str(ip), ("", None)) for ip in table[c.SOURCE_IP]]
    table["ptr"] = [name for name, _ in entry]
    table["ptr_confirmed"] = [confirmed for _, confirmed in entry]
    table["first_seen"] = [
        first_seen.get((str(d), str(ip)), pd.Timestamp(day).date())
        for d, ip, day in zip(table[c.DOMAIN], table[c.SOURCE_IP], table["_first"], strict=True)
    ]
    ordered = table.sort_values([c.DOMAIN, c.MESSAGES], ascending=[True, False], kind="stable")
    return ordered[SOURCE_COLUMNS].reset_index(drop=True)


def _distinct_sorted(values: pd.Series) -> tuple[str, ...]:
    return tuple(sorted({str(v) for v in values}))
