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

from . import kotlin, python, rust, swift, typescript
from .formatters import Formatters
from .manifest import Manifest
from .render import render


@dataclass(frozen=True)
class Target:
    """A generated file: its `path` in the repository, its `language` (the template folder and
    the formatter), and the function preparing its template's data."""

    path: str
    language: str
    context: Callable[[Manifest], dict[str, Any]]

    @property
    def template(self) -> str:
        return f"{self.language}/{Path(self.path).name}.j2"


FILTERS: dict[str, dict[str, Callable[..., Any]]] = {
    "python": python.FILTERS,
    "typescript": typescript.FILTERS,
    "kotlin": kotlin.FILTERS,
    "swift": swift.FILTERS,
    "rust": rust.FILTERS,
}
"""Each language's template filters: its naming, types and doc comments."""

PYTHON_PACKAGE = "bindings-python/python/adapty_server"
KOTLIN = "bindings-swift/kotlin/src"
SWIFT = "bindings-swift/swift"

TARGETS = [
    Target(f"{PYTHON_PACKAGE}/_models.py", "python", python.models),
    Target(f"{PYTHON_PACKAGE}/_operations.py", "python", python.operations),
    Target(f"{PYTHON_PACKAGE}/_exceptions.py", "python", python.exceptions),
    Target("bindings-node/lib/models.d.ts", "typescript", typescript.models),
    Target("bindings-node/lib/models.js", "typescript", typescript.models),
    Target("bindings-node/index.d.ts", "typescript", typescript.operations),
    Target("bindings-node/index.mjs", "typescript", typescript.errors),
    Target("bindings-node/lib/operations.js", "typescript", typescript.operations),
    Target("bindings-node/lib/errors.js", "typescript", typescript.errors),
    Target(f"{KOTLIN}/main/kotlin/io/adapty/server/Models.kt", "kotlin", kotlin.models),
    Target(f"{KOTLIN}/main/kotlin/io/adapty/server/Operations.kt", "kotlin", kotlin.operations),
    Target(f"{KOTLIN}/test/kotlin/io/adapty/server/VectorCalls.kt", "kotlin", kotlin.vector_calls),
    Target(f"{SWIFT}/Sources/AdaptyServer/Models.swift", "swift", swift.models),
    Target(f"{SWIFT}/Sources/AdaptyServer/Operations.swift", "swift", swift.operations),
    Target(f"{SWIFT}/Tests/AdaptyServerTests/VectorCalls.swift", "swift", swift.vector_calls),
    Target("bindings-swift/src/error_class.rs", "rust", rust.error_class),
    Target("cli/src/bodies.rs", "rust", rust.cli_bodies),
]


def paths() -> list[str]:
    """Every generated file, relative to the repository's root."""
    return [t.path for t in TARGETS]


def schema_bundle(root: Path) -> dict[str, Any]:
    """The core's schema bundle: its models' JSON Schema and the operation manifest."""
    command = ["cargo", "run", "--quiet", "-p", "adapty-server", "--features", "schema", "--example", "schema"]
    bundle: dict[str, Any] = json.loads(subprocess.run(command, cwd=root, check=True, capture_output=True, text=True).stdout)
    return bundle


def render_all(manifest: Manifest, into: Path, formatters: Formatters) -> None:
    """Writes every target under `into` (at its path from the root), formatted."""
    by_language: dict[str, list[Path]] = {}
    for target in TARGETS:
        out = into / target.path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(target.template, target.context(manifest), FILTERS[target.language]))
        by_language.setdefault(target.language, []).append(out)
    for language, files in by_language.items():
        formatters.format(language, files)


def generate(
    root: Path,
    mode: Literal["write", "check"],
    formatters: Formatters,
    out: Callable[[str], object],
    bundle: dict[str, Any] | None = None,
) -> int:
    """Regenerates every file of `TARGETS` in the repository at `root`. `write` replaces the files
    that changed; `check` writes nothing and reports a unified diff of each stale file, returning
    1 if any is. `bundle` is the schema bundle (else built by cargo); `out` where the report goes.
    Returns the exit status."""
    manifest = Manifest(bundle if bundle is not None else schema_bundle(root))
    with tempfile.TemporaryDirectory(prefix="codegen-") as scratch:
        render_all(manifest, Path(scratch), formatters)
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
