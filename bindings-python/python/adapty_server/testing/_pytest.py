"""The pytest plugin of `adapty_server.testing`: adapty-emulator's (one emulator per session, an
app per worker), its fixture's app with the SDK's clients."""

from __future__ import annotations

import pytest
from adapty_emulator.pytest_plugin import adapty_emulator_url, pytest_configure_node, pytest_unconfigure, worker_app

from . import Emulator

__all__ = ["adapty_emulator", "adapty_emulator_url", "pytest_configure_node", "pytest_unconfigure"]


@pytest.fixture
def adapty_emulator(adapty_emulator_url: str) -> Emulator:
    """This worker's app of the emulator, reset for the test."""
    return worker_app(adapty_emulator_url, Emulator)
