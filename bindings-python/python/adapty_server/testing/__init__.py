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

The helpers themselves are adapty-emulator's (``adapty_emulator``: the control plane, the process,
the plugin), which ships and versions with the binary they speak to; this module adds the SDK's
clients on an app.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from adapty_emulator import Emulator as _AppOfEmulator
from adapty_emulator import EmulatorError, Happened
from adapty_emulator import EmulatorProcess as _Process

from .._generated.operations import Adapty, AsyncAdapty

__all__ = ["Emulator", "EmulatorError", "EmulatorProcess", "Happened"]


class Emulator(_AppOfEmulator):
    """One app of a running emulator: the one its ``api_key`` addresses, with clients on it.

    Every control-plane request carries the key, so with ``--accept-any-key`` it reads and
    changes this app only (docs/EMULATOR.md, "Control plane").
    """

    def client(self, **options: Any) -> Adapty:
        """A blocking client on this app (``Adapty`` options may be given)."""
        return Adapty(**{"api_key": self.api_key, "base_url": self.base_url, **options})

    def async_client(self, **options: Any) -> AsyncAdapty:
        """An asyncio client on this app."""
        return AsyncAdapty(**{"api_key": self.api_key, "base_url": self.base_url, **options})


class EmulatorProcess(_Process):
    """An ``adapty-emulator`` process on a free loopback port, stopped by :meth:`stop` (or
    ``with``); it also ends when this process does, since it stops when its stdin closes."""

    def app(self, api_key: str) -> Emulator:
        """The app ``api_key`` addresses."""
        return Emulator(self.base_url, api_key)


# The fixture and hooks, for pytest to find when it loads this module as a plugin; without pytest
# the classes above still work.
if importlib.util.find_spec("pytest") is not None:
    from ._pytest import adapty_emulator, adapty_emulator_url, pytest_configure_node, pytest_unconfigure  # noqa: F401
