"""The `windows` suite: the core's and the emulator's tests built for Windows (x86_64-pc-windows-gnu,
with Debian's mingw-w64) and run under Wine, each harness against the emulators it starts.

Wine runs inside a Debian trixie root (toolchain.WINE): the test programs and the files they read
are hard-linked into it at their paths on the host (`mirror`), so the absolute paths compiled into
them (CARGO_MANIFEST_DIR, the emulator binary's) name the same files under Wine's drive Z:."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from . import cross, toolchain
from .context import ROOT, TARGET, Suite
from .registry import suite
from .suites import LIBTEST_JSON, libtest, test_harnesses

TREE = TARGET / "windows"
#: Wine's environment: its prefix (Windows' C: drive and registry) inside the root, made once;
#: no .NET or Gecko installers (the tests need neither); no debug channels.
WINE_ENV = {"WINEPREFIX": "/wine", "WINEDEBUG": "-all", "WINEDLLOVERRIDES": "mscoree,mshtml="}


@suite("windows", weight=210)
def windows(s: Suite) -> None:
    """The core's and the emulator's tests built for Windows with mingw-w64 and run under Wine 10 (Debian trixie's); the CLI against the emulator there."""
    env = {
        **cross.mingw_env(s),
        "CARGO_TARGET_DIR": str(TREE),
        # Neither is read back: no debugger runs here, and the tree is built once per change.
        "CARGO_INCREMENTAL": "0",
        "CARGO_PROFILE_DEV_DEBUG": "0",
    }
    # --lib --bins --tests: not the doc tests (a mingw link and a Wine start each), nor the
    # benches (they read the process's CPU time through getrusage, Unix only).
    build = ["--target", cross.WINDOWS, "-p", "adapty-server", "-p", "adapty-emulator", "--lib", "--bins", "--tests"]
    harnesses = test_harnesses(s, build, env)
    s.run(["cargo", "build", "--quiet", "--target", cross.WINDOWS, "-p", "adapty-server-cli"], env=env)
    with toolchain.WINE.mounted(s) as root:
        prefix(s, root)
        programs = TREE / cross.WINDOWS / "debug"
        sources = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        mirrored = mirror(
            root.path, [ROOT / f for f in sources.split("\0") if f], [*programs.glob("*.exe"), *(h[1] for h in harnesses)]
        )
        try:
            for name, executable, directory in harnesses:
                libtest(s, f"windows.{name}", wine_command(root, [str(executable), *LIBTEST_JSON], cwd=directory))
            with s.checks.timed("adapty.exe creates a profile in adapty-emulator.exe, under Wine") as problems:
                cli = [str(programs / "adapty-emulator.exe"), "exec", "--", str(programs / "adapty-server.exe")]
                out = s.capture(
                    wine_command(root, [*cli, "profiles", "create", "--customer-user-id", "wine", "-o", "json"], cwd=ROOT)
                )
                if '"customer_user_id": "wine"' not in out:
                    problems.append(out[-2000:])
        finally:
            subprocess.run(root.command(["wineserver", "-k"], env=WINE_ENV), capture_output=True)
            shutil.rmtree(mirrored, ignore_errors=True)


def prefix(s: Suite, root: toolchain.DebianRoot) -> None:
    """Wine's prefix, made once in the root (wineboot: tens of seconds)."""
    if not (root.path / WINE_ENV["WINEPREFIX"].lstrip("/") / "system.reg").exists():
        s.run(root.command(["wineboot", "--init"], env=WINE_ENV))
        s.run(root.command(["wineserver", "--wait"], env=WINE_ENV))


def wine_command(root: toolchain.DebianRoot, cmd: list[str], *, cwd: Path) -> list[str]:
    # RUSTC_BOOTSTRAP: libtest's JSON output (see suites.libtest).
    return root.command(["wine", *cmd], cwd=str(cwd), env={**WINE_ENV, "RUSTC_BOOTSTRAP": "1"})


def mirror(root: Path, sources: Iterable[Path], programs: Iterable[Path]) -> Path:
    """Hard links to `sources` and `programs` inside `root`, each at its host path (the same
    file system: no copy); returns the repository's place inside, which the caller removes."""
    for path in [*sources, *programs]:
        if not path.is_file():
            continue
        inside = root / path.relative_to("/")
        inside.parent.mkdir(parents=True, exist_ok=True)
        if inside.exists():
            inside.unlink()
        os.link(path, inside)
    return root / ROOT.relative_to("/")
