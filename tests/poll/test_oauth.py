"""Access tokens: the token_command runner and the Microsoft client-credentials source."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dmarcwatch.ingest.oauth import (
    MICROSOFT_IMAP_SCOPE,
    MicrosoftTokenSource,
    OAuthError,
    certificate_credential,
    run_token_command,
)

PY = sys.executable


def test_token_command_output_first_line_is_the_token(tmp_path: Path) -> None:
    script = tmp_path / "helper.py"
    script.write_text("print('  tok-abc  ')\nprint('second line ignored')\n")
    assert run_token_command(f"{PY} {script}") == "tok-abc"


def test_token_command_runs_without_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "created"
    with pytest.raises(OAuthError, match="printed no access token"):
        run_token_command(f"echo tok && touch {marker}")  # echo prints '&& touch' as words
    assert not marker.exists()


def test_failing_token_command_never_shows_what_it_printed(tmp_path: Path) -> None:
    script = tmp_path / "helper.py"
    script.write_text("print('tok-secret-1'); raise SystemExit(3)\n")
    with pytest.raises(OAuthError) as caught:
        run_token_command(f"{PY} {script}")
    assert "exited 3" in str(caught.value) and "tok-secret-1" not in str(caught.value)


def test_token_command_that_hangs_is_stopped(tmp_path: Path) -> None:
    with pytest.raises(OAuthError, match="took more than"):
        run_token_command(f"{PY} -c 'import time; time.sleep(30)'", timeout=0.5)


def test_missing_token_command_is_named() -> None:
    with pytest.raises(OAuthError, match="not found"):
        run_token_command("/nonexistent/oauth-helper --user x")


def test_token_command_printing_nothing_is_refused() -> None:
    with pytest.raises(OAuthError, match="printed no access token"):
        run_token_command("true")


class _Response:
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status_code = status
        self.text = json.dumps(body)
        self.headers: dict[str, str] = {}

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise OSError(f"HTTP {self.status_code}")


class FakeEntra:
    """Microsoft's login endpoints at the HTTP boundary: discovery and the token endpoint."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.token_requests: list[dict[str, Any]] = []

    def get(self, url: str, **_: Any) -> _Response:
        if "/discovery/instance" in url:  # asked when an answer is not a token
            host = "login.microsoftonline.com"
            return _Response(200, {"metadata": [{"preferred_network": host, "aliases": [host]}]})
        base = url.split("/v2.0/")[0]
        return _Response(
            200,
            {
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "issuer": f"{base}/v2.0",
            },
        )

    def post(self, url: str, data: dict[str, Any] | None = None, **_: Any) -> _Response:
        self.token_requests.append(dict(data or {}))
        return _Response(400 if "error" in self.answer else 200, self.answer)

    def close(self) -> None:
        pass


GRANTED = {"access_token": "ms-token-1", "token_type": "Bearer", "expires_in": 3600}


def test_microsoft_token_is_requested_once_then_taken_from_the_cache_file(tmp_path: Path) -> None:
    entra = FakeEntra(GRANTED)
    cache = tmp_path / "cache" / "msal.json"
    first = MicrosoftTokenSource("tenant", "client", "secret", cache, http_client=entra)
    assert first() == "ms-token-1"
    assert entra.token_requests[0]["grant_type"] == "client_credentials"
    assert entra.token_requests[0]["scope"] == MICROSOFT_IMAP_SCOPE
    assert cache.stat().st_mode & 0o777 == 0o600

    again = MicrosoftTokenSource("tenant", "client", "secret", cache, http_client=entra)
    assert again() == "ms-token-1"
    assert len(entra.token_requests) == 1  # the next cron run reused the cached token


def test_microsoft_refusal_is_one_line_without_secrets(tmp_path: Path) -> None:
    entra = FakeEntra({"error": "invalid_client", "error_description": "AADSTS7000215"})
    source = MicrosoftTokenSource("t", "c", "the-secret", tmp_path / "c.json", http_client=entra)
    with pytest.raises(OAuthError) as caught:
        source()
    assert "invalid_client" in str(caught.value) and "the-secret" not in str(caught.value)


def test_certificate_file_is_split_into_key_and_certificate(tmp_path: Path) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=dmarcwatch", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    both = tmp_path / "app.pem"
    both.write_text(key.read_text() + cert.read_text())
    credential = certificate_credential(both)
    assert credential["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert credential["public_certificate"].startswith("-----BEGIN CERTIFICATE-----")
    with pytest.raises(OAuthError, match="one private key"):
        certificate_credential(cert)
