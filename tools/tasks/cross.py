"""Compilers for the targets this machine builds for but is not: zig (the ziglang wheel, through
maturin's `zig cc` front end) for Linux against glibc 2.17 or musl and for macOS, whose headers
it carries; Debian's mingw-w64 for Windows (GNU ABI). Each gives cargo and cc-rs the environment
of one target triple: its linker and its C compiler (ring and mimalloc compile C)."""

from __future__ import annotations

from pathlib import Path

from . import build, toolchain
from .context import ROOT, Context

X86_64_GNU = "x86_64-unknown-linux-gnu"
X86_64_MUSL = "x86_64-unknown-linux-musl"
ARM64_GNU = "aarch64-unknown-linux-gnu"
ARM64_MUSL = "aarch64-unknown-linux-musl"
MACOS = ("aarch64-apple-darwin", "x86_64-apple-darwin")
WINDOWS = "x86_64-pc-windows-gnu"

#: zig's name of each target it compiles for; a glibc build names its oldest glibc (2.17, the
#: manylinux2014 floor, also aarch64's first glibc).
ZIG_TARGETS = {
    X86_64_GNU: "x86_64-linux-gnu.2.17",
    X86_64_MUSL: "x86_64-linux-musl",
    ARM64_GNU: "aarch64-linux-gnu.2.17",
    ARM64_MUSL: "aarch64-linux-musl",
    MACOS[0]: "aarch64-macos",
    MACOS[1]: "x86_64-macos",
}


def dist_tools(ctx: Context) -> Path:
    """maturin, zig and auditwheel, pinned (bindings-python/requirements-dist.txt)."""
    return toolchain.venv(ctx, "dist-tools", ROOT / "bindings-python" / "requirements-dist.txt")


def _variable(prefix: str, triple: str) -> str:
    return f"{prefix}_{triple.replace('-', '_')}"


def zig_env(ctx: Context) -> dict[str, str]:
    """The environment in which cargo builds for every target of ZIG_TARGETS through zig."""
    tools = dist_tools(ctx)
    env = {"PATH": f"{tools}:{build.run_env()['PATH']}", "MACOSX_DEPLOYMENT_TARGET": "11.0"}
    archiver = tools / "ar-zig"
    archiver.write_text(f'#!/bin/sh\nexec "{tools / "maturin"}" zig ar -- "$@"\n')
    archiver.chmod(0o755)
    for triple, zig_target in ZIG_TARGETS.items():
        toolchain.rust_target(ctx, triple)
        wrapper = tools / f"cc-{zig_target}"
        wrapper.write_text(f'#!/bin/sh\nexec "{tools / "maturin"}" zig cc -- -target {zig_target} "$@"\n')
        wrapper.chmod(0o755)
        env[_variable("CARGO_TARGET", triple).upper() + "_LINKER"] = str(wrapper)
        env[_variable("CC", triple)] = str(wrapper)
        env[_variable("AR", triple)] = str(archiver)
    return env


def mingw_env(ctx: Context) -> dict[str, str]:
    """The environment in which cargo builds for Windows with Debian's mingw-w64 (POSIX threads:
    the variant whose C++ runtime Rust's std expects)."""
    toolchain.rust_target(ctx, WINDOWS)
    toolchain.apt(ctx, "gcc-mingw-w64-x86-64-posix")
    gcc = "x86_64-w64-mingw32-gcc-posix"
    return {_variable("CARGO_TARGET", WINDOWS).upper() + "_LINKER": gcc, _variable("CC", WINDOWS): gcc}
