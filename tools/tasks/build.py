"""The artifacts the suites install and run, built once per run even when several suites ask
for them at once: the emulator, the wheels, the npm tarballs, the uniffi bindings, the Swift
package; and an emulator to run a command against."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Literal

from . import toolchain
from .context import ROOT, TARGET, Context, Failed, base_env
from .toolchain import once

Profile = Literal["dev", "release"]
#: The key `make demo` and the suites give the emulator (and the clients).
DEMO_KEY = "secret_demo_key_0000"


def profile_dir(profile: Profile) -> Path:
    return TARGET / ("debug" if profile == "dev" else "release")


def cargo_build(ctx: Context, *args: str, profile: Profile = "dev", env: dict[str, str] | None = None) -> None:
    """`cargo build` of the workspace's default target; concurrent calls wait on cargo's lock."""
    toolchain.rust(ctx)
    ctx.run(["cargo", "build", "--profile", profile, *args], env=env)


@once
def emulator_binary(ctx: Context, profile: Profile = "dev") -> Path:
    cargo_build(ctx, "-p", "adapty-emulator", profile=profile)
    return profile_dir(profile) / "adapty-emulator"


@contextmanager
def emulator(ctx: Context, *args: str, binary: Path | None = None, api_key: str | None = DEMO_KEY) -> Iterator[dict[str, str]]:
    """A fresh emulator on a free loopback port, for the block's commands: yields the
    environment that points clients at it (`ADAPTY_BASE_URL`, `ADAPTY_EMULATOR_URL`,
    `ADAPTY_API_KEY`). It stops when the block ends (its stdin closes), or with this process."""
    binary = binary or emulator_binary(ctx)
    keys = ["--api-key", api_key] if api_key else ["--accept-any-key"]
    proc = subprocess.Popen(
        [binary, "--port", "0", "--exit-on-stdin-close", *keys, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http://"):
        proc.kill()
        proc.wait()
        raise Failed(f"the emulator {binary} did not start")
    ctx.say(f"emulator at {url}")
    try:
        yield {"ADAPTY_BASE_URL": url, "ADAPTY_EMULATOR_URL": url, "ADAPTY_API_KEY": api_key or "secret_any_key"}
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


# Python.


def maturin(ctx: Context) -> Path:
    return toolchain.venv(ctx, "py-tools", ROOT / "bindings-python" / "requirements-build.txt") / "maturin"


#: The Python projects: their maturin project directory (pyproject.toml beside Cargo.toml or the
#: package's sources) and their wheel's file name prefix.
WHEELS = {
    "adapty-server": (ROOT / "bindings-python", "adapty_server-"),
    "adapty-emulator": (ROOT / "emulator" / "python", "adapty_emulator-"),
    "adapty-server-cli": (ROOT / "cli" / "python", "adapty_server_cli-"),
}


@once
def wheel(ctx: Context, project: str, profile: Profile = "dev") -> Path:
    """A project's wheel, built with maturin into `target/wheels-PROFILE/`."""
    directory, prefix = WHEELS[project]
    out = TARGET / f"wheels-{profile}"
    for old in out.glob(f"{prefix}*.whl"):
        old.unlink()
    toolchain.rust(ctx)
    ctx.run([maturin(ctx), "build", "--quiet", "--profile", profile, "--out", out], cwd=directory)
    found = list(out.glob(f"{prefix}*.whl"))
    if len(found) != 1:
        raise Failed(f"maturin left {len(found)} wheels of {project} in {out}")
    return found[0]


def python_env(
    ctx: Context,
    name: str,
    packages: Sequence[str],
    *,
    requirements: Sequence[Path] = (),
    extra: Sequence[str] = (),
    profile: Profile = "dev",
) -> Path:
    """A fresh virtualenv `target/NAME` (or NAME, an absolute path) with our `packages` installed from their wheels, as
    `pip install` would (`adapty-server[testing]` pulls in the emulator's wheel), plus
    `requirements` files and `extra` requirements; returns its python."""
    wheels = [wheel(ctx, p.split("[")[0], profile) for p in packages]
    specs = [f"{w}{p[p.index('[') :]}" if "[" in p else str(w) for w, p in zip(wheels, packages, strict=True)]
    if any(p.startswith("adapty-server[testing]") for p in packages):
        wheel(ctx, "adapty-emulator", profile)
    path = TARGET / name
    shutil.rmtree(path, ignore_errors=True)
    ctx.run(["python3", "-m", "venv", path])
    reqs = [arg for r in requirements for arg in ("-r", str(r))]
    find = ["--find-links", str(TARGET / f"wheels-{profile}")]
    ctx.run([path / "bin" / "pip", "install", "--quiet", "--disable-pip-version-check", *find, *specs, *reqs, *extra])
    return path / "bin" / "python"


# Node.


@once
def node_package(ctx: Context, profile: Profile = "dev") -> Path:
    """adapty-server's npm tarball with a native addon built by @napi-rs/cli, in
    `target/node-pack-PROFILE/`."""
    toolchain.rust(ctx)
    package = ROOT / "bindings-node"
    lock = package / "node_modules" / ".package-lock.json"
    if not lock.exists() or (package / "package-lock.json").stat().st_mtime > lock.stat().st_mtime:
        ctx.run(["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=package)
    release = ["--release"] if profile == "release" else []
    napi = [
        "npx",
        "--no-install",
        "napi",
        "build",
        "--platform",
        "--no-js",
        "--manifest-path",
        "Cargo.toml",
        "--output-dir",
        ".",
        "--dts",
        "native.d.ts",
    ]
    ctx.run([*napi, *release], cwd=package)
    wasm_core(ctx)
    out = TARGET / pack_dir("node-pack", profile)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    ctx.run(["npm", "pack", "--silent", "--pack-destination", out], cwd=package)
    return next(out.glob("adapty-server-*.tgz"))


#: The wasm-bindgen that writes the WebAssembly build's glue: the version bindings-wasm/Cargo.toml
#: pins its `wasm-bindgen` crate to (the two must be the same).
WASM_BINDGEN = "0.2.130"
WASM_TARGET = "wasm32-unknown-unknown"


@once
def wasm_core(ctx: Context) -> Path:
    """The core as WebAssembly (bindings-wasm, the `wasm` profile: one build serves the suites
    and the release) with its wasm-bindgen glue, in bindings-node/wasm/core/; returns the module."""
    toolchain.rust(ctx)
    toolchain.rust_target(ctx, WASM_TARGET)
    # Unlocked: its lockfile names a webpki-roots the registry here lacks.
    bindgen = toolchain.cargo_tool(ctx, "wasm-bindgen-cli", WASM_BINDGEN, "wasm-bindgen", locked=False)
    ctx.run(["cargo", "build", "-p", "adapty-server-wasm", "--target", WASM_TARGET, "--profile", "wasm"])
    module = TARGET / WASM_TARGET / "wasm" / "adapty_server_wasm.wasm"
    out = ROOT / "bindings-node" / "wasm" / "core"
    ctx.run([bindgen, "--target", "web", "--no-typescript", "--out-dir", out, "--out-name", "adapty_server", module])
    # An ES module in a CommonJS package: .mjs, so Node and bundlers read it as one.
    (out / "adapty_server.js").replace(out / "adapty_server.mjs")
    return out / "adapty_server_bg.wasm"


def pack_dir(name: str, profile: Profile) -> str:
    """Where a profile's npm tarballs go: `target/NAME/` for debug builds (what the README's
    install lines name), `target/NAME-release/` for release ones."""
    return name if profile == "dev" else f"{name}-release"


#: This machine's CPU, as `uname -m` names it.
HOST_MACHINE = platform.machine()
#: Node's names of the CPUs (`process.arch`, npm's `cpu`) by their `uname -m` names.
NODE_CPUS = {"x86_64": "x64", "aarch64": "arm64"}


def npm_binary_package(ctx: Context, package: Path, binaries: dict[str, Path], out: Path) -> Path:
    """An npm package that carries one of our binaries for each CPU of `binaries` (by `uname -m`
    name): the files its package.json lists, the license files, each binary under
    bin/MACHINE/, and bin/NAME, a launcher that runs this machine's; packed into `out`. Its `cpu`
    names the CPUs it carries."""
    manifest = json.loads((package / "package.json").read_text())
    name = next(iter(binaries.values())).name
    stage = TARGET / f"npm-stage-{name}"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "bin").mkdir(parents=True)
    out.mkdir(parents=True, exist_ok=True)
    for file in (f for f in manifest["files"] if f != "bin/" and not f.startswith("LICENSE-")):
        if file.endswith("/"):
            shutil.copytree(package / file, stage / file)
        else:
            shutil.copy(package / file, stage / file)
    for license_file in ["LICENSE-MIT", "LICENSE-APACHE"]:
        shutil.copy(ROOT / license_file, stage / license_file)
    for machine, binary in binaries.items():
        (stage / "bin" / machine).mkdir()
        shutil.copy(binary, stage / "bin" / machine / name)
    launcher = stage / "bin" / name
    # exec: the binary replaces the shell, so signals and the exit code are the binary's own.
    launcher.write_text(f'#!/bin/sh\nexec "$(dirname "$(readlink -f "$0")")/$(uname -m)/{name}" "$@"\n')
    launcher.chmod(0o755)
    (stage / "package.json").write_text(json.dumps({**manifest, "cpu": [NODE_CPUS[m] for m in binaries]}, indent=2) + "\n")
    for old in out.glob(f"{manifest['name']}-[0-9]*.tgz"):
        old.unlink()
    ctx.run(["npm", "pack", "--silent", "--pack-destination", out], cwd=stage)
    return next(out.glob(f"{manifest['name']}-[0-9]*.tgz"))


@once
def emulator_npm(ctx: Context, profile: Profile = "dev") -> Path:
    """adapty-emulator's npm tarball (the binary, startEmulator(), types)."""
    return npm_binary_package(
        ctx, ROOT / "emulator" / "npm", {HOST_MACHINE: emulator_binary(ctx, profile)}, TARGET / pack_dir("emulator-pack", profile)
    )


@once
def cli_binary(ctx: Context, profile: Profile = "dev") -> Path:
    cargo_build(ctx, "-p", "adapty-server-cli", profile=profile)
    return profile_dir(profile) / "adapty-server"


@once
def cli_npm(ctx: Context, profile: Profile = "dev") -> Path:
    return npm_binary_package(
        ctx, ROOT / "cli" / "npm", {HOST_MACHINE: cli_binary(ctx, profile)}, TARGET / pack_dir("cli-pack", profile)
    )


def npm_project(ctx: Context, path: Path, tarballs: Sequence[Path], *more: str, module: bool = False) -> Path:
    """An npm project at `path` (made if missing, with whatever files are already there) with
    our tarballs and `more` packages installed, as a user's `npm install` would."""
    path.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, object] = {"name": path.name, "private": True}
    if module:
        manifest["type"] = "module"
    (path / "package.json").write_text(json.dumps(manifest))
    ctx.run(["npm", "install", "--silent", "--no-audit", "--no-fund", *map(str, tarballs), *more], cwd=path)
    return path


# Swift and Kotlin.


def native_library() -> tuple[str, str]:
    """The uniffi library's file name here and JNA's resource prefix for this platform."""
    machine = os.uname().machine
    if os.uname().sysname == "Darwin":
        return "libadapty_server_ffi.dylib", "darwin-" + {"arm64": "aarch64", "x86_64": "x86-64"}.get(machine, machine)
    return "libadapty_server_ffi.so", "linux-" + machine.replace("x86_64", "x86-64")


@once
def uniffi(ctx: Context) -> Path:
    """The uniffi library (debug) and its Swift and Kotlin bindings, in `target/uniffi/`:
    `generated/` (the bindings and the C header), `kotlin/` (the Kotlin package's sources) and
    `native/PREFIX/` (the library under JNA's resource prefix, as the jar carries it)."""
    cargo_build(ctx, "-p", "adapty-server-ffi", "-p", "uniffi-bindgen", "-p", "adapty-emulator")
    library, prefix = native_library()
    out = TARGET / "uniffi"
    shutil.rmtree(out, ignore_errors=True)
    (out / "native" / prefix).mkdir(parents=True)
    bindgen = [TARGET / "debug" / "uniffi-bindgen", "generate", TARGET / "debug" / library]
    ctx.run([*bindgen, "--language", "swift", "--language", "kotlin", "--no-format", "--out-dir", out / "generated"])
    shutil.copytree(out / "generated" / "uniffi", out / "kotlin" / "uniffi")
    shutil.copy(TARGET / "debug" / library, out / "native" / prefix)
    return out


@once
def swift_package(ctx: Context) -> Path:
    """The Swift package for Swift 6.0/6.1 in `target/swift-package/`: bindings-swift/swift's
    sources, the uniffi bindings and header, and the library in lib/ (users add it by path and
    link with `-Xlinker -L lib -rpath lib`)."""
    generated = uniffi(ctx) / "generated"
    package = TARGET / "swift-package"
    shutil.rmtree(package, ignore_errors=True)
    shutil.copytree(ROOT / "bindings-swift" / "swift", package)
    shutil.copy(generated / "adapty_server_ffi.swift", package / "Sources" / "AdaptyServer")
    shutil.copy(generated / "adapty_server_ffiFFI.h", package / "Sources" / "AdaptyServerFFI")
    (package / "lib").mkdir()
    for library in (TARGET / "uniffi" / "native").glob("*/libadapty_server_ffi.*"):
        shutil.copy(library, package / "lib")
    return package


def run_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**base_env(), **(extra or {})}


class SwiftPackage:
    """A Swift package where Swift runs: a native toolchain, or a copy inside Debian's root
    (`toolchain.SWIFT`) whose programs run through chroot, sharing the host's loopback."""

    def __init__(self, ctx: Context, package: Path, name: str, root: toolchain.DebianRoot = toolchain.SWIFT) -> None:
        self.ctx = ctx
        self.native = toolchain.native_swift()
        self.root = root
        self.package = package
        self.name = name
        self._stack = ExitStack()

    def __enter__(self) -> SwiftPackage:
        if not self.native:
            self._stack.enter_context(self.root.mounted(self.ctx))
            self.root.copy_in(self.package, self.name)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    @property
    def path(self) -> str:
        """The package's path as Swift and its programs see it."""
        return str(self.package) if self.native else f"/work/{self.name}"

    def host_path(self, relative: str) -> Path:
        return (self.package if self.native else self.root.path / "work" / self.name) / relative

    @property
    def link(self) -> list[str]:
        """How the package's targets link its library in lib/, and find it at run time."""
        lib = f"{self.path}/lib"
        return ["-Xlinker", f"-L{lib}", "-Xlinker", "-rpath", "-Xlinker", lib]

    def command(self, cmd: list[str], env: dict[str, str] | None = None) -> list[str]:
        env = {"LD_LIBRARY_PATH": f"{self.path}/lib", **(env or {})}
        if self.native:
            return ["env", *(f"{k}={v}" for k, v in env.items()), *cmd]
        return self.root.command(cmd, cwd=self.path, env=env)

    def run(self, cmd: list[str], *, env: dict[str, str] | None = None, check: bool = False) -> int:
        return self.ctx.run(self.command(cmd, env), cwd=self.package if self.native else None, check=check)
