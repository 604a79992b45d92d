"""`python -m adapty_emulator ARGS...` runs the binary with those arguments."""

from __future__ import annotations

import os
import sys

from adapty_emulator import binary_path


def main() -> None:
    binary = binary_path()
    if sys.platform == "win32":
        import subprocess

        raise SystemExit(subprocess.call([binary, *sys.argv[1:]]))
    os.execv(binary, [binary, *sys.argv[1:]])


if __name__ == "__main__":
    main()
