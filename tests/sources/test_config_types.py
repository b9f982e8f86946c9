"""``[[mailbox]] type``: what each type needs, and one-line errors (exit 78) for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from dmarcwatch.config import load_config
from dmarcwatch.errors import ConfigError


def config(tmp_path: Path, body: str) -> Path:
    (tmp_path / "secret").write_text("s3cret\n")
    (tmp_path / "sa.json").write_text("{}")
    path = tmp_path / "config.toml"
    path.write_text('[[mailbox]]\nname = "x"\n' + body)
    return path


def test_a_maildir_needs_only_its_path_and_takes_dotted_folder_names(tmp_path: Path) -> None:
    box = load_config(
        config(tmp_path, 'type = "maildir"\npath = "Maildir"\nprocessed_folder = ".Done"\n')
    ).mailboxes[0]
    assert (box.type, box.path, box.folder) == ("maildir", tmp_path / "Maildir", "INBOX")
    assert box.processed_folder == "Done" and box.invalid_folder == "DMARC/Invalid"


def test_graph_defaults_to_the_inbox_and_microsofts_endpoints(tmp_path: Path) -> None:
    box = load_config(
        config(
            tmp_path,
            'type = "graph"\nuser = "dmarc@example.ch"\ntenant_id = "t"\nclient_id = "c"\n'
            'client_secret_file = "secret"\n',
        )
    ).mailboxes[0]
    assert box.folder == "Inbox" and box.graph is not None
    assert box.graph.graph_url == "https://graph.microsoft.com/v1.0"
    assert box.graph.client_secret is not None and "s3cret" not in repr(box)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('type = "maildir"\n', "'path' is required"),
        ('type = "maildir"\npath = "M"\nhost = "imap.example.ch"\n', "'host' is unknown"),
        ('type = "pop3"\n', "must be one of imap, graph, gmail, maildir"),
        (
            'type = "graph"\nuser = "u"\ntenant_id = "t"\nclient_id = "c"\n',
            "exactly one of client_secret_file or certificate_file",
        ),
        (
            'type = "graph"\nuser = "u"\ntenant_id = "t"\nclient_id = "c"\n'
            'client_secret_file = "secret"\ngraph_url = "http://graph.example"\n',
            "must be an https:// URL",
        ),
        (
            'type = "gmail"\nuser = "u"\nservice_account_file = "sa.json"\ntoken_file = "t.json"\n',
            "exactly one of service_account_file or token_file",
        ),
        ('type = "gmail"\nservice_account_file = "sa.json"\n', "'user' is missing"),
    ],
)
def test_settings_that_do_not_fit_the_type_are_one_line_errors(
    tmp_path: Path, body: str, says: str
) -> None:
    with pytest.raises(ConfigError, match=says):
        load_config(config(tmp_path, body))
