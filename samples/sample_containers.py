"""Reproducible gzip, zip and MIME writers shared by ``build_samples.py`` and ``generate_demo.py``.

Every writer fixes what would otherwise vary between runs: gzip mtime 0 and no file name in the
header, a fixed zip timestamp and file mode, and MIME boundaries and dates chosen by the caller.
Output is byte-identical on reruns with the same zlib build.
"""

from __future__ import annotations

import base64
import gzip
import io
import zipfile

ZIP_TIME = (2026, 8, 20, 6, 0, 0)


def gz(data: bytes) -> bytes:
    """Gzip *data* with mtime 0 and no file name in the header."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def zipped(member: str, data: bytes, date_time: tuple[int, ...] = ZIP_TIME) -> bytes:
    """Return a zip archive holding *data* as its single deflated member."""
    info = zipfile.ZipInfo(member, date_time=date_time)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, data)
    return buffer.getvalue()


def b64(data: bytes) -> str:
    """Base64 in 76-character lines, as mail software writes it."""
    text = base64.b64encode(data).decode("ascii")
    return "\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def headers(pairs: list[tuple[str, str]]) -> str:
    """Render header lines; a value may already contain folding (newline + blank)."""
    return "".join(f"{name}: {value}\n" for name, value in pairs)


def part(pairs: list[tuple[str, str]], body: str) -> str:
    """One MIME body part: headers, blank line, body."""
    return headers(pairs) + "\n" + body.rstrip("\n") + "\n"


def attachment(content_type: str, filename: str, data: bytes) -> str:
    """A base64 attachment part with both ``name`` and ``filename`` parameters."""
    return part(
        [
            ("Content-Type", f'{content_type};\n\tname="{filename}"'),
            ("Content-Disposition", f'attachment;\n\tfilename="{filename}"'),
            ("Content-Transfer-Encoding", "base64"),
        ],
        b64(data),
    )


def text_part(text: str, charset: str = "utf-8") -> str:
    """A plain-text part."""
    return part(
        [("Content-Type", f"text/plain; charset={charset}"), ("Content-Transfer-Encoding", "8bit")],
        text,
    )


def multipart(boundary: str, parts: list[str], preamble: str = "") -> str:
    """The body of a multipart entity with a fixed boundary."""
    out = preamble + "\n" if preamble else ""
    for item in parts:
        out += f"--{boundary}\n{item}"
    return out + f"--{boundary}--\n"


def message(pairs: list[tuple[str, str]], body: str, crlf: bool = False) -> bytes:
    """A whole message; *crlf* gives CRLF line ends, as an IMAP download would."""
    text = headers(pairs) + "\n" + body
    if crlf:
        text = text.replace("\n", "\r\n")
    return text.encode("utf-8")


def received(
    host: str, ip: str, queue_id: str, date: str, to: str = "dmarc@physio-muster.ch"
) -> tuple[str, str]:
    """A Received header as the rua mailbox's own server (mx1.<domain of *to*>) adds it."""
    return (
        "Received",
        f"from {host} ({host} [{ip}])\n\tby mx1.{to.partition('@')[2]} (Postfix) with ESMTPS"
        f" id {queue_id}\n\tfor <{to}>; {date}",
    )


def authentication_results(domain: str, to: str = "dmarc@physio-muster.ch") -> tuple[str, str]:
    """Authentication-Results of the rua mailbox's server for a report mail from *domain*."""
    return (
        "Authentication-Results",
        f"mx1.{to.partition('@')[2]};\n\tdkim=pass header.d={domain};\n"
        f"\tspf=pass smtp.mailfrom={domain};\n\tdmarc=pass header.from={domain}",
    )
