"""Every error a library raises on purpose reaches the user as one line and a documented code.

The table in ``dmarcwatch.errors`` is the one place that decides; these tests pin each row
through the real ``main`` (a command that raises the error), then the messages the commands
build themselves (the value typed, where a file is kept) through the real commands.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import dmarcwatch
from dmarcwatch.analysis.catalogue import CatalogueError
from dmarcwatch.analysis.check import UnknownSender
from dmarcwatch.analysis.check.dkim import DerError
from dmarcwatch.analysis.dns.names import InvalidDomain
from dmarcwatch.analysis.dns.resolver import NameserverError
from dmarcwatch.analysis.errors import AnalysisError, InvalidArgument
from dmarcwatch.analysis.i18n import UnknownLanguage
from dmarcwatch.analysis.inventory import InvalidApproval
from dmarcwatch.analysis.ipdata import IpDataError
from dmarcwatch.cli import main
from dmarcwatch.commands import init as init_command
from dmarcwatch.errors import exit_code_for
from dmarcwatch.ingest.errors import (
    ContainerError,
    IngestError,
    InvalidStoreURL,
    LimitExceeded,
    LockBusy,
    NotAReport,
    RejectedInput,
    ReportParseError,
    SchemaError,
    StoreEmpty,
    StoreError,
    StoreMissing,
    StoreNotWritable,
    StoreUnavailable,
    UnsafeXML,
)
from dmarcwatch.ingest.https import HttpError
from dmarcwatch.ingest.mailbox import (
    LoginRefused,
    MailboxAnomaly,
    MailboxError,
    MailboxMisconfigured,
    MailboxStopped,
    MailboxUnavailable,
    TLSVerificationFailed,
)
from dmarcwatch.ingest.oauth import OAuthError
from dmarcwatch.reports.errors import (
    ChannelError,
    ChannelsFailed,
    ExportError,
    ExportNeedsFile,
    ExportNotWritable,
    InvalidAddress,
    MailError,
    MailLoginRefused,
    MailNotSent,
    MailRetryLater,
    MailTLSRefused,
    ParquetUnavailable,
    RecipientsRefused,
    ReportsError,
)
from dmarcwatch.reports.svg import UnsafeSvg

# (error raised by a command, exit code, the line on stderr)
SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "samples/reports/bluewin.ch!email.physio-muster.ch!1786320000!1786406399.xml.gz"
)

MAPPED = [
    (LockBusy("another poll is running"), 75, "another poll is running"),
    (OAuthError("no token"), 77, "no token"),
    (LoginRefused("login refused"), 77, "login refused"),
    (MailboxMisconfigured("port 993 speaks TLS"), 78, "port 993 speaks TLS"),
    (StoreMissing("no store at sqlite:///x"), 66, "no store at sqlite:///x"),
    (StoreEmpty("sqlite:///x holds no reports yet"), 66, "sqlite:///x holds no reports yet"),
    (InvalidStoreURL("unsupported database 'x'"), 64, "unsupported database 'x'"),
    (TLSVerificationFailed("not trusted"), 69, "not trusted"),
    (MailboxUnavailable("timed out"), 69, "timed out"),
    (MailboxError("no such folder"), 69, "no such folder"),
    (HttpError("Graph: refused (400)", 400, ""), 69, "Graph: refused (400)"),
    (MailboxAnomaly("server sent no UIDVALIDITY"), 69, "server sent no UIDVALIDITY"),
    (MailboxStopped("stopped while waiting"), 69, "stopped while waiting"),
    (StoreNotWritable("read-only"), 73, "read-only"),
    (StoreUnavailable("cannot connect"), 69, "cannot connect"),
    (SchemaError("schema 9 is newer"), 69, "schema 9 is newer"),
    (UnsafeXML("a DTD"), 65, "a DTD"),
    (ReportParseError("not DMARC"), 65, "not DMARC"),
    (NotAReport("ordinary mail"), 65, "ordinary mail"),
    (ContainerError("bad CRC"), 65, "bad CRC"),
    (LimitExceeded("too big"), 65, "too big"),
    (InvalidDomain("x..y: a label is empty"), 64, "x..y: a label is empty"),
    (UnknownSender("unknown sender 'x'"), 64, "unknown sender 'x'"),
    (NameserverError("bad port in nameserver 'h:x'"), 64, "bad port in nameserver 'h:x'"),
    (CatalogueError("sender network snapshot: bad"), 78, "sender network snapshot: bad"),
    (IpDataError("IP data x.db: damaged"), 78, "IP data x.db: damaged"),
    (InvalidApproval("'x' is neither a known sender"), 64, "'x' is neither a known sender"),
    (ExportNeedsFile("Parquet is binary"), 64, "Parquet is binary"),
    (ExportNotWritable("cannot write in /x: denied"), 73, "cannot write in /x: denied"),
    (ParquetUnavailable("Parquet needs pyarrow"), 78, "Parquet needs pyarrow"),
    (InvalidAddress("--mail-to: not an e-mail address"), 64, "--mail-to: not an e-mail address"),
    (MailRetryLater("h answered 451: later"), 75, "mail not sent: h answered 451: later"),
    (MailLoginRefused("h refused the login"), 78, "mail not sent: h refused the login"),
    (MailTLSRefused("h does not offer STARTTLS"), 78, "mail not sent: h does not offer STARTTLS"),
    (RecipientsRefused("h refused them all"), 65, "mail not sent: h refused them all"),
    (MailNotSent("h answered 554: no"), 69, "mail not sent: h answered 554: no"),
    (ChannelError("slack:team: HTTP 404 no_service"), 69, "slack:team: HTTP 404 no_service"),
    (ChannelsFailed("alert: not delivered (2 events)"), 69, "alert: not delivered (2 events)"),
]
# Raised on purpose, but reaching the command line means a bug: an internal error (70).
BUGS = [
    (UnknownLanguage("no language 'xx'"), "UnknownLanguage: no language \\'xx\\'"),
    (UnsafeSvg("unexpected markup"), "UnsafeSvg: unexpected markup"),
    (DerError("truncated DER"), "DerError: truncated DER"),
]
# Roots and groups: only their subclasses are raised.
ABSTRACT = {
    IngestError,
    RejectedInput,
    StoreError,
    AnalysisError,
    InvalidArgument,
    ReportsError,
    ExportError,
    MailError,
}


@pytest.fixture
def command(monkeypatch: pytest.MonkeyPatch) -> Callable[[BaseException], None]:
    """Make ``dmarcwatch init`` raise the given error, so it goes through the real ``main``."""

    def raising(error: BaseException) -> None:
        def run(args: object) -> int:
            raise error

        monkeypatch.setattr(init_command, "run", run)

    return raising


@pytest.mark.parametrize(("error", "code", "line"), MAPPED, ids=lambda v: type(v).__name__)
def test_each_library_error_is_one_line_with_its_exit_code(
    command: Callable[[BaseException], None],
    capsys: pytest.CaptureFixture[str],
    error: Exception,
    code: int,
    line: str,
) -> None:
    command(error)
    assert main(["init"]) == code
    assert capsys.readouterr().err == f"dmarcwatch: {line}\n"


@pytest.mark.parametrize(("error", "detail"), BUGS, ids=lambda v: type(v).__name__)
def test_an_error_that_means_a_bug_asks_for_a_report(
    command: Callable[[BaseException], None],
    capsys: pytest.CaptureFixture[str],
    error: Exception,
    detail: str,
) -> None:
    command(error)
    assert main(["init"]) == 70
    expected = f"dmarcwatch: internal error '{detail}'; rerun with --debug and report it\n"
    assert capsys.readouterr().err == expected


def _subclasses(root: type[Exception]) -> Iterator[type[Exception]]:
    for sub in root.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_error_class_of_the_packages_is_mapped_or_known_as_a_bug() -> None:
    for module in pkgutil.walk_packages(dmarcwatch.__path__, "dmarcwatch."):
        importlib.import_module(module.name)
    found = {
        cls
        for root in (IngestError, AnalysisError, ReportsError)
        for cls in (root, *_subclasses(root))
        if cls.__module__.startswith("dmarcwatch.")
    }
    tested = {type(e) for e, _, _ in MAPPED} | {type(e) for e, _ in BUGS} | ABSTRACT
    assert found == tested
    assert exit_code_for(UnsafeSvg("x")) is None


def test_analysis_and_reports_errors_stay_one_line_under_debug(
    command: Callable[[BaseException], None], capsys: pytest.CaptureFixture[str]
) -> None:
    command(UnknownSender("unknown sender 'x'"))
    assert main(["init", "--debug"]) == 64
    assert capsys.readouterr().err.endswith("dmarcwatch: unknown sender 'x'\n")


def test_ingest_errors_and_bugs_show_their_traceback_under_debug(
    command: Callable[[BaseException], None],
) -> None:
    command(StoreUnavailable("cannot connect"))
    with pytest.raises(StoreUnavailable):
        main(["init", "--debug"])
    command(UnsafeSvg("unexpected markup"))
    with pytest.raises(UnsafeSvg):
        main(["init", "--debug"])


# The messages the commands complete themselves, through the real commands.


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No user configuration, data or store of the machine running the tests."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("DMARCWATCH_DB", raising=False)
    monkeypatch.delenv("DMARCWATCH_CONFIG", raising=False)
    return tmp_path


@pytest.fixture
def empty_store(isolated: Path) -> str:
    """A store holding one report: read-only commands refuse a store without any (exit 66)."""
    url = f"sqlite:///{isolated / 'store.db'}"
    assert main(["import", "--quiet", "--db", url, str(SAMPLE)]) == 0
    return url


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["bad..name.ch"], "bad..name.ch: a label is empty, too long or has characters DNS "
                           "names cannot have"),  # fmt: skip
        (["ok.ch", "--return-path", "a\x1bb.ch"], "a\\x1bb.ch: a label is empty, too long or "
                                                  "has characters DNS names cannot have"),
        (["ok.ch", "--sender", "no-such-sender"], "unknown sender 'no-such-sender'; known: "),
        (["ok.ch", "--nameserver", "[::1"], "bad nameserver '[::1': use [ADDRESS]:PORT"),
        (["ok.ch", "--nameserver", "host:dns"], "bad port in nameserver 'host:dns'"),
    ],
)  # fmt: skip
def test_check_refuses_what_was_typed_with_a_usage_error(
    isolated: Path, capsys: pytest.CaptureFixture[str], argv: list[str], line: str
) -> None:
    code, err = _run(capsys, "check", "--no-store", *argv)
    assert code == 64
    assert err.startswith(f"dmarcwatch: {line}") and err.count("\n") == 1


def test_senders_update_names_the_option_of_a_bad_nameserver(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(capsys, "senders", "update", "--nameserver", "host:dns")
    assert (code, err) == (64, "dmarcwatch: --nameserver: expected HOST or HOST:PORT\n")


def test_a_broken_snapshot_is_a_config_error_that_says_where_it_is(
    empty_store: str, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = isolated / "data" / "dmarcwatch" / "sender-networks.json"
    snapshot.parent.mkdir(parents=True)
    snapshot.write_text("{not json", encoding="utf-8")
    code, err = _run(capsys, "export", "--db", empty_store, "-o", "-")
    assert code == 78
    assert err.startswith("dmarcwatch: sender network snapshot: ")
    assert err.endswith(f" (delete {snapshot} or run 'senders update')\n")


def test_export_errors_keep_their_lines_and_codes(
    empty_store: str, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(capsys, "export", "--db", empty_store, "--format", "parquet", "-o", "-")
    assert (code, err) == (64, "dmarcwatch: Parquet is binary: give a file with -o\n")
    target = isolated / "missing" / "out.csv"
    code, err = _run(capsys, "export", "--db", empty_store, "-o", str(target))
    line = f"dmarcwatch: cannot write in {target.parent}: No such file or directory\n"
    assert (code, err) == (73, line)


def test_parquet_without_pyarrow_is_a_config_error(
    empty_store: str, isolated: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now fails
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    out = isolated / "out.parquet"
    code, err = _run(capsys, "export", "--db", empty_store, "--format", "parquet", "-o", str(out))
    line = (
        "dmarcwatch: Parquet needs pyarrow: install dmarcwatch with its parquet extra "
        "(or pyarrow into its environment)\n"
    )
    assert (code, err) == (78, line)
    assert not out.exists()


def test_a_bad_recipient_names_the_option(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(capsys, "report", "--mail-to", "ok@praxis.ch,Name <a@b.ch>")
    line = "dmarcwatch: --mail-to: not a plain e-mail address: 'Name <a@b.ch>'\n"
    assert (code, err) == (64, line)
