"""``[[alert]]`` tables: what is accepted, and the one-line config errors (exit 78)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dmarcwatch.config import load_config
from dmarcwatch.errors import ConfigError


def _load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_channels_with_filters_and_secrets_from_files(tmp_path: Path) -> None:
    (tmp_path / "teams.url").write_text("https://x.environment.api.powerplatform.com/wf?sig=S\n")
    (tmp_path / "hook.secret").write_text("whsec_c2VjcmV0\nplain-second-secret\n")
    config = _load(
        tmp_path,
        '[[alert]]\ntype = "email"\nto = ["it@praxis.ch"]\ndomains = "*.praxis.ch"\nlang = "de"\n'
        '[[alert]]\ntype = "teams"\nname = "support"\nurl_file = "teams.url"\n'
        'min_severity = "critical"\n'
        '[[alert]]\ntype = "webhook"\nurl = "http://127.0.0.1:8080/h"\n'
        'secret_file = "hook.secret"\ncodes = ["sendgrid-*"]\nretries = 0\ntimeout = 3\n',
    )
    email, teams, hook = config.alerts  # type: ignore[attr-defined]
    assert (email.to, email.domains, email.lang) == (("it@praxis.ch",), ("*.praxis.ch",), "de")
    assert teams.url.value.endswith("sig=S") and "sig=S" not in repr(teams)
    assert teams.min_severity == "critical" and teams.name == "support"
    assert [s.value for s in hook.secrets] == ["whsec_c2VjcmV0", "plain-second-secret"]
    assert (hook.codes, hook.retries, hook.timeout) == (("sendgrid-*",), 0, 3.0)


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ('type = "pager"', "'type' must be one of email, webhook, slack, teams"),
        ('type = "email"', "'to' is missing"),
        ('type = "slack"', "give exactly one of url or url_file"),
        ('type = "slack"\nurl = "ftp://x"', "must be an https:// (or http://) URL"),
        (
            'type = "webhook"\nurl = "https://x"\nmin_severity = "info"',
            "'min_severity' must be one of",
        ),
        ('type = "webhook"\nurl = "https://x"\nlang = "es"', "'lang' must be one of"),
        ('type = "webhook"\nurl = "https://x"\nretries = 11', "'retries' must be 0-10"),
        ('type = "webhook"\nurl = "https://x"\ndomain = ["a.ch"]', "did you mean 'domains'?"),
    ],
)
def test_a_bad_alert_table_is_a_config_error_naming_the_key(
    tmp_path: Path, table: str, problem: str
) -> None:
    with pytest.raises(ConfigError, match=r"\[\[alert\]\]") as caught:
        _load(tmp_path, f"[[alert]]\n{table}\n")
    assert problem in str(caught.value)
