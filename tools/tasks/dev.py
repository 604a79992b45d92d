"""The tasks a developer types: `make test` and `make check`, the demo, the emulator in the
foreground, the Swift and Kotlin packages for local use, the toolchain."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from . import build, runner, toolchain
from .build import SwiftPackage
from .context import ROOT, TARGET, Context, base_env
from .registry import SUITES, task

#: `make check`: what every change should pass, in minutes on a warm machine (no release builds,
#: no Debian roots but the one swift-format runs in, no process suites or fault soaks).
CHECK = ["lint", "rust", "python", "node"]


@task("test")
def test(ctx: Context, args: list[str]) -> int:
    """Every test suite side by side (or those named in ARGS), ending with one line `N passed, N failed` summed from their JUnit reports."""
    unknown = [a for a in args if a not in SUITES]
    if unknown:
        ctx.say(f"test: no suite {', '.join(unknown)} (suites: {', '.join(SUITES)})")
        return 2
    return runner.run(args or list(SUITES))


@task("check")
def check(ctx: Context, args: list[str]) -> int:
    """The fast part of `make test` for every change: lint, the Rust suites, and Python's and Node's tests against debug builds."""
    return runner.run(CHECK, quick=True)


@task("demo")
def demo(ctx: Context, args: list[str]) -> int:
    """Runs the quickstart of Rust, Python, Node (and Swift where it is set up) against a local emulator."""
    toolchain.rust(ctx)
    ctx.run(["cargo", "build", "--quiet", "-p", "adapty-emulator", "-p", "adapty-server", "--bins", "--examples"], quiet=True)
    ctx.say("== Rust quickstart")
    with build.emulator(ctx) as env:
        ctx.run([TARGET / "debug" / "examples" / "quickstart"], env=env)
    ctx.say("== Python quickstart")
    python = build.python_env(ctx, "py-demo", ["adapty-server"])
    with build.emulator(ctx) as env:
        ctx.run([python, ROOT / "bindings-python" / "examples" / "quickstart.py"], env=env)
    ctx.say("== Node quickstart")
    project = TARGET / "node-demo"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    shutil.copy(ROOT / "bindings-node" / "examples" / "quickstart.mjs", project)
    build.npm_project(ctx, project, [build.node_package(ctx)])
    with build.emulator(ctx) as env:
        ctx.run(["node", project / "quickstart.mjs"], env=env)
    if not toolchain.native_swift() and not toolchain.SWIFT.ready:
        ctx.say("== Swift quickstart skipped: no Swift here (make test-swift sets it up on Debian)")
        return 0
    ctx.say("== Swift quickstart")
    with SwiftPackage(ctx, build.swift_package(ctx), "swift-demo") as package, build.emulator(ctx) as env:
        package.run(["swift", "run", *package.link, "Quickstart"], env=env, check=True)
    return 0


@task("emulator")
def emulator(ctx: Context, args: list[str]) -> int:
    """Runs the emulator in the foreground on port 8080 (Ctrl-C stops it); ARGS are its own options."""
    toolchain.rust(ctx)
    key = os.environ.get("ADAPTY_API_KEY", build.DEMO_KEY)
    cmd = ["cargo", "run", "--quiet", "-p", "adapty-emulator", "--", "--port", "8080", "--api-key", key, *args]
    os.chdir(ROOT)
    os.execvpe("cargo", cmd, base_env())


@task("python-env")
def python_env(ctx: Context, args: list[str]) -> int:
    """Builds the wheel and installs it into a fresh virtualenv: `make python-env ARGS=".venv [--testing] [PACKAGE...]"` (--testing: adapty-server[testing], with the emulator's wheel)."""
    if not args:
        ctx.say('usage: make python-env ARGS=".venv [--testing] [PACKAGE...]"')
        return 2
    venv, rest = Path(args[0]).resolve(), args[1:]
    package = "adapty-server[testing]" if "--testing" in rest else "adapty-server"
    build.python_env(ctx, str(venv), [package], extra=[a for a in rest if a != "--testing"])
    return 0


@task("node-project")
def node_project(ctx: Context, args: list[str]) -> int:
    """Builds and packs the npm package and installs it into a fresh project: `make node-project ARGS=my-app`."""
    if len(args) != 1:
        ctx.say("usage: make node-project ARGS=DIR")
        return 2
    project = Path(args[0]).resolve()
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    shutil.copy(ROOT / "bindings-node" / "examples" / "quickstart.mjs", project)
    build.npm_project(ctx, project, [build.node_package(ctx)])
    return 0


@task("emulator-npm")
def emulator_npm(ctx: Context, args: list[str]) -> int:
    """Packs the emulator's npm package (its binary, startEmulator(), types) into target/emulator-pack/."""
    ctx.say(f"packed {build.emulator_npm(ctx)}")
    return 0


@task("swift-package")
def swift_package(ctx: Context, args: list[str]) -> int:
    """The Swift package, ready to add by path: target/swift-package."""
    ctx.say(f"the Swift package: {build.swift_package(ctx)}")
    return 0


@task("kotlin-package")
def kotlin_package(ctx: Context, args: list[str]) -> int:
    """The Kotlin jar (native library inside), installed into the local Maven repository."""
    build.uniffi(ctx)
    ctx.run(["mvn", "-B", "-q", "--no-transfer-progress", "install", "-DskipTests"], cwd=ROOT / "bindings-swift" / "kotlin")
    return 0


@task("toolchain")
def toolchain_task(ctx: Context, args: list[str]) -> int:
    """Installs what the build needs when it is missing (Rust through rustup, with rustfmt and clippy)."""
    toolchain.rust(ctx)
    return 0
