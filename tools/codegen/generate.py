"""Every generated file of the repository, each listed once in `TARGETS` with the template that
writes it and the data it reads, and `generate`, which writes them, checks them or lists them.

A file is rendered from `templates/<language>/<its name>.j2` with the context its language's
module prepares from the schema bundle, then formatted by that language's formatter. Adding a
generated file is one `Target` here, one template, and (if its data is new) one function."""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from . import emulator_helpers, kotlin, python, rust, swift, typescript
from .formatters import Formatters
from .manifest import Manifest
from .render import render


@dataclass(frozen=True)
class Sources:
    """What the generated files are made from: the core's operation manifest (with its models'
    schema), and the emulator's control-plane description (its OpenAPI document)."""

    manifest: Manifest
    control: dict[str, Any]


@dataclass(frozen=True)
class Target:
    """A generated file: its `path` in the repository, its `language` (the template folder and
    the formatter), and the function preparing its template's data from the sources."""

    path: str
    language: str
    context: Callable[[Sources], dict[str, Any]]

    @property
    def template(self) -> str:
        return f"{self.language}/{Path(self.path).name}.j2"


def no_data(sources: Sources) -> dict[str, Any]:
    """A template that reads nothing (a generated package's `__init__.py`)."""
    return {}


def of_manifest(context: Callable[[Manifest], dict[str, Any]]) -> Callable[[Sources], dict[str, Any]]:
    """A context read from the operation manifest."""
    return lambda sources: context(sources.manifest)


def of_control(context: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[Sources], dict[str, Any]]:
    """A context read from the emulator's control-plane description."""
    return lambda sources: context(sources.control)


FILTERS: dict[str, dict[str, Callable[..., Any]]] = {
    "python": python.FILTERS,
    "typescript": typescript.FILTERS,
    "kotlin": kotlin.FILTERS,
    "swift": swift.FILTERS,
    "rust": rust.FILTERS,
}
"""Each language's template filters: its naming, types and doc comments."""

PYTHON_PACKAGE = "bindings-python/python/adapty_server"
EMULATOR_PACKAGE = "emulator/python/src/adapty_emulator"
KOTLIN = "bindings-swift/kotlin/src"
SWIFT = "bindings-swift/swift"

TARGETS = [
    Target(f"{PYTHON_PACKAGE}/_generated/__init__.py", "python", no_data),
    Target(f"{PYTHON_PACKAGE}/_generated/models.py", "python", of_manifest(python.models)),
    Target(f"{PYTHON_PACKAGE}/_generated/operations.py", "python", of_manifest(python.operations)),
    Target(f"{PYTHON_PACKAGE}/_generated/exceptions.py", "python", of_manifest(python.exceptions)),
    Target("bindings-node/lib/generated/models.d.ts", "typescript", of_manifest(typescript.models)),
    Target("bindings-node/lib/generated/models.js", "typescript", of_manifest(typescript.models)),
    Target("bindings-node/lib/generated/operations.js", "typescript", of_manifest(typescript.operations)),
    Target("bindings-node/lib/generated/errors.js", "typescript", of_manifest(typescript.errors)),
    # The package's entry points stay where package.json names them (`types`, `exports`).
    Target("bindings-node/index.d.ts", "typescript", of_manifest(typescript.operations)),
    Target("bindings-node/index.mjs", "typescript", of_manifest(typescript.errors)),
    Target(f"{KOTLIN}/main/kotlin/io/adapty/server/generated/Models.kt", "kotlin", of_manifest(kotlin.models)),
    Target(f"{KOTLIN}/main/kotlin/io/adapty/server/generated/Operations.kt", "kotlin", of_manifest(kotlin.operations)),
    Target(f"{KOTLIN}/test/kotlin/io/adapty/server/generated/VectorCalls.kt", "kotlin", of_manifest(kotlin.vector_calls)),
    Target(f"{SWIFT}/Sources/AdaptyServer/Generated/Models.swift", "swift", of_manifest(swift.models)),
    Target(f"{SWIFT}/Sources/AdaptyServer/Generated/Operations.swift", "swift", of_manifest(swift.operations)),
    Target(f"{SWIFT}/Tests/AdaptyServerTests/Generated/VectorCalls.swift", "swift", of_manifest(swift.vector_calls)),
    Target("bindings-swift/src/generated/error_class.rs", "rust", of_manifest(rust.error_class)),
    Target("cli/src/generated/bodies.rs", "rust", of_manifest(rust.cli_bodies)),
    Target(f"{EMULATOR_PACKAGE}/_generated/__init__.py", "python", no_data),
    Target(f"{EMULATOR_PACKAGE}/_generated/control.py", "python", of_control(emulator_helpers.python)),
    Target("emulator/npm/generated/control.js", "typescript", of_control(emulator_helpers.typescript)),
    Target("emulator/npm/generated/control.d.ts", "typescript", of_control(emulator_helpers.typescript)),
]


def paths() -> list[str]:
    """Every generated file, relative to the repository's root."""
    return [t.path for t in TARGETS]


def printed(root: Path, command: list[str]) -> dict[str, Any]:
    """The JSON a program of the workspace prints."""
    document: dict[str, Any] = json.loads(
        subprocess.run(["cargo", "run", "--quiet", *command], cwd=root, check=True, capture_output=True, text=True).stdout
    )
    return document


def sources(root: Path) -> Sources:
    """The core's schema bundle (its models' JSON Schema and the operation manifest) and the
    emulator's control-plane description, each as its crate prints it."""
    bundle = printed(root, ["-p", "adapty-server", "--features", "schema", "--example", "schema"])
    return Sources(Manifest(bundle), printed(root, ["-p", "adapty-emulator", "--", "--print-openapi"]))


def render_all(sources: Sources, into: Path, formatters: Formatters) -> None:
    """Writes every target under `into` (at its path from the root), formatted."""
    by_language: dict[str, list[Path]] = {}
    for target in TARGETS:
        out = into / target.path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(target.template, target.context(sources), FILTERS[target.language]))
        by_language.setdefault(target.language, []).append(out)
    for language, files in by_language.items():
        formatters.format(language, files)


def generate(
    root: Path,
    mode: Literal["write", "check"],
    formatters: Formatters,
    out: Callable[[str], object],
) -> int:
    """Regenerates every file of `TARGETS` in the repository at `root`. `write` replaces the files
    that changed; `check` writes nothing and reports a unified diff of each stale file, returning
    1 if any is; `out` is where the report goes. Returns the exit status."""
    with tempfile.TemporaryDirectory(prefix="codegen-") as scratch:
        render_all(sources(root), Path(scratch), formatters)
        stale = []
        for path in paths():
            new, old = Path(scratch) / path, root / path
            if old.exists() and old.read_text() == new.read_text():
                continue
            stale.append(path)
            if mode == "write":
                old.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(new, old)
            else:
                before = old.read_text().splitlines(keepends=True) if old.exists() else []
                out("".join(difflib.unified_diff(before, new.read_text().splitlines(keepends=True), f"a/{path}", f"b/{path}")))
    if mode == "write":
        out(f"codegen: {len(stale)} of {len(TARGETS)} files rewritten" + (f": {', '.join(stale)}" if stale else "") + "\n")
        return 0
    if stale:
        out(f"codegen: stale (run `make codegen`): {', '.join(stale)}\n")
    return 1 if stale else 0
