"""The `adapty-emulator` binary, and the helpers that start it and speak its control plane.

:class:`Emulator` is one app of a running emulator: the control plane's requests as methods
(``reset()``, ``seed()``, ``advance()``, ``journal()``, ``webhooks()``, ``snapshot()``, ...).
:class:`EmulatorProcess` starts the binary on a free port; :func:`binary_path` finds it. The pytest
plugin ``adapty_emulator.pytest_plugin`` gives the ``adapty_emulator`` fixture; with adapty-server,
``adapty_server.testing`` gives it with the SDK's clients on the app. See docs/EMULATOR.md.
"""

from __future__ import annotations

from ._binary import binary_path
from ._emulator import Emulator, EmulatorError, EmulatorProcess
from ._generated.control import Happened

__all__ = ["Emulator", "EmulatorError", "EmulatorProcess", "Happened", "binary_path"]
