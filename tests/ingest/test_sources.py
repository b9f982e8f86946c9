"""Paths into inputs: files, directories, Maildir folders and mbox files; errors per path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dmarcwatch.ingest import sources
from dmarcwatch.ingest.limits import DEFAULT_LIMITS, Limits
from dmarcwatch.ingest.sources import Input, InputError, iter_inputs


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def listed(
    paths: list[str | Path], limits: Limits = DEFAULT_LIMITS
) -> list[tuple[str, bytes | str]]:
    """(source, data) for inputs and (source, 'error: reason') for errors, in order."""
    out: list[tuple[str, bytes | str]] = []
    for item in iter_inputs(paths, limits):
        if isinstance(item, Input):
            out.append((item.source, item.data))
        else:
            out.append((item.source, f"error: {item.reason}"))
    return out


def mail(n: int, body: bytes = b"") -> bytes:
    return b"Subject: message %d\nFrom: a@example.com\n\nbody %d\n" % (n, n) + body


def mbox(*messages: bytes) -> bytes:
    return b"".join(
        b"From MAILER-DAEMON Thu Jan  1 00:00:00 2024\n" + message + b"\n" for message in messages
    )


# --- files -----------------------------------------------------------------------------------


def test_a_file_of_any_name_is_one_input_with_its_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "report without extension", b"<feedback/>")
    assert listed([path]) == [(str(path), b"<feedback/>")]


def test_str_and_path_arguments_are_both_accepted_and_order_is_kept(tmp_path: Path) -> None:
    b = write(tmp_path / "b.xml", b"b")
    a = write(tmp_path / "a.xml", b"a")
    assert listed([str(b), a]) == [(str(b), b"b"), (str(a), b"a")]


def test_empty_file_is_an_input_for_unpack_to_reject(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.xml", b"")
    assert listed([path]) == [(str(path), b"")]


def test_missing_path_is_an_error_marked_missing_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = write(tmp_path / "good.xml", b"ok")
    items = list(iter_inputs([tmp_path / "nope.xml", good]))
    assert items == [
        InputError(str(tmp_path / "nope.xml"), "no such file or directory", missing=True),
        Input(str(good), b"ok"),
    ]


def test_a_path_that_cannot_be_examined_is_an_error_not_marked_missing(tmp_path: Path) -> None:
    too_long = tmp_path / ("x" * 300)
    [error] = iter_inputs([too_long])
    assert isinstance(error, InputError)
    assert error.reason == "cannot read: file name too long"
    assert not error.missing


def test_a_read_error_is_an_input_error() -> None:
    # reading one's own /proc/self/mem from offset 0 fails with EIO, even for root
    [error] = iter_inputs(["/proc/self/mem"])
    assert isinstance(error, InputError)
    assert error.reason == "cannot read: input/output error"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.xml", b"x")
    path.chmod(0)
    assert listed([path]) == [(str(path), "error: cannot read: permission denied")]


def test_file_over_the_cap_is_refused_without_reading_it(tmp_path: Path) -> None:
    limits = Limits(max_message_bytes=1000, max_report_bytes=2000)
    fits = write(tmp_path / "fits.xml", b"<" * 2000)
    over = write(tmp_path / "over.xml", b"<" * 2001)
    assert listed([fits, over], limits) == [
        (str(fits), b"<" * 2000),
        (str(over), "error: file is too large (2001 bytes; at most 2000 bytes are read)"),
    ]


def test_xml_file_larger_than_a_message_but_within_max_report_bytes_is_read(
    tmp_path: Path,
) -> None:
    limits = Limits(max_message_bytes=1000, max_report_bytes=5000)
    path = write(tmp_path / "big.xml", b"<" * 4000)
    assert listed([path], limits) == [(str(path), b"<" * 4000)]


def test_endless_stream_is_cut_at_the_cap() -> None:
    limits = Limits(max_message_bytes=1000, max_report_bytes=1000)
    assert listed(["/dev/zero"], limits) == [
        ("/dev/zero", "error: file is too large (over the limit; at most 1000 bytes are read)")
    ]


# --- directories -----------------------------------------------------------------------------


def test_directory_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    write(tmp_path / "b" / "2.xml", b"b2")
    write(tmp_path / "b" / "1.xml", b"b1")
    write(tmp_path / "a.xml", b"a")
    write(tmp_path / "c" / "d" / "e.eml", b"e")
    write(tmp_path / ".hidden" / "h.xml", b"h")
    assert listed([tmp_path]) == [
        (str(tmp_path / ".hidden" / "h.xml"), b"h"),
        (str(tmp_path / "a.xml"), b"a"),
        (str(tmp_path / "b" / "1.xml"), b"b1"),
        (str(tmp_path / "b" / "2.xml"), b"b2"),
        (str(tmp_path / "c" / "d" / "e.eml"), b"e"),
    ]


def test_symlinked_files_are_read_but_symlinked_directories_are_not_followed(
    tmp_path: Path,
) -> None:
    outside = write(tmp_path / "outside" / "o.xml", b"o")
    tree = tmp_path / "tree"
    write(tree / "real.xml", b"r")
    (tree / "link.xml").symlink_to(outside)
    (tree / "linked-dir").symlink_to(outside.parent)
    (tree / "loop").symlink_to(tree)
    assert listed([tree]) == [
        (str(tree / "link.xml"), b"o"),
        (str(tree / "real.xml"), b"r"),
    ]


def test_broken_symlink_in_a_directory_is_reported(tmp_path: Path) -> None:
    (tmp_path / "dangling.xml").symlink_to(tmp_path / "gone.xml")
    assert listed([tmp_path]) == [(str(tmp_path / "dangling.xml"), "error: broken symbolic link")]


def test_fifo_in_a_directory_is_skipped_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    write(tmp_path / "r.xml", b"r")
    assert listed([tmp_path]) == [(str(tmp_path / "r.xml"), b"r")]


def test_symlinked_directory_named_on_the_command_line_is_walked(tmp_path: Path) -> None:
    write(tmp_path / "real" / "r.xml", b"r")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    assert listed([tmp_path / "alias"]) == [(str(tmp_path / "alias" / "r.xml"), b"r")]


# --- Maildir ---------------------------------------------------------------------------------


def test_maildir_messages_in_cur_and_new_are_inputs_and_tmp_is_skipped(tmp_path: Path) -> None:
    box = tmp_path / "Maildir"
    cur = write(box / "cur" / "1700000000.1.host:2,S", mail(1))
    new = write(box / "new" / "1700000001.2.host", mail(2))
    write(box / "tmp" / "1700000002.3.host", b"half written")
    sub = write(box / ".Reports" / "cur" / "1700000003.4.host:2,", mail(3))
    write(box / ".Reports" / "new" / ".keep", b"")
    (box / ".Reports" / "tmp").mkdir()
    assert [source for source, _ in listed([box])] == [
        str(sub),
        str(box / ".Reports" / "new" / ".keep"),
        str(cur),
        str(new),
    ]


def test_tmp_is_an_ordinary_folder_outside_a_maildir(tmp_path: Path) -> None:
    path = write(tmp_path / "tmp" / "r.xml", b"r")
    assert listed([tmp_path]) == [(str(path), b"r")]


# --- mbox ------------------------------------------------------------------------------------


def test_mbox_is_split_into_one_input_per_message(tmp_path: Path) -> None:
    path = write(tmp_path / "reports.mbox", mbox(mail(1), mail(2), mail(3, b">From the top\n")))
    assert listed([path]) == [
        (f"{path}:message 1", mail(1)),
        (f"{path}:message 2", mail(2)),
        (f"{path}:message 3", mail(3, b">From the top\n")),
    ]


def test_mbox_with_crlf_line_ends_is_split(tmp_path: Path) -> None:
    data = mbox(mail(1), mail(2)).replace(b"\n", b"\r\n")
    path = write(tmp_path / "crlf", data)
    assert [d for _, d in listed([path])] == [
        mail(1).replace(b"\n", b"\r\n"),
        mail(2).replace(b"\n", b"\r\n"),
    ]


def test_mbox_is_recognised_by_content_inside_a_directory(tmp_path: Path) -> None:
    path = write(tmp_path / "Archive" / "inbox", mbox(mail(1), mail(2)))
    assert [source for source, _ in listed([tmp_path])] == [
        f"{path}:message 1",
        f"{path}:message 2",
    ]


@pytest.mark.parametrize("shift", range(8))
def test_mbox_separators_across_read_blocks_are_found(tmp_path: Path, shift: int) -> None:
    block_end = len(b"From ") + sources._READ_SIZE  # the first read takes 5 bytes to sniff
    separator_at = block_end - 6 + shift  # "\nFrom " starts in a block's last 6 bytes, or after
    before = len(mbox(mail(1))) - 1
    first = mail(1, b"x" * (separator_at - before - 1) + b"\n")
    data = mbox(first, mail(2), mail(3))
    assert data.index(b"\nFrom ") == separator_at
    path = write(tmp_path / "mbox", data)
    assert [d for _, d in listed([path])] == [first, mail(2), mail(3)]


def test_oversize_mbox_message_is_an_error_and_its_neighbours_are_read(tmp_path: Path) -> None:
    limits = Limits(max_message_bytes=3 * sources._READ_SIZE)
    huge = mail(2, b"y" * (5 * sources._READ_SIZE) + b"\n")
    path = write(tmp_path / "mbox", mbox(mail(1), huge, mail(3)))
    assert listed([path], limits) == [
        (f"{path}:message 1", mail(1)),
        (
            f"{path}:message 2",
            f"error: message is larger than {3 * sources._READ_SIZE} bytes (max_message_bytes)",
        ),
        (f"{path}:message 3", mail(3)),
    ]


def test_mbox_larger_than_the_file_cap_is_still_read_message_by_message(tmp_path: Path) -> None:
    limits = Limits(max_message_bytes=1000, max_report_bytes=1000)
    messages = [mail(n, b"z" * 500 + b"\n") for n in range(20)]
    path = write(tmp_path / "mbox", mbox(*messages))
    assert path.stat().st_size > 10_000
    assert [d for _, d in listed([path], limits)] == messages


def test_oversize_last_mbox_message_is_an_error(tmp_path: Path) -> None:
    limits = Limits(max_message_bytes=100)
    path = write(tmp_path / "mbox", mbox(mail(1), mail(2, b"q" * 200)))
    assert listed([path], limits) == [
        (f"{path}:message 1", mail(1)),
        (f"{path}:message 2", "error: message is larger than 100 bytes (max_message_bytes)"),
    ]
