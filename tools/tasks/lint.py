"""Style and structure: every language's formatter and linter, the freshness of generated files,
the layers of the core and the emulator, one version everywhere, one feature set per dependency,
shellcheck, actionlint (`make lint`); the formatters applied (`make fmt`); the Python dependencies
audited against PyPI's advisories (`make test-audit`)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from . import build, cross, generated, layers, readme, toolchain, versions
from .build import SwiftPackage
from .context import ROOT, TARGET, Context, Suite
from .registry import suite, task

RUFF_MYPY = toolchain.TOOLS / "venv" / "bin"  # the tools' virtualenv this program runs in
ACTIONLINT = ("github.com/rhysd/actionlint/cmd/actionlint", "v1.7.12")
HAKARI = "0.9.39"
#: The crates whose folders are layered (their lib.rs states the layers).
LAYERED = ["core/src", "emulator/src"]


def files(pattern: str, *paths: str) -> list[str]:
    """The files under `paths` matching `pattern`, tracked or new (generated ones too: their
    generator formats them with the same tools and settings)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return sorted(f for f in set(listed) if re.search(pattern, f) and (ROOT / f).exists())


def python_files() -> list[str]:
    return files(r"\.py$", "bindings-python", "emulator", "tests", "tools", "fuzz/seeds.py")


def js_files() -> list[str]:
    found = files(
        r"\.([cm]?js|d\.ts|ts)$",
        "bindings-node",
        "emulator/npm",
        "emulator/ui",
        "tests/process/node",
        "tests/faults/node",
        "tests/edge",
    )
    return [f for f in found if f != "bindings-node/native.d.ts"]


def kotlin_files() -> list[str]:
    return files(r"\.kt$", "bindings-swift/kotlin/src", "tests/process/kotlin", "tests/faults/kotlin", "tests/dist")


def swift_files() -> list[str]:
    """Relative to the package (swift-format runs over a copy of it)."""
    return [f.removeprefix("bindings-swift/swift/") for f in files(r"\.swift$", "bindings-swift/swift")]


def shell_files() -> list[str]:
    """Every shell script: a `.sh` file, or a file whose first line names a shell."""
    found = []
    for f in files(r".", "."):
        path = ROOT / f
        if f.endswith(".sh") or (
            path.is_file()
            and path.read_bytes()[:64].split(b"\n")[0]
            in (b"#!/bin/sh", b"#!/bin/bash", b"#!/usr/bin/env bash", b"#!/usr/bin/env sh")
        ):
            found.append(f)
    return found


#: The shipped crates, checked for every platform release.yml builds for.
SHIPPED = [
    "adapty-server",
    "adapty-emulator",
    "adapty-server-cli",
    "adapty-server-python",
    "adapty-server-node",
    "adapty-server-ffi",
]


def compiles_elsewhere(s: Suite) -> None:
    """`cargo check` (no linking) of the shipped crates for macOS and Windows, so a compile error
    that only their `cfg`s reach is found here, not by a release. The Node addon is left out
    for Windows' GNU ABI: napi-build links it against a libnode.dll there (release.yml builds it
    with MSVC, which has no compiler here)."""
    # Warnings are errors, as in clippy's run: code only another platform compiles has no other lint.
    env = {**cross.zig_env(s), **cross.mingw_env(s), "CARGO_TARGET_DIR": str(TARGET / "check-cross"), "RUSTFLAGS": "-D warnings"}
    check = ["cargo", "check", "--quiet", "--lib", "--bins", "--tests"]
    for triple in cross.MACOS:
        s.check(f"compiles for {triple} (cargo check)", [*check, "--target", triple, *packages(SHIPPED)], env=env)
    windows = [crate for crate in SHIPPED if crate != "adapty-server-node"]
    s.check(f"compiles for {cross.WINDOWS} (cargo check)", [*check, "--target", cross.WINDOWS, *packages(windows)], env=env)
    # The WebAssembly build's own code (the core's runtime::host, bindings-wasm) only compiles
    # there: clippy it there.
    toolchain.rust_target(s, build.WASM_TARGET)
    clippy = ["cargo", "clippy", "--quiet", "--target", build.WASM_TARGET, "-p", "adapty-server", "-p", "adapty-server-wasm"]
    s.check(f"clippy for {build.WASM_TARGET} (the WebAssembly build)", [*clippy, "--", "-D", "warnings"], env=env)


def packages(crates: list[str]) -> list[str]:
    return [arg for crate in crates for arg in ("-p", crate)]


def biome(ctx: Context) -> Path:
    return toolchain.npm_tools(ctx) / "biome"


def ktlint(ctx: Context, *args: str) -> list[str]:
    return ["java", "-jar", str(toolchain.ktlint(ctx)), "--relative", *args, *kotlin_files()]


@suite("lint", weight=200)
def lint(s: Suite) -> None:
    """Every formatter and linter (rustfmt, clippy, ruff, mypy --strict, biome, ktlint, swift-format, shellcheck, actionlint), the layers, generated files' freshness."""
    toolchain.rust(s)
    s.check("rustfmt", ["cargo", "fmt", "--all", "--check"])
    s.check("clippy", ["cargo", "clippy", "--workspace", "--all-targets", "--quiet", "--", "-D", "warnings"])
    compiles_elsewhere(s)
    with s.checks.timed("generated files are fresh (make codegen)") as problems:
        problems += generated.stale(s)
    with s.checks.timed("generated files are marked linguist-generated in .gitattributes") as problems:
        problems += generated.unmarked()
    for src in LAYERED:
        with s.checks.timed(f"the layers of {src}: no import cycle, none upward") as problems:
            problems += [f"{f.kind}: {f.detail}" for f in layers.check(ROOT / src)]
    with s.checks.timed("one version in every package") as problems:
        problems += versions.problems()
    with s.checks.timed("serde_json keeps its depth limit in the bindings") as problems:
        # No dependency of the libraries users load may turn on `unbounded_depth`: a deeply
        # nested response would overflow the stack and abort the process.
        packages = ["-p", "adapty-server-python", "-p", "adapty-server-node", "-p", "adapty-server-ffi"]
        tree = s.capture(["cargo", "tree", "-q", "-e", "features", "-i", "serde_json", *packages])
        problems += [line for line in tree.splitlines() if 'serde_json feature "unbounded_depth"' in line]
    # One feature set per dependency in every build we ship: workspace-hack/ as cargo-hakari writes it.
    toolchain.cargo_tool(s, "cargo-hakari", HAKARI, "cargo-hakari")
    s.check("workspace-hack/ as cargo hakari generate writes it", ["cargo", "hakari", "generate", "--diff"])
    s.check(
        "every shipped crate depends on workspace-hack/ (cargo hakari manage-deps)",
        ["cargo", "hakari", "manage-deps", "--dry-run"],
    )
    s.check("one feature set per dependency (cargo hakari verify)", ["cargo", "hakari", "verify"])
    actionlint = toolchain.go_tool(s, *ACTIONLINT)
    # shellcheck and pyflakes off: the same result on every machine, whatever it has installed.
    s.check("actionlint", [actionlint, "-no-color", "-oneline", "-shellcheck=", "-pyflakes="])
    toolchain.apt(s, "shellcheck")
    s.check("shellcheck", ["shellcheck", "--external-sources", *shell_files()])
    # The README's shell programs too: the CLI's examples, which users copy and `make test-cli`
    # runs with bash.
    examples = TARGET / "readme-shell"
    shutil.rmtree(examples, ignore_errors=True)
    shell = [
        str(examples / name) for name in readme.named_files("The `adapty-server` command line", examples) if name.endswith(".sh")
    ]
    s.check("shellcheck (the README's shell examples)", ["shellcheck", "--shell=bash", *shell])

    python = python_files()
    s.check("ruff format", [RUFF_MYPY / "ruff", "format", "--check", "--quiet", *python])
    s.check("ruff check", [RUFF_MYPY / "ruff", "check", "--quiet", *python])
    mypy = [RUFF_MYPY / "mypy", "--strict", "--no-incremental"]
    s.check(
        "mypy --strict (the package's sources)",
        [*mypy, "--config-file", "bindings-python/pyproject.toml", "bindings-python/python/adapty_server"],
    )
    s.check(
        "mypy --strict (the task program, the generators)",
        [*mypy, "-p", "tasks", "-p", "codegen"],
        env={"MYPYPATH": "tools:tests"},
    )
    s.check("biome", [biome(s), "ci", "--reporter=summary", *js_files()])
    s.check("ktlint", ktlint(s))
    with SwiftPackage(s, ROOT / "bindings-swift" / "swift", "swift-format") as package:
        code = package.run(["swift", "format", "lint", "--strict", "--configuration", ".swift-format", *swift_files()])
        s.checks.check("swift-format", code == 0, f"exited with {code}; its output is in {s.log_path}")


@task("fmt")
def fmt(ctx: Context, args: list[str]) -> int:
    """Applies every formatter (and the linters' safe fixes); `make lint` checks what this would change."""
    toolchain.rust(ctx)
    ctx.run(["cargo", "fmt", "--all"])
    python = python_files()
    ctx.run([RUFF_MYPY / "ruff", "format", "--quiet", *python])
    failed = ctx.run([RUFF_MYPY / "ruff", "check", "--quiet", "--fix", *python], check=False) != 0
    failed |= ctx.run([biome(ctx), "check", "--write", *js_files()], check=False) != 0
    failed |= ctx.run(ktlint(ctx, "--format"), check=False) != 0
    source = ROOT / "bindings-swift" / "swift"
    with SwiftPackage(ctx, source, "swift-format") as package:
        failed |= (
            package.run(["swift", "format", "format", "--in-place", "--configuration", ".swift-format", *swift_files()]) != 0
        )
        for name in swift_files():
            formatted = package.host_path(name)
            if formatted != source / name:
                (source / name).write_text(formatted.read_text())
    return 1 if failed else 0


#: The pinned Python requirements we install, audited with pip-audit against PyPI's advisories.
PYTHON_REQUIREMENTS = [
    "tools/requirements.txt",
    "bindings-python/requirements-build.txt",
    "bindings-python/requirements-dist.txt",
    "bindings-python/requirements-test.txt",
    "emulator/python/requirements-test.txt",
    "tests/conformance/requirements.txt",
]


@suite("audit", weight=30)
def audit(s: Suite) -> None:
    """The pinned Python dependencies against PyPI's security advisories (pip-audit).

    npm's are not audited: the registry reachable here answers its advisory endpoints
    (`/-/npm/v1/security/advisories/bulk`, `.../audits/quick`) with 405, so `npm audit` can only
    fail; where the public registry is reachable, `npm audit --package-lock-only` in
    bindings-node/ and tools/ is the check to add."""
    for requirements in PYTHON_REQUIREMENTS:
        pip_audit = [RUFF_MYPY / "pip-audit", "--progress-spinner", "off", "--disable-pip", "--no-deps", "-r", requirements]
        s.check(f"pip-audit {requirements}", pip_audit)
