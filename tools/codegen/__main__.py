"""`python3 -m codegen` writes every generated file; `--check` fails, showing the diff, if one is
stale; `--list` prints their paths. Run with `PYTHONPATH=tools` from anywhere in the repository."""

import argparse
import sys
from pathlib import Path

from .formatters import FormatterError
from .generate import generate

parser = argparse.ArgumentParser(prog="python3 -m codegen", description=__doc__)
mode = parser.add_mutually_exclusive_group()
mode.add_argument("--check", dest="mode", action="store_const", const="check", help="write nothing; fail if a file is stale")
mode.add_argument("--list", dest="mode", action="store_const", const="list", help="print the generated files' paths")
args = parser.parse_args()
try:
    sys.exit(generate(Path(__file__).resolve().parents[2], args.mode or "write"))
except FormatterError as e:
    sys.exit(f"codegen: {e}")
