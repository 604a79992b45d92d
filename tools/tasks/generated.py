"""Every generated file, written from the core's schema bundle by tools/codegen (`make
codegen`) and checked fresh by `make lint`, with the task program's formatters."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from codegen import generate
from codegen.formatters import FormatterError, Formatters

from . import toolchain
from .build import SwiftPackage
from .context import ROOT, Context, Failed
from .registry import task


def generated() -> list[str]:
    """The generated files' paths."""
    return generate.paths()


def formatters(ctx: Context) -> Formatters:
    """The formatters where this program installs them; swift-format where Swift is."""
    toolchain.npm_tools(ctx)
    toolchain.ktlint(ctx)

    def in_swift_package(directory: Path, command: Sequence[str]) -> None:
        with SwiftPackage(ctx, directory, "codegen") as package:
            if package.run(list(command)) != 0:
                raise FormatterError(f"`{' '.join(command[:3])} ...` failed; its output is in {ctx.log_path}")
            for file in directory.iterdir():
                file.write_bytes(package.host_path(file.name).read_bytes())

    return Formatters.at(ROOT, in_swift_package)


def run(ctx: Context, mode: str) -> int:
    try:
        return generate.generate(ROOT, "check" if mode == "check" else "write", formatters(ctx), out=ctx.say)
    except FormatterError as e:
        raise Failed(f"codegen: {e}") from e


def stale(ctx: Context) -> list[str]:
    """What `make codegen` would change (empty when every generated file is fresh)."""
    return [f"stale generated files (the diff is in {ctx.log_path}); run make codegen"] if run(ctx, "check") else []


def unmarked() -> list[str]:
    """Generated files .gitattributes does not mark `linguist-generated` (so reviews and GitHub's
    statistics would take them for hand-written ones), and marked files that are not generated."""
    marked = {
        line.split()[0] for line in (ROOT / ".gitattributes").read_text().splitlines() if "linguist-generated" in line.split()[1:]
    }
    generated_files = set(generated())
    return [f"{f} is generated but not marked" for f in sorted(generated_files - marked)] + [
        f"{f} is marked but not generated" for f in sorted(marked - generated_files)
    ]


@task("codegen")
def write(ctx: Context, args: list[str]) -> int:
    """Regenerates every generated file (models and operations of each language) from the core's definitions (commit the result)."""
    return run(ctx, "write")
