"""The pytest plugin: one emulator per session, an app per pytest-xdist worker, reset before each test.

Opt in from a ``conftest.py`` with ``pytest_plugins = ["adapty_emulator.pytest_plugin"]`` (or,
with adapty-server, ``["adapty_server.testing"]``, whose fixture's app also makes SDK clients).
The session's emulator is ``$ADAPTY_EMULATOR_URL``'s (set by ``adapty-emulator exec``), the one
the xdist controller started for its workers, or one started for the session, each with
``--accept-any-key``: every worker uses a key of its own, which the emulator makes an app of its
own, so workers never see (or reset) each other's profiles.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from ._emulator import Emulator, EmulatorProcess

_URL_KEY = "adapty_emulator_url"
"""Where the xdist controller tells its workers the emulator's URL (``workerinput``)."""

_process_key = pytest.StashKey[EmulatorProcess]()

_App = TypeVar("_App", bound=Emulator)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist, in the controller before a worker starts: one emulator for all workers
    (started for the first), its URL passed to each."""
    config = node.config
    url = os.environ.get("ADAPTY_EMULATOR_URL")
    if not url:
        process = config.stash.get(_process_key, None)
        if process is None:
            process = EmulatorProcess("--accept-any-key")
            config.stash[_process_key] = process
        url = process.base_url
    node.workerinput[_URL_KEY] = url


def pytest_unconfigure(config: pytest.Config) -> None:
    process = config.stash.get(_process_key, None)
    if process is not None:
        process.stop()


@pytest.fixture(scope="session")
def adapty_emulator_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The base URL of the session's emulator: the xdist controller's, ``$ADAPTY_EMULATOR_URL``'s,
    or one started for the session."""
    worker_input = getattr(request.config, "workerinput", None)
    url = (worker_input or {}).get(_URL_KEY) or os.environ.get("ADAPTY_EMULATOR_URL")
    if url:
        yield url
        return
    with EmulatorProcess("--accept-any-key") as process:
        yield process.base_url


def worker_app(url: str, app: Callable[[str, str], _App]) -> _App:
    """This worker's app of the emulator at ``url`` (made by ``app(url, key)``), reset."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    emulator = app(url, _worker_key(url, worker))
    emulator.reset()
    return emulator


@pytest.fixture
def adapty_emulator(adapty_emulator_url: str) -> Emulator:
    """This worker's app of the emulator, reset for the test."""
    return worker_app(adapty_emulator_url, Emulator)


def _worker_key(url: str, worker: str) -> str:
    """The key of the worker's app: its own where the emulator makes an app per key; otherwise
    the key the emulator accepts (``$ADAPTY_API_KEY``, as ``exec`` sets it)."""
    own = f"secret_pytest_{worker}"
    if Emulator(url, own)._tenants()["tenant_per_key"]:
        return own
    if worker != "main":
        warnings.warn(
            "the emulator has one app for every key, so pytest-xdist workers share (and reset) it:"
            " start it with --accept-any-key",
            stacklevel=2,
        )
    return os.environ.get("ADAPTY_API_KEY") or own
