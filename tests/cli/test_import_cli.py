"""``dmarcwatch import`` and ``parse`` as a user meets them: exit codes, one-line errors."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dmarcwatch.cli import main
from tests.ingest.reportxml import Report, Row

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dmarcwatch", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.xml").write_bytes(Report(report_id="a").bytes())
    (folder / "sub" / "b.xml.gz").write_bytes(
        gzip.compress(Report(report_id="b", rows=[Row(), Row(count="7")]).bytes())
    )
    return folder


def test_import_twice_stores_nothing_the_second_time(
    db: str, inbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "--db", db, str(inbox)]) == 0
    first = capsys.readouterr().out
    assert "2 reports stored, 0 duplicates, 0 rejected" in first
    assert "3 records, 13 messages" in first
    assert main(["import", "--db", db, str(inbox)]) == 0
    assert "0 reports stored, 2 duplicates" in capsys.readouterr().out


def test_quiet_import_prints_nothing_on_success(
    db: str, inbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "--quiet", "--db", db, str(inbox)]) == 0
    assert capsys.readouterr() == ("", "")


def test_json_summary(db: str, inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "--json", "--db", db, str(inbox)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["reports"], summary["records"], summary["messages"]) == (2, 3, 13)


def test_a_rejected_input_gives_one_line_and_exit_65(
    db: str, inbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (inbox / "broken.xml").write_bytes(b"<feedback><report_metadata>")
    assert main(["import", "--db", db, str(inbox)]) == 65
    out, err = capsys.readouterr()
    assert "2 reports stored" in out
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "broken.xml" in lines[0]
    assert "not well-formed XML" in lines[0]


def test_a_missing_path_exits_66(db: str, tmp_path: Path) -> None:
    assert main(["import", "--db", db, str(tmp_path / "nope")]) == 66


def test_usage_error_exits_64() -> None:
    result = _run("import")
    assert result.returncode == 64
    assert "Traceback" not in result.stderr


def test_unwritable_store_exits_73_with_one_line(inbox: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root writes anywhere; a store file that is not a database is refused the same way
        target = tmp_path / "readonly"
        target.mkdir()
        (target / "store.db").write_bytes(b"")
        os.chmod(target, 0o500)
        url = f"sqlite:///{target / 'sub' / 'store.db'}"
        (target / "sub").write_text("a file where the directory should be")
    else:
        target = tmp_path / "readonly"
        target.mkdir(mode=0o500)
        url = f"sqlite:///{target / 'store.db'}"
    result = _run("import", "--db", url, str(inbox))
    assert result.returncode == 73, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_unreachable_postgres_exits_69_without_the_password(inbox: Path) -> None:
    url = "postgresql+psycopg://dmarc:s3cret@127.0.0.1:9/dmarc"
    result = _run("import", "--db", url, str(inbox))
    assert result.returncode == 69, result.stderr
    assert "s3cret" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_parse_prints_one_json_object_per_report(
    inbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse", str(inbox)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(x["report_id"], x["record_count"], x["message_count"]) for x in lines] == [
        ("a", 1, 3),
        ("b", 2, 10),
    ]
    first = lines[0]
    assert first["schema"] == "draft" or first["schema"] == "rfc7489"
    assert set(first["policy"]) == {
        "domain",
        "adkim",
        "aspf",
        "p",
        "sp",
        "np",
        "pct",
        "fo",
        "testing",
        "discovery_method",
    }
    record = first["records"][0]
    assert set(record) == {
        "source_ip",
        "count",
        "disposition",
        "dkim",
        "spf",
        "reasons",
        "header_from",
        "envelope_from",
        "envelope_to",
        "dkim_results",
        "spf_results",
    }
    assert record["dkim_results"][0] == {
        "domain": "email.physio-muster.ch",
        "selector": "s1",
        "result": "pass",
        "human_result": None,
    }


def test_parse_prints_an_error_object_for_a_broken_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"\x00\x01 random")
    assert main(["parse", str(bad)]) == 65
    line = json.loads(capsys.readouterr().out)
    assert line["source"] == str(bad)
    assert line["error"]


def test_every_subcommand_has_help_text() -> None:
    from dmarcwatch import commands

    names = [module.__name__.rsplit(".", 1)[1] for module in commands.discover()]
    assert {"parse", "import_cmd", "reparse"} <= set(names)
    result = _run("--help")
    assert result.returncode == 0
    for name in ("parse", "import", "reparse"):
        assert name in result.stdout
        sub = _run(name, "--help")
        assert sub.returncode == 0 and len(sub.stdout) > 200


# --- hostile inputs: each rejected in one line, the batch goes on, memory stays small --------


def _gzip_bomb(total: int) -> bytes:
    """Concatenated gzip members of zeros: ``total`` bytes inflated from a few MB."""
    block = 64 * 1024 * 1024
    member = gzip.compress(b"\0" * block, compresslevel=9)
    return member * (total // block)


def _zip_bomb() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.xml", b"<feedback>" + b" " * (512 * 1024 * 1024))
    return buffer.getvalue()


def _many_members(count: int) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i in range(count):
            archive.writestr(f"m{i}.xml", b"")
    return buffer.getvalue()


def _nested_gzip(layers: int) -> bytes:
    data = Report().bytes()
    for _ in range(layers):
        data = gzip.compress(data)
    return data


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_hostile_inputs_are_rejected_one_line_each_in_bounded_memory(
    tmp_path: Path, jobs: str
) -> None:
    from tests.ingest.test_parse import BILLION_LAUGHS

    folder = tmp_path / "hostile"
    folder.mkdir()
    inputs = {
        "billion-laughs.xml": BILLION_LAUGHS,
        "external-entity.xml": b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM '
        b'"file:///etc/passwd">]><feedback>&x;</feedback>',
        "external-dtd.xml": b'<!DOCTYPE feedback SYSTEM "http://example.invalid/d.dtd"><feedback/>',
        "gzip-bomb.gz": _gzip_bomb(10 * 1024**3),
        "zip-bomb.zip": _zip_bomb(),
        "many-members.zip": _many_members(100_000),
        "nested-50.gz": _nested_gzip(50),
        "truncated.xml.gz": gzip.compress(Report().bytes())[:-40],
        "random.bin": os.urandom(4096),
        "empty.xml": b"",
        "deep.xml": b"<feedback>" + b"<x>" * 1_000_000 + b"</x>" * 1_000_000 + b"</feedback>",
    }
    for name, data in inputs.items():
        (folder / name).write_bytes(data)
    inputs = dict.fromkeys(inputs, b"")  # free the bombs before the child runs
    (folder / "zz-good.xml").write_bytes(Report().bytes())
    db = f"sqlite:///{tmp_path / 'store.db'}"
    code = (
        # VmHWM is this process's own peak; ru_maxrss would include the parent's at fork.
        "import sys\n"
        "from dmarcwatch.cli import main\n"
        "rc = main(sys.argv[1:])\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print('PEAK', hwm.split()[1], file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "import", "--jobs", jobs, "--db", db, str(folder)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert result.returncode == 65, result.stderr
    assert "Traceback" not in result.stderr
    assert "1 reports stored" in result.stdout
    lines = [line for line in result.stderr.splitlines() if not line.startswith("PEAK")]
    rejected = [line for line in lines if line.startswith("dmarcwatch: rejected")]
    skipped = [line for line in lines if line.startswith("dmarcwatch: skipped")]
    assert len(lines) == len(inputs), "\n".join(lines)
    assert [line for line in skipped if "random.bin" not in line] == []
    for name in inputs:
        assert sum(name in line for line in rejected + skipped) == 1, name
    peak_kib = int(result.stderr.rsplit("PEAK ", 1)[1].split()[0])
    assert peak_kib < 300 * 1024, f"peak RSS {peak_kib} KiB"


def test_jobs_prints_and_exits_as_one_process_does(tmp_path: Path) -> None:
    samples = [str(ROOT / "samples" / "reports"), str(ROOT / "samples" / "broken")]
    alone = _run("import", "--db", str(tmp_path / "alone.db"), *samples)
    workers = _run("import", "--jobs", "2", "--db", str(tmp_path / "workers.db"), *samples)
    assert alone.returncode == workers.returncode == 65
    assert workers.stdout == alone.stdout
    assert workers.stderr == alone.stderr
    assert "Traceback" not in workers.stderr
    again = _run("import", "-j", "0", "--db", str(tmp_path / "workers.db"), *samples)
    assert again.stdout.startswith("0 reports stored, 25 duplicates, 8 rejected")


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_jobs_must_be_a_count(value: str, db: str) -> None:
    result = _run("import", "--jobs", value, "--db", db, "samples/reports")
    assert result.returncode == 64
    assert "not a number of processes" in result.stderr or "expected one argument" in (
        result.stderr
    )
