"""OAuth 2.0 access tokens for IMAP logins (SASL XOAUTH2 / OAUTHBEARER, RFC 7628).

Two sources: a ``token_command`` (any program printing an access token, run without a shell),
and Microsoft Entra's client-credentials grant (RFC 6749 §4.4) through MSAL, with the token
cache kept in a file so cron runs reuse a token until it expires. A token is never logged and
never put in an error message.
"""

from __future__ import annotations

import functools
import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import quote
from .mailbox import (
    LoginRefused,
    MailboxError,
    MailboxUnavailable,
    TLSVerificationFailed,
)

TOKEN_COMMAND_TIMEOUT = 30.0
MICROSOFT_IMAP_SCOPE = "https://outlook.office365.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
MICROSOFT_LOGIN = "https://login.microsoftonline.com"


class OAuthError(LoginRefused):
    """No access token could be obtained (the command failed, the identity provider refused)."""


def run_token_command(command: str, timeout: float = TOKEN_COMMAND_TIMEOUT) -> str:
    """Run *command* (split like a shell would, but without one) and return its first line.

    Its stderr is passed through to ours, so a helper's own prompt or error reaches cron mail.
    """
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise OAuthError(f"token_command cannot be split into words: {exc}") from exc
    if not argv:
        raise OAuthError("token_command is empty")
    try:
        done = subprocess.run(  # noqa: S603  (argv from the config, no shell)
            argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=timeout, check=False
        )
    except FileNotFoundError as exc:
        raise OAuthError(f"token_command: {quote(argv[0])} not found") from exc
    except subprocess.TimeoutExpired as exc:
        raise OAuthError(f"token_command {quote(argv[0])} took more than {timeout:g} s") from exc
    except OSError as exc:
        raise OAuthError(f"token_command {quote(argv[0])} cannot run: {exc.strerror}") from exc
    if done.returncode != 0:
        raise OAuthError(f"token_command {quote(argv[0])} exited {done.returncode}")
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    token = lines[0].strip() if lines else ""
    if not token or any(c.isspace() for c in token):
        raise OAuthError(f"token_command {quote(argv[0])} printed no access token")
    return token


class MicrosoftTokenSource:
    """App-only tokens for Exchange Online IMAP, cached in *cache_file* (mode 0600).

    *credential* is a client secret, or a certificate as MSAL takes it (private key and
    certificate in PEM; MSAL derives the SHA-256 thumbprint). *http_client* is for tests.
    *scope* is Exchange Online's (IMAP) or Microsoft Graph's; an *authority* other than
    Microsoft's (a test server) is used as given, without instance discovery; with *ca_file*,
    the token endpoint's TLS certificate is checked against that CA.
    """

    def __init__(
        self,
        tenant_id: str,
        client_id: str,
        credential: str | dict[str, str],
        cache_file: Path,
        *,
        authority: str = MICROSOFT_LOGIN,
        http_client: Any = None,
        scope: str = MICROSOFT_IMAP_SCOPE,
        ca_file: Path | None = None,
    ) -> None:
        import msal  # noqa: PLC0415 - only Microsoft 365 mailboxes need it; keeps startup light

        self.cache_file = cache_file
        self.cache = msal.SerializableTokenCache()
        if cache_file.exists():
            self.cache.deserialize(cache_file.read_text(encoding="utf-8"))
        self.scope = scope
        if ca_file is not None and not http_client:
            http_client = _verifying_session(ca_file)
        options: dict[str, Any] = {"http_client": http_client} if http_client else {}
        if authority != MICROSOFT_LOGIN:
            options["instance_discovery"] = False
        self._make_app = functools.partial(
            msal.ConfidentialClientApplication,
            client_id,
            client_credential=credential,
            authority=f"{authority}/{tenant_id}",
            token_cache=self.cache,
            **options,
        )
        self._app: Any = None

    @property
    def app(self) -> Any:
        """The MSAL application, made on first use (it reads the authority's metadata)."""
        if self._app is None:
            self._app = self._make_app()
        return self._app

    def __call__(self) -> str:
        try:
            result = self.app.acquire_token_for_client(scopes=[self.scope])
        except OSError as exc:  # requests' errors are OSErrors
            raise _unreachable(exc) from exc
        except ValueError as exc:
            raise OAuthError(f"Microsoft token request failed: {type(exc).__name__}") from exc
        self._save_cache()
        if "access_token" not in result:
            error = str(result.get("error", "unknown error"))
            raise OAuthError(f"Microsoft refused the token request: {quote(error)}")
        return str(result["access_token"])

    def forget(self) -> None:
        """Drop the cached access tokens: the server refused ours (expired or revoked)."""
        for token in list(self.cache.search(self.cache.CredentialType.ACCESS_TOKEN)):
            self.cache.remove_at(token)
        self._save_cache()

    def _save_cache(self) -> None:
        if not self.cache.has_state_changed:
            return
        self.cache_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=self.cache_file.parent, prefix=".msal-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(self.cache.serialize())
            os.replace(tmp, self.cache_file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _verifying_session(ca_file: Path) -> Any:
    """A requests session that checks certificates against *ca_file*, even where
    REQUESTS_CA_BUNDLE is set (requests lets that variable override a session's own setting,
    but not a request's)."""
    import requests  # noqa: PLC0415 - MSAL's own HTTP library, installed with it

    session: Any = requests.Session()
    session.request = functools.partial(session.request, verify=str(ca_file), timeout=60)
    return session


def _unreachable(exc: OSError) -> MailboxError:
    """A network failure on the way to the identity provider: unavailable, or TLS not trusted."""
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return TLSVerificationFailed(
            "Microsoft identity platform: TLS certificate not trusted; "
            "if the server uses a private CA, name it in ca_file"
        )
    return MailboxUnavailable(f"Microsoft identity platform: cannot connect ({type(exc).__name__})")


def certificate_credential(pem_file: Path) -> dict[str, str]:
    """Split a PEM file holding a private key and its certificate into MSAL's form."""
    text = pem_file.read_text(encoding="ascii")
    blocks = _pem_blocks(text)
    keys = [b for label, b in blocks if label.endswith("PRIVATE KEY")]
    certs = [b for label, b in blocks if label == "CERTIFICATE"]
    if len(keys) != 1 or not certs:
        raise OAuthError(f"{pem_file}: needs one private key and its certificate, in PEM")
    return {"private_key": keys[0], "public_certificate": certs[0]}


def _pem_blocks(text: str) -> list[tuple[str, str]]:
    blocks: list[tuple[str, str]] = []
    label: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("-----BEGIN ") and line.endswith("-----"):
            label, lines = line[11:-5], [line]
        elif label is not None:
            lines.append(line)
            if line == f"-----END {label}-----":
                blocks.append((label, "\n".join(lines) + "\n"))
                label = None
    return blocks


TokenSource = Callable[[], str]
