"""Write small location databases (IPFire format v1) for the reader's tests.

Only what the reader uses: the header, a sorted AS table, network records, the prefix tree
and the string pool. Networks are given as CIDR strings; IPv4 goes under ``::ffff:0:0/96``.
"""

from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass


@dataclass(frozen=True)
class Net:
    cidr: str
    asn: int
    country: str


def build(networks: list[Net], as_names: dict[int, str], created_at: int = 1_700_000_000) -> bytes:
    pool = bytearray(b"\0")

    def string(text: str) -> int:
        offset = len(pool)
        pool.extend(text.encode() + b"\0")
        return offset

    vendor, description, licence = string("tests"), string("test data"), string("CC0")
    ases = b"".join(struct.pack(">II", n, string(as_names[n])) for n in sorted(as_names))
    records = b"".join(
        struct.pack(">2s2xIH2x", net.country.encode(), net.asn, 0) for net in networks
    )
    nodes: list[list[int]] = [[0, 0, 0xFFFFFFFF]]
    for index, net in enumerate(networks):
        value, length = _bits(net.cidr)
        node = 0
        for depth in range(length):
            bit = (value >> (127 - depth)) & 1
            if nodes[node][bit] == 0:
                nodes.append([0, 0, 0xFFFFFFFF])
                nodes[node][bit] = len(nodes) - 1
            node = nodes[node][bit]
        nodes[node][2] = index
    tree = b"".join(struct.pack(">III", *node) for node in nodes)
    header_size = 8 + struct.calcsize(">QIIIIIIIIIIIII")
    sections = [ases, records, tree, b""]
    offsets, position = [], header_size
    for section in sections:
        offsets += [position, len(section)]
        position += len(section)
    offsets += [position, len(pool)]
    header = b"LOCDBXX\x01" + struct.pack(
        ">QIIIIIIIIIIIII", created_at, vendor, description, licence, *offsets
    )
    return header + b"".join(sections) + bytes(pool)


def _bits(cidr: str) -> tuple[int, int]:
    network = ipaddress.ip_network(cidr)
    if network.version == 4:
        return (0xFFFF << 32 | int(network.network_address)), 96 + network.prefixlen
    return int(network.network_address), network.prefixlen
