"""Every generated file, written from the core's schema bundle by tools/codegen (`make
codegen`), and checked fresh by `make lint`."""

from __future__ import annotations

import functools
import subprocess

from .context import ROOT, Context
from .registry import task

GENERATE = ROOT / "tools" / "codegen" / "generate"


@functools.cache
def generated() -> list[str]:
    """The generated files' paths (formatters and linters leave them to the generators)."""
    return subprocess.run([GENERATE, "--list"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()


def stale(ctx: Context) -> list[str]:
    """What `make codegen` would change (empty when every generated file is fresh)."""
    code = ctx.run([GENERATE, "--check"], check=False)
    return [f"stale generated files (the diff is in {ctx.log_path}); run make codegen"] if code else []


def unmarked() -> list[str]:
    """Generated files .gitattributes does not mark `linguist-generated` (so reviews and GitHub's
    statistics would take them for hand-written ones), and marked files that are not generated."""
    marked = {line.split()[0] for line in (ROOT / ".gitattributes").read_text().splitlines() if "linguist-generated" in line.split()[1:]}
    generated_files = set(generated())
    return [f"{f} is generated but not marked" for f in sorted(generated_files - marked)] + [
        f"{f} is marked but not generated" for f in sorted(marked - generated_files)
    ]


@task("codegen")
def write(ctx: Context, args: list[str]) -> int:
    """Regenerates every generated file (models and operations of each language) from the core's definitions (commit the result)."""
    ctx.run([GENERATE])
    return 0
