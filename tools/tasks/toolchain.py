"""What the tasks need, installed when missing: Rust's parts, pinned tools in virtualenvs and
npm prefixes, Debian packages, and Debian roots (Swift, an old glibc) made with debootstrap.

Every set-up that downloads keeps its output in `target/logs/setup-NAME.log`, is tried again
when a network hiccup may have broken it, and on failure raises `Failed` with the log's end, so
the cause is in the summary. Each runs once per process even when suites running side by side
ask for it together.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from .context import CARGO_BIN, LOGS, ROOT, TARGET, Command, Context, Failed, argv, base_env

CACHE = Path(os.environ.get("ADAPTY_CACHE", Path.home() / ".cache" / "adapty-server"))
TOOLS = TARGET / "tools"
ATTEMPTS = 3

P = ParamSpec("P")
R = TypeVar("R")

_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()


def _lock(name: str) -> threading.Lock:
    with _locks_lock:
        return _locks.setdefault(name, threading.Lock())


def once(fn: Callable[Concatenate[Context, P], R]) -> Callable[Concatenate[Context, P], R]:
    """Runs a set-up (or a build) at most once per process for the same arguments; concurrent
    callers wait for the first and get its result."""
    done: dict[tuple[object, ...], R] = {}

    @functools.wraps(fn)
    def wrapper(ctx: Context, /, *args: P.args, **kwargs: P.kwargs) -> R:
        key = (*args, *sorted(kwargs.items()))
        with _lock(f"{fn.__module__}.{fn.__qualname__}{key}"):
            if key not in done:
                done[key] = fn(ctx, *args, **kwargs)
            return done[key]

    return wrapper


def setup(ctx: Context, name: str, commands: Sequence[Command], *, env: dict[str, str] | None = None) -> None:
    """Runs a set-up's commands, with their output in `target/logs/setup-NAME.log`; tries the
    whole sequence again (up to 3 times) when one fails, and raises `Failed` with the log's end
    when the last attempt fails."""
    log = LOGS / f"setup-{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    ctx.say(f"setting up {name} (log: {os.path.relpath(log, ROOT)})")
    with open(log, "a") as out:
        for attempt in range(1, ATTEMPTS + 1):
            failed = None
            for cmd in commands:
                out.write(f"$ {' '.join(argv(cmd))}\n")
                out.flush()
                code = subprocess.run(
                    argv(cmd), stdout=out, stderr=subprocess.STDOUT, env={**base_env(), **(env or {})}
                ).returncode
                if code != 0:
                    failed = f"{cmd[0]} exited with {code}"
                    break
            if failed is None:
                return
            ctx.say(f"setting up {name}: attempt {attempt} of {ATTEMPTS} failed ({failed})")
            out.write(f"--- attempt {attempt} failed: {failed}\n")
            out.flush()
            time.sleep(5 * attempt)
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
    raise Failed(f"setting up {name} failed: {failed}; the end of {log}:\n{tail}")


# Rust.


@once
def rust(ctx: Context) -> None:
    """Rust through rustup (stable, with rustfmt and clippy), when missing."""
    if shutil.which("cargo", path=base_env()["PATH"]) is None:
        if shutil.which("rustup", path=base_env()["PATH"]) is None:
            raise Failed("no cargo and no rustup; install Rust from https://rustup.rs")
        setup(ctx, "rust", [["rustup", "toolchain", "install", "stable", "--profile", "minimal"]])
    for component, probe in (("rustfmt", "fmt"), ("clippy", "clippy")):
        if subprocess.run(["cargo", probe, "--version"], capture_output=True, env=base_env()).returncode != 0:
            setup(ctx, f"rust-{component}", [["rustup", "component", "add", component]])


@once
def rust_target(ctx: Context, triple: str) -> None:
    installed = subprocess.run(["rustup", "target", "list", "--installed"], capture_output=True, text=True, env=base_env()).stdout
    if triple not in installed.split():
        setup(ctx, f"rust-{triple}", [["rustup", "target", "add", triple]])


@once
def nightly(ctx: Context) -> None:
    listed = subprocess.run(["rustup", "toolchain", "list"], capture_output=True, text=True, env=base_env()).stdout
    if not any(line.startswith("nightly") for line in listed.splitlines()):
        setup(ctx, "rust-nightly", [["rustup", "toolchain", "install", "nightly", "--profile", "minimal"]])


@once
def cargo_tool(ctx: Context, crate: str, version: str, binary: str, *, locked: bool = True) -> Path:
    """A tool from crates.io at a pinned version (`cargo install --locked`, unless its lockfile
    names a version the registry lacks), kept in ~/.cargo/bin across clones."""
    installed = subprocess.run(["cargo", "install", "--list"], capture_output=True, text=True, env=base_env()).stdout
    if f"{crate} v{version}:" not in installed.splitlines():
        setup(ctx, crate, [["cargo", "install", *(["--locked"] if locked else []), "--version", version, crate]])
    return CARGO_BIN / binary


# Pinned tools in virtualenvs, npm prefixes, Maven and Go.


@once
def venv(ctx: Context, name: str, requirements: Path) -> Path:
    """A virtualenv `target/NAME` holding a requirements file's pins, made again when the file
    changes; returns its bin directory."""
    path = TARGET / name
    stamp = path / ".requirements"
    wanted = requirements.read_text()
    if not (path / "bin" / "python").exists() or not stamp.exists() or stamp.read_text() != wanted:
        pip = [path / "bin" / "pip", "install", "--disable-pip-version-check", "-r", requirements]
        setup(ctx, name, [["python3", "-m", "venv", "--clear", path], pip])
        stamp.write_text(wanted)
    return path / "bin"


@once
def npm_tools(ctx: Context) -> Path:
    """The npm tools of tools/package.json (biome, verdaccio), installed from its lockfile into
    `target/tools/node`; returns their bin directory."""
    prefix = TOOLS / "node"
    stamp = prefix / ".package-lock.json"
    lock = ROOT / "tools" / "package-lock.json"
    if not stamp.exists() or stamp.read_text() != lock.read_text():
        prefix.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "tools" / "package.json", prefix / "package.json")
        shutil.copy(lock, prefix / "package-lock.json")
        setup(ctx, "npm-tools", [["npm", "ci", "--prefix", prefix, "--no-audit", "--no-fund"]])
        shutil.copy(lock, stamp)
    return prefix / "node_modules" / ".bin"


KTLINT = "com.pinterest.ktlint:ktlint-cli:1.5.0:jar:all"


@once
def ktlint(ctx: Context) -> Path:
    group, artifact, version, _, classifier = KTLINT.split(":")
    jar = (
        Path.home()
        / ".m2"
        / "repository"
        / group.replace(".", "/")
        / artifact
        / version
        / f"{artifact}-{version}-{classifier}.jar"
    )
    if not jar.exists():
        setup(
            ctx,
            "ktlint",
            [["mvn", "-B", "-q", "--no-transfer-progress", "dependency:get", f"-Dartifact={KTLINT}", "-Dtransitive=false"]],
        )
    return jar


@once
def go_tool(ctx: Context, module: str, version: str) -> Path:
    """A Go tool built from the module proxy into `target/tools/go-NAME-VERSION`."""
    name = module.rsplit("/", 1)[-1]
    path = TOOLS / f"{name}-{version}"
    if not path.exists():
        gobin = TOOLS / "go"
        env = {"GOBIN": str(gobin), "PATH": f"{base_env()['PATH']}:/usr/local/go/bin"}
        setup(ctx, name, [["go", "install", f"{module}@{version}"]], env=env)
        (gobin / name).rename(path)
    return path


# Debian packages and roots.


def apt(ctx: Context, *packages: str) -> None:
    """Debian packages, installed when a probe says they are missing (as root)."""
    with _lock("apt"):
        missing = [
            p
            for p in packages
            if subprocess.run(["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True).stdout
            != "install ok installed"
        ]
        if missing:
            env = {"DEBIAN_FRONTEND": "noninteractive"}
            install = ["apt-get", "install", "-y", "-q", "-o", "Acquire::Retries=3", "--no-install-recommends", *missing]
            setup(ctx, f"apt-{'-'.join(missing)}", [["apt-get", "update", "-q", "-o", "Acquire::Retries=3"], install], env=env)


class DebianRoot:
    """A Debian root made with debootstrap, kept outside the repository (in ~/.cache), where
    commands run with chroot. Only /proc is mounted into it (never / or /dev), so removing it
    cannot reach the host. It shares the host's network: a program inside reaches an emulator
    on the host's loopback."""

    def __init__(self, name: str, suite: str, packages: Sequence[str], why: str, *, arch: str | None = None) -> None:
        self.name = name
        self.suite = suite
        #: Debian's name of a foreign architecture (`arm64`), whose programs run through
        #: qemu-user registered with binfmt_misc; None for the host's.
        self.arch = arch
        self.packages = list(packages)
        self.why = why
        self.path = CACHE / name
        self._users = 0

    @property
    def ready(self) -> bool:
        # A marker, not a file of a package: inside the root, /usr/bin/swift is an absolute
        # symlink the host cannot follow.
        return (self.path / ".adapty-ready").exists()

    def ensure(self, ctx: Context) -> None:
        with _lock(f"root-{self.name}"):
            if self.ready:
                return
            if os.geteuid() != 0:
                raise Failed(f"setting up {self.why} needs root (a Debian root made with debootstrap)")
            apt(ctx, "debootstrap")
            if self.arch is not None:
                qemu_binfmt(ctx)
            partial = self.path.with_name(self.path.name + ".partial")
            shutil.rmtree(partial, ignore_errors=True)
            shutil.rmtree(self.path, ignore_errors=True)
            partial.parent.mkdir(parents=True, exist_ok=True)
            ctx.say(f"setting up {self.why}: Debian {self.suite} in {self.path} (once)")
            arch = [] if self.arch is None else [f"--arch={self.arch}"]
            debootstrap = ["debootstrap", *arch, "--variant=minbase", self.suite, partial, "http://deb.debian.org/debian"]
            setup(ctx, f"{self.name}-debootstrap", [["rm", "-rf", partial], debootstrap])
            shutil.copy("/etc/resolv.conf", partial / "etc" / "resolv.conf")
            if self.packages:
                inside = ["chroot", partial, "env", "DEBIAN_FRONTEND=noninteractive"]
                # The archive reachable here is a mirror whose Release files can be older than
                # their Valid-Until by this machine's clock (sid's: by a month): their signatures
                # are still checked, their age is not.
                apt_get = [*inside, "apt-get", "-q", "-o", "Acquire::Retries=3", "-o", "Acquire::Check-Valid-Until=false"]
                with self._proc(partial):
                    setup(
                        ctx,
                        f"{self.name}-packages",
                        [
                            [*apt_get, "update"],
                            [*apt_get, "install", "-y", "--no-install-recommends", *self.packages],
                            [*apt_get, "clean"],
                        ],
                    )
            (partial / ".adapty-ready").touch()
            partial.rename(self.path)

    @contextmanager
    def mounted(self, ctx: Context) -> Iterator[DebianRoot]:
        """The root, set up if needed, with /proc mounted while anyone uses it."""
        self.ensure(ctx)
        if self.arch is not None:
            qemu_binfmt(ctx)
        with _lock(f"mount-{self.name}"):
            if self._users == 0:
                subprocess.run(["mount", "-t", "proc", "proc", self.path / "proc"], capture_output=True)
            self._users += 1
        try:
            yield self
        finally:
            with _lock(f"mount-{self.name}"):
                self._users -= 1
                if self._users == 0:
                    subprocess.run(["umount", self.path / "proc"], capture_output=True)

    @contextmanager
    def _proc(self, root: Path) -> Iterator[None]:
        subprocess.run(["mount", "-t", "proc", "proc", root / "proc"], capture_output=True)
        try:
            yield
        finally:
            subprocess.run(["umount", root / "proc"], capture_output=True)

    def command(self, cmd: Command, *, cwd: str = "/", env: dict[str, str] | None = None) -> list[str]:
        """`cmd` as a command run inside the root, in `cwd` (a path inside), with `env` added.
        The command itself is exec'd (chroot, env and bash replace themselves), so signals sent
        to the process reach the program."""
        assignments = [f"{k}={v}" for k, v in (env or {}).items()]
        script = 'cd "$1" && shift && exec "$@"'
        return ["chroot", str(self.path), "/usr/bin/env", *assignments, "/bin/bash", "-c", script, "bash", cwd, *argv(cmd)]

    def copy_in(self, source: Path, name: str) -> Path:
        """A fresh copy of the host directory `source` at /work/NAME inside; returns its host path."""
        target = self.path / "work" / name
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, target, symlinks=True)
        return target


#: Linux arm64 under emulation: trixie's Python 3.13 and Node 20 run the arm64 artifacts.
ARM64 = DebianRoot(
    "arm64-trixie",
    "trixie",
    ["python3", "python3-venv", "nodejs", "npm", "ca-certificates"],
    "Debian arm64 (run through qemu-user)",
    arch="arm64",
)
#: Wine 10 for the Windows builds' tests: bookworm's Wine 8.0 lacks `ProcessPrng`, which Rust's
#: standard library calls since 1.78, and trixie's Wine needs trixie's glibc, hence a root.
WINE = DebianRoot("wine-trixie", "trixie", ["wine", "wine64", "ca-certificates"], "Wine (Debian trixie's 10.0)")
#: Swift 6.0, from Debian stable: the package suite, swift-format and the demo.
SWIFT = DebianRoot(
    "swift-trixie", "trixie", ["swiftlang", "libc6-dev", "ca-certificates", "python3"], "Swift (Debian trixie's 6.0)"
)
#: Swift 6.2, for the release package's artifact bundle (SE-0482). Only Debian sid has it (trixie
#: has 6.0, forky and the backports none), so sid it is: the root is made once and kept, so a
#: machine depends on sid only on its first run.
SWIFT_62 = DebianRoot("swift-sid", "sid", ["swiftlang", "libc6-dev", "ca-certificates"], "Swift 6.2 (Debian sid's)")
#: glibc 2.31 and Node 12: the oldest Debian the Node addon must load on.
BULLSEYE = DebianRoot("node-bullseye", "bullseye", ["nodejs"], "Debian 11 with its Node")


#: QEMU's aarch64 ELF magic and mask (its scripts/qemu-binfmt-conf.sh), escaped as binfmt_misc
#: reads them. Flag F opens the interpreter when registered, so a chroot needs no copy inside.
_AARCH64_BINFMT = (
    r":qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00"
    r":\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff"
    ":/usr/bin/qemu-aarch64-static:F"
)


@once
def qemu_binfmt(ctx: Context) -> None:
    """arm64 programs run by the kernel through qemu-user-static, for this boot: no init runs
    here to register it, so the registration is written to binfmt_misc directly."""
    apt(ctx, "qemu-user-static")
    misc = Path("/proc/sys/fs/binfmt_misc")
    if not (misc / "register").exists():
        subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", misc], check=True)
    if not (misc / "qemu-aarch64").exists():
        (misc / "register").write_text(_AARCH64_BINFMT)


def native_swift() -> bool:
    return shutil.which("swift") is not None


def chromium(ctx: Context) -> None:
    """Debian's Chromium and its driver, for the web UI's test."""
    if shutil.which("chromium") is None or shutil.which("chromedriver") is None:
        apt(ctx, "chromium", "chromium-driver")
