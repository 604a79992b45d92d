"""Where the `adapty-emulator` binary this package installs is."""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig

__all__ = ["binary_path"]

_NAME = "adapty-emulator" + (sysconfig.get_config_var("EXE") or "")


def binary_path() -> str:
    """The path of the installed `adapty-emulator` binary.

    Looked for where pip puts scripts: this environment's, the user scheme's (``pip install
    --user``), ``bin/`` beside the package (``pip install --target``), then ``PATH``.
    """
    candidates = [os.path.join(sysconfig.get_path("scripts"), _NAME)]
    user_scheme = sysconfig.get_preferred_scheme("user")
    candidates.append(os.path.join(sysconfig.get_path("scripts", scheme=user_scheme), _NAME))
    candidates.append(os.path.join(os.path.dirname(os.path.dirname(__file__)), "bin", _NAME))
    for path in candidates:
        if os.path.isfile(path):
            return path
    found = shutil.which(_NAME)
    if found is None:
        raise FileNotFoundError(f"the adapty-emulator binary is not in {candidates} nor on PATH ({sys.prefix})")
    return found
