"""One app of a running emulator (:class:`Emulator`), and an emulator process (:class:`EmulatorProcess`).

The control plane's requests are generated methods (`_generated.control.Control`); this module sends them
and adds what is not one request: ``advance()`` in days, hours, minutes and seconds, the process.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from typing import IO, Any, TypeVar

from ._binary import binary_path
from ._generated.control import Control, Happened

_Process = TypeVar("_Process", bound="EmulatorProcess")


class EmulatorError(Exception):
    """A control-plane request the emulator refused (a bad fault, a clock moved backwards, ...)."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"the emulator answered {status}: {body}")
        self.status = status
        self.body = body


class Emulator(Control):
    """One app of a running emulator: the one its ``api_key`` addresses.

    Every control-plane request carries the key, so with ``--accept-any-key`` it reads and
    changes this app only (docs/EMULATOR.md, "Control plane").
    """

    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key

    def __repr__(self) -> str:
        return f"Emulator(base_url={self.base_url!r})"

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Any control-plane request (``path`` under ``/__emulator/``); its JSON answer, or None."""
        data = None if body is None else (body if isinstance(body, str) else json.dumps(body)).encode()
        request = urllib.request.Request(f"{self.base_url}/__emulator/{path}", data=data, method=method)
        request.add_header("content-type", "application/json")
        request.add_header("authorization", f"Api-Key {self.api_key}")
        try:
            with urllib.request.urlopen(request) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as e:
            raise EmulatorError(e.code, e.read().decode()) from None
        return json.loads(text) if text else None

    def advance(self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0) -> list[Happened]:
        """Moves the app's clock forward; returns what happened meanwhile (renewals, expiries,
        ...), in order. Each change also sends its webhooks."""
        return self._advance(dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds).total_seconds())


class EmulatorProcess:
    """An ``adapty-emulator`` process on a free loopback port, stopped by :meth:`stop` (or
    ``with``); it also ends when this process does, since it stops when its stdin closes."""

    def __init__(self, *args: str, binary: str | None = None) -> None:
        """Starts the binary (``binary``, else ``$ADAPTY_EMULATOR_BIN``, else the one
        ``adapty-emulator`` installed) with these extra arguments (``--accept-any-key``,
        ``--api-key KEY``, ``--import FILE``, ...)."""
        self._stderr: IO[bytes] = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [binary or _binary(), "--port", "0", "--exit-on-stdin-close", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()
        if not line.startswith(("http://", "https://")):
            self._process.wait(timeout=10)
            self._stderr.seek(0)
            raise RuntimeError(f"the emulator did not start: {self._stderr.read().decode().strip()}")
        self.base_url = line

    def app(self, api_key: str) -> Emulator:
        """The app ``api_key`` addresses."""
        return Emulator(self.base_url, api_key)

    def stop(self) -> None:
        """Stops the emulator and waits for it."""
        if self._process.stdin is not None and not self._process.stdin.closed:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._stderr.close()

    def __enter__(self: _Process) -> _Process:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _binary() -> str:
    """The emulator binary: ``$ADAPTY_EMULATOR_BIN``, this package's, or one on PATH."""
    configured = os.environ.get("ADAPTY_EMULATOR_BIN")
    if configured:
        return configured
    try:
        return binary_path()
    except FileNotFoundError:
        pass
    found = shutil.which("adapty-emulator")
    if found is None:
        raise RuntimeError("no adapty-emulator binary: pip install adapty-emulator (or adapty-server[testing])")
    return found
