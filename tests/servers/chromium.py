"""pytest plugin: headless Chromium, driven over the DevTools protocol on a pipe.

Fixture ``chromium`` (session): a :class:`Chromium` for the Debian ``chromium`` binary. Under
``CI=true`` a missing browser fails the tests that need it; elsewhere they are skipped.

- :meth:`Chromium.screenshot` and :meth:`Chromium.dump_dom` run the browser once with
  ``--screenshot`` / ``--dump-dom`` (the plain command-line way);
- :meth:`Chromium.open` starts a browser with ``--remote-debugging-pipe`` (DevTools messages
  are NUL-terminated JSON on file descriptors 3 and 4: no port, no websocket), loads a page
  and records every network request, console message, exception and log entry (CSP
  violations arrive as log entries), then lets the test evaluate JavaScript, take a full-page
  screenshot and print to PDF.

Every browser gets a fresh ``--user-data-dir`` and the flags of
/work/shared/docs/test-servers.md section 3.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
]
TIMEOUT = 60.0


class DevToolsError(RuntimeError):
    """The browser answered a command with an error, or did not answer in time."""


@dataclass
class PageLoad:
    """What happened while a page loaded, and a live session to look at it."""

    url: str
    requests: list[str] = field(default_factory=list)
    console: list[dict[str, Any]] = field(default_factory=list)  # Runtime.consoleAPICalled
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)  # Log.entryAdded (CSP, network)
    failed: list[dict[str, Any]] = field(default_factory=list)  # Network.loadingFailed

    @property
    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error-level log entries, as text."""
        found = [
            " ".join(str(a.get("value", a.get("description", ""))) for a in c.get("args", []))
            for c in self.console
            if c.get("type") in ("error", "assert")
        ]
        found += [str(e.get("exceptionDetails", {}).get("text", e)) for e in self.exceptions]
        found += [str(e.get("text", "")) for e in self.log if e.get("level") == "error"]
        return found


class DevTools:
    """One browser process and its DevTools pipe."""

    def __init__(self, binary: str, stderr: Path) -> None:
        self._profile = tempfile.TemporaryDirectory(prefix="dmarcwatch-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire() -> None:  # in the child, before exec: the pipe ends become fds 3 and 4
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        with stderr.open("ab") as err:
            self.process = subprocess.Popen(
                [binary, *FLAGS, f"--user-data-dir={self._profile.name}",
                 "--remote-debugging-pipe", "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                preexec_fn=wire,  # noqa: PLW1509 - two dup2 calls before exec
                pass_fds=(3, 4),
            )  # fmt: skip
        os.close(to_child_r)
        os.close(from_child_w)
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._events: list[tuple[str | None, dict[str, Any]]] = []
        self._next_id = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_child, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                self._messages.put(None)
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                self._messages.put(json.loads(raw))

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:  # fmt: skip
        """Send a command and wait for its answer; events seen meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._next(deadline, method)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise DevToolsError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self._events.append((reply.get("sessionId"), reply))

    def wait_for(self, event: str, session: str | None) -> dict[str, Any]:
        """Wait until *event* arrives for *session* (it may have arrived already)."""
        deadline = time.monotonic() + TIMEOUT
        seen = 0
        while True:
            for sid, message in self._events[seen:]:
                if message.get("method") == event and sid == session:
                    return message
            seen = len(self._events)
            reply = self._next(deadline, event)
            self._events.append((reply.get("sessionId"), reply))

    def _next(self, deadline: float, waiting_for: str) -> dict[str, Any]:
        try:
            reply = self._messages.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise DevToolsError(f"no answer to {waiting_for} in {TIMEOUT:.0f} s") from None
        if reply is None:
            raise DevToolsError(f"the browser closed the pipe while waiting for {waiting_for}")
        return reply

    def events(self, session: str) -> list[dict[str, Any]]:
        return [m for sid, m in self._events if sid == session]

    def close(self) -> None:
        with contextlib.suppress(DevToolsError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        for fd in (self._to_child, self._from_child):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._profile.cleanup()


class Page:
    """A loaded page in a DevTools session."""

    def __init__(self, tools: DevTools, session: str, load: PageLoad) -> None:
        self.tools = tools
        self.session = session
        self.load = load

    def evaluate(self, expression: str) -> Any:
        result = self.tools.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True},
            self.session,
        )
        if "exceptionDetails" in result:
            raise DevToolsError(f"evaluate failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """The whole page (not just the window) as PNG."""
        metrics = self.tools.send("Page.getLayoutMetrics", {}, self.session)
        size = metrics["cssContentSize"]
        shot = self.tools.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"],
                         "scale": 1},
            },
            self.session,
        )  # fmt: skip
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        self.tools.close()

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def print_pdf(self) -> bytes:
        printed = self.tools.send("Page.printToPDF", {"printBackground": True}, self.session)
        return base64.b64decode(printed["data"])


class Chromium:
    """The browser binary and the ways the tests drive it."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir
        self.stderr = workdir / "chromium-stderr.log"

    def _once(self, url: str, *extra: str) -> subprocess.CompletedProcess[bytes]:
        with tempfile.TemporaryDirectory(prefix="dmarcwatch-chromium-") as profile:
            return subprocess.run(
                [self.binary, *FLAGS, f"--user-data-dir={profile}", *extra, url],
                capture_output=True,
                timeout=120,
                check=False,
            )

    def screenshot(self, url: str, path: Path, width: int = 1280, height: int = 2000) -> Path:
        """``chromium --screenshot``: the first *height* pixels of the page."""
        done = self._once(url, f"--screenshot={path}", f"--window-size={width},{height}")
        if not path.exists():
            raise DevToolsError(f"no screenshot: {done.stderr.decode(errors='replace')[-2000:]}")
        return path

    def dump_dom(self, url: str) -> str:
        """``chromium --dump-dom``: the DOM after load, serialised."""
        done = self._once(url, "--dump-dom")
        return done.stdout.decode("utf-8", errors="replace")

    def open(self, url: str, width: int = 1280, height: int = 900, mobile: bool = False) -> Page:
        """Load *url* in a fresh browser with DevTools watching; the caller closes it."""
        tools = DevTools(self.binary, self.stderr)
        try:
            return self._load(tools, url, width, height, mobile)
        except BaseException:
            tools.close()
            raise

    def _load(self, tools: DevTools, url: str, width: int, height: int, mobile: bool) -> Page:
        target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Network", "Runtime", "Log"):
            tools.send(f"{domain}.enable", {}, session)
        tools.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
            session,
        )
        tools.send("Page.navigate", {"url": url}, session)
        tools.wait_for("Page.loadEventFired", session)
        tools.send("Runtime.evaluate", {"expression": "1"}, session)  # let late events arrive
        load = PageLoad(url)
        for event in tools.events(session):
            params = event.get("params", {})
            method = event.get("method")
            if method == "Network.requestWillBeSent":
                load.requests.append(params["request"]["url"])
            elif method == "Network.loadingFailed":
                load.failed.append(params)
            elif method == "Runtime.consoleAPICalled":
                load.console.append(params)
            elif method == "Runtime.exceptionThrown":
                load.exceptions.append(params)
            elif method == "Log.entryAdded":
                load.log.append(params["entry"])
        return Page(tools, session, load)


def _find() -> str | None:
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    binary = _find()
    if binary is None:
        message = "headless Chromium not installed (apt-get install -y chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    yield Chromium(binary, tmp_path_factory.mktemp("chromium"))
