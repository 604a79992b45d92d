"""The pytest plugin of `adapty_server.testing`: one emulator per session, an app per worker."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from . import Emulator, EmulatorProcess

_URL_KEY = "adapty_emulator_url"
"""Where the xdist controller tells its workers the emulator's URL (``workerinput``)."""

_process_key = pytest.StashKey[EmulatorProcess]()


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


@pytest.fixture
def adapty_emulator(adapty_emulator_url: str) -> Emulator:
    """This worker's app of the emulator, reset for the test."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    emulator = Emulator(adapty_emulator_url, _worker_key(adapty_emulator_url, worker))
    emulator.reset()
    return emulator


def _worker_key(url: str, worker: str) -> str:
    """The key of the worker's app: its own where the emulator makes an app per key; otherwise
    the key the emulator accepts (``$ADAPTY_API_KEY``, as ``exec`` sets it)."""
    own = f"secret_pytest_{worker}"
    if Emulator(url, own).control("GET", "tenants")["tenant_per_key"]:
        return own
    if worker != "main":
        warnings.warn(
            "the emulator has one app for every key, so pytest-xdist workers share (and reset) it:"
            " start it with --accept-any-key",
            stacklevel=2,
        )
    return os.environ.get("ADAPTY_API_KEY") or own
