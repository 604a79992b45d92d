"""`python3 -m tasks TASK [ARGS...]` (with tools/ on the path; the Makefile's way in).

The program runs in its own virtualenv, `target/tools/venv`, holding the pinned Python tools of
tools/requirements.txt (Jinja2 for the generators, ruff, mypy, pytest, pip-audit): the system
Python makes it on first use, or when the requirements change, and the program starts itself
again inside it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / "target" / "tools" / "venv"
REQUIREMENTS = ROOT / "tools" / "requirements.txt"
STAMP = VENV / ".requirements"


def in_venv() -> None:
    """Re-executes this program in the tools' virtualenv, making it first if needed."""
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    wanted = REQUIREMENTS.read_text()
    if not python.exists() or not STAMP.exists() or STAMP.read_text() != wanted:
        print("tasks: setting up target/tools/venv (tools/requirements.txt)", flush=True)
        log = ROOT / "target" / "logs" / "tools-venv.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "w") as out:
            for attempt in range(3):
                made = (
                    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], stdout=out, stderr=out).returncode == 0
                )
                pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-r", str(REQUIREMENTS)]
                if made and subprocess.run(pip, stdout=out, stderr=out).returncode == 0:
                    break
                print(f"tasks: setting up the tools' virtualenv failed (attempt {attempt + 1} of 3)", flush=True)
            else:
                sys.exit(f"tasks: could not set up {VENV}; pip's output:\n{log.read_text()[-4000:]}")
        STAMP.write_text(wanted)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tools")}
    os.execve(python, [str(python), "-m", "tasks", *sys.argv[1:]], env)


def main() -> int:
    in_venv()
    sys.path.insert(0, str(ROOT / "tests"))  # tests/junit.py: the report format
    from . import cli

    return cli.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
