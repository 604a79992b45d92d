"""Test your backend against the local Adapty emulator.

Install both packages (``pip install "adapty-server[testing]"`` pulls ``adapty-emulator``), and
opt in from a ``conftest.py``::

    pytest_plugins = ["adapty_server.testing"]

A test then takes the ``adapty_emulator`` fixture: an app of the emulator reset for the test,
with its ``base_url`` and ``api_key`` to give your backend, clients on it, and helpers to seed
profiles, move the clock, inject faults and read the journal and the webhook log::

    def test_a_renewal(adapty_emulator: Emulator) -> None:
        adapty = adapty_emulator.client()
        ...
        happened = adapty_emulator.advance(days=31)

One emulator process serves the whole session. With pytest-xdist (``-n 4``) the controller starts
it with ``--accept-any-key`` and every worker uses a key of its own, which the emulator makes an
app of its own: workers never see (or reset) each other's profiles. Under ``adapty-emulator exec``
(``ADAPTY_EMULATOR_URL`` set) the fixture uses that emulator instead of starting one.

Outside pytest (which this package needs only for the fixture), :class:`EmulatorProcess` starts
an emulator and :meth:`EmulatorProcess.app` gives the :class:`Emulator` of a key.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import IO, Any, TypedDict

from .._operations import Adapty, AsyncAdapty

__all__ = ["Emulator", "EmulatorError", "EmulatorProcess", "Happened"]


class EmulatorError(Exception):
    """A control-plane request the emulator refused (a bad fault, a clock moved backwards, ...)."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"the emulator answered {status}: {body}")
        self.status = status
        self.body = body


class Happened(TypedDict):
    """An event moving the clock brought (`POST /__emulator/clock`'s ``happened``)."""

    at: str
    profile_id: str
    customer_user_id: str | None
    event_type: str


class Emulator:
    """One app of a running emulator: the one its ``api_key`` addresses.

    Every control-plane request carries the key, so with ``--accept-any-key`` it reads and
    changes this app only (docs/EMULATOR.md, "Control plane").
    """

    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key

    def __repr__(self) -> str:
        return f"Emulator(base_url={self.base_url!r})"

    def client(self, **options: Any) -> Adapty:
        """A blocking client on this app (``Adapty`` options may be given)."""
        return Adapty(**{"api_key": self.api_key, "base_url": self.base_url, **options})

    def async_client(self, **options: Any) -> AsyncAdapty:
        """An asyncio client on this app."""
        return AsyncAdapty(**{"api_key": self.api_key, "base_url": self.base_url, **options})

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

    def reset(self) -> None:
        """Forgets the app's profiles, journal, faults and webhooks; restores its catalog and clock."""
        self.control("POST", "reset")

    # Profiles and the catalog.

    def seed(
        self, profiles: Sequence[Mapping[str, Any]] = (), *, count: int = 0, customer_user_id_prefix: str | None = None
    ) -> list[str]:
        """Creates profiles at once (``{"customer_user_id", "profile_id", "access_levels",
        "balances"}`` each, and/or ``count`` generated ones); returns their profile ids."""
        body: dict[str, Any] = {"profiles": list(profiles), "count": count}
        if customer_user_id_prefix is not None:
            body["customer_user_id_prefix"] = customer_user_id_prefix
        return self.control("POST", "profiles", body)["profile_ids"]  # type: ignore[no-any-return]

    def profiles(self) -> list[dict[str, Any]]:
        """Every profile's ``profile_id`` and ``customer_user_id``."""
        return self.control("GET", "profiles")["profiles"]  # type: ignore[no-any-return]

    def stored_profile(self, ident: str) -> dict[str, Any]:
        """All the emulator keeps about a profile (by profile id or customer user id)."""
        return self.control("GET", f"profiles/{ident}")["stored"]  # type: ignore[no-any-return]

    def configure(self, settings: Mapping[str, Any] | None = None, /, **more: Any) -> dict[str, Any]:
        """Changes the catalog's settings (access levels, products, webhook URL, ...); returns them all."""
        return self.control("POST", "config", {**(settings or {}), **more})  # type: ignore[no-any-return]

    def seed_paywalls(self, count: int) -> int:
        """Adds ``count`` generated paywalls; returns how many there are now."""
        return self.control("POST", "paywalls", {"count": count})["count"]  # type: ignore[no-any-return]

    # The clock.

    def now(self) -> dt.datetime:
        """The app's time."""
        return dt.datetime.fromisoformat(self.control("GET", "clock")["now"].replace("Z", "+00:00"))

    def advance(self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0) -> list[Happened]:
        """Moves the app's clock forward; returns what happened meanwhile (renewals, expiries,
        ...), in order. Each change also sends its webhooks."""
        total = dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds).total_seconds()
        return self.control("POST", "clock", {"advance_seconds": total})["happened"]  # type: ignore[no-any-return]

    def set_time(self, when: dt.datetime, *, freeze: bool | None = None) -> list[Happened]:
        """Moves the clock forward to ``when`` (an aware datetime), frozen there if asked."""
        if when.tzinfo is None:
            raise ValueError("when must be timezone-aware")
        body: dict[str, Any] = {"now": when.isoformat()}
        if freeze is not None:
            body["freeze"] = freeze
        return self.control("POST", "clock", body)["happened"]  # type: ignore[no-any-return]

    def freeze(self, frozen: bool = True) -> None:
        """Stops the clock where it is (``False`` runs it again)."""
        self.control("POST", "clock", {"freeze": frozen})

    # What the app received and sent.

    def journal(self) -> list[dict[str, Any]]:
        """The requests the app received, oldest first (the key redacted)."""
        return self.control("GET", "journal")  # type: ignore[no-any-return]

    def clear_journal(self) -> None:
        self.control("DELETE", "journal")

    def webhooks(self) -> list[dict[str, Any]]:
        """The webhook delivery log, oldest first, with every attempt."""
        return self.control("GET", "webhooks")  # type: ignore[no-any-return]

    def clear_webhooks(self) -> None:
        self.control("DELETE", "webhooks")

    def trigger_webhook(
        self,
        event_type: str,
        *,
        customer_user_id: str | None = None,
        profile_id: str | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> list[int]:
        """Sends an event of any type for a profile; returns the deliveries' ids."""
        ids = {"customer_user_id": customer_user_id, "profile_id": profile_id}
        body: dict[str, Any] = {"event_type": event_type, "properties": dict(properties or {})}
        body.update((k, v) for k, v in ids.items() if v is not None)
        return self.control("POST", "webhooks/trigger", body)["deliveries"]  # type: ignore[no-any-return]

    # Faults.

    def fault(self, *faults: Mapping[str, Any]) -> None:
        """Plans failures for the next matching requests (docs/EMULATOR.md, "Control plane")."""
        self.control("POST", "faults", [dict(f) for f in faults])

    def clear_faults(self) -> None:
        self.control("DELETE", "faults")

    # Snapshots.

    def snapshot(self) -> dict[str, Any]:
        """The app's whole state."""
        return self.control("GET", "snapshot")  # type: ignore[no-any-return]

    def restore(self, snapshot: Mapping[str, Any] | str) -> None:
        """Replaces the app's whole state with a snapshot (a dict, or its JSON text)."""
        self.control("PUT", "snapshot", snapshot if isinstance(snapshot, str) else dict(snapshot))


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
        if not line.startswith("http://"):
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

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _binary() -> str:
    """The emulator binary: ``$ADAPTY_EMULATOR_BIN``, adapty-emulator's, or one on PATH."""
    configured = os.environ.get("ADAPTY_EMULATOR_BIN")
    if configured:
        return configured
    try:
        from adapty_emulator import binary_path  # type: ignore[import-not-found,unused-ignore]

        return binary_path()  # type: ignore[no-any-return,unused-ignore]
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("adapty-emulator")
    if found is None:
        raise RuntimeError("no adapty-emulator binary: pip install adapty-emulator (or adapty-server[testing])")
    return found


# The fixture and hooks, for pytest to find when it loads this module as a plugin; without pytest
# the classes above still work.
if importlib.util.find_spec("pytest") is not None:
    from ._pytest import adapty_emulator, adapty_emulator_url, pytest_configure_node, pytest_unconfigure  # noqa: F401
