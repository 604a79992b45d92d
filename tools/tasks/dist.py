"""The release artifacts of x86-64 Linux (`make dist`), and the checks of them as users' tools and
machines see them (`make dist-check`); `make test` runs both as the `dist` suite.

`make dist` builds, into dist/:
- python/  adapty-server: an abi3 wheel for glibc 2.17 (manylinux_2_17: Debian 11, Ubuntu 20.04,
           RHEL 8, Amazon Linux 2), one for musl (musllinux_1_2: Alpine), and its sdist;
           adapty-emulator and adapty-cli: wheels of their static binaries;
- npm/     adapty-server (JavaScript and types) and its platform packages adapty-server-linux-x64-gnu
           (glibc 2.17) and -linux-x64-musl, laid out as napi-rs publishes them; adapty-emulator and
           adapty-cli with their static binaries;
- maven/   a Maven repository holding io.adapty.server:adapty-server: the jar (the glibc 2.17
           library under JNA's linux-x86-64/), its sources and javadoc jars, the pom;
- jna/     that library under JNA's resource prefix (release.yml adds the other platforms' to the jar);
- swift/   AdaptyServer, the Swift package for Swift >= 6.2: its library a static-library artifact
           bundle (SE-0482), so packages depending on it build with no linker flags;
- bin/     adapty-emulator and adapty, static musl binaries that run on any Linux (what
           emulator/Dockerfile copies).
zig (the ziglang wheel, through maturin's `zig cc` front end) links every glibc build against glibc
2.17 and every musl build against musl. The other platforms come from .github/workflows/release.yml.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from . import build, cross, toolchain
from .build import SwiftPackage
from .context import ROOT, TARGET, Context, Failed, Suite
from .registry import suite, task

DIST = ROOT / "dist"
GNU = cross.X86_64_GNU
MUSL = cross.X86_64_MUSL
LICENSES = ("LICENSE-MIT", "LICENSE-APACHE")


def workspace_version() -> str:
    found = re.search(r'^version = "(.*)"', (ROOT / "Cargo.toml").read_text(), re.M)
    if found is None:
        raise Failed("Cargo.toml has no workspace version")
    return found.group(1)


@task("dist")
def dist(ctx: Context, args: list[str]) -> int:
    """The release artifacts of x86-64 Linux into dist/ (wheels, sdist, npm packages, the jar, the Swift package, static binaries), with their sizes."""
    make_dist(ctx)
    return 0


#: The three release trees, each a target directory of its own so they build side by side (a
#: fat-LTO link keeps one core busy for a while; another tree's compilation takes the other):
#: glibc 2.17 (libraries), musl linked dynamically (libraries musl's Python and Node dlopen), musl
#: static (binaries). The two musl ones differ in RUSTFLAGS, which would rebuild one shared tree.
TREES = TARGET / "dist"


def release_dir(tree: str, triple: str) -> Path:
    return TREES / tree / triple / "release"


def make_dist(ctx: Context) -> None:
    toolchain.rust(ctx)
    tools = cross.dist_tools(ctx)
    zig = cross.zig_env(ctx)
    shutil.rmtree(DIST, ignore_errors=True)
    for sub in ("python", "npm", "maven", "bin"):
        (DIST / sub).mkdir(parents=True)
    maturin = [tools / "maturin", "build", "--quiet", "--release", "--out", DIST / "python"]
    python = ["--manifest-path", "bindings-python/Cargo.toml"]

    def glibc() -> None:
        env = {**zig, "CARGO_TARGET_DIR": str(TREES / "gnu")}
        with ctx.step("glibc 2.17: the Python wheel, the Node addon, the uniffi library (a shared library and an archive)"):
            ctx.run([*maturin, "--target", GNU, "--compatibility", "manylinux2014", *python], env=env)
            release = ["--quiet", "--release", "--target", GNU]
            ctx.run(["cargo", "build", *release, "-p", "adapty-server-node", "-p", "adapty-server-ffi"], env=env)
            # The Swift package's static library: the same crate and dependencies, archived.
            ctx.run(["cargo", "rustc", *release, "-p", "adapty-server-ffi", "--crate-type", "staticlib"], env=env)
        libraries = release_dir("gnu", GNU)
        with ctx.step("the Kotlin jar, its sources and javadoc, in a Maven repository"):
            (DIST / "jna" / "linux-x86-64").mkdir(parents=True)
            shutil.copy(libraries / "libadapty_server_ffi.so", DIST / "jna" / "linux-x86-64")
            kotlin_release(ctx, DIST / "jna", DIST / "maven")
        with ctx.step("the Swift package, its library a static-library artifact bundle"):
            swift_release(ctx, DIST / "swift", {GNU: libraries / "libadapty_server_ffi.a"})

    def musl_dynamic() -> None:
        # A library that Python or Node loads (dlopen) links musl dynamically.
        env = {**zig, "CARGO_TARGET_DIR": str(TREES / "musl-dynamic"), "RUSTFLAGS": "-C target-feature=-crt-static"}
        with ctx.step("musl: the Python wheel, the Node addon"):
            ctx.run([*maturin, "--target", MUSL, "--compatibility", "musllinux_1_2", *python], env=env)
            ctx.run(["cargo", "build", "--quiet", "--release", "--target", MUSL, "-p", "adapty-server-node"], env=env)

    def musl_static() -> None:
        env = {**zig, "CARGO_TARGET_DIR": str(TREES / "static")}
        with ctx.step("static musl: the emulator and the CLI, their wheels; the sdist"):
            # maturin builds each binary; dist/bin takes the same files.
            for project in ("emulator/python", "cli/python"):
                ctx.run(
                    [*maturin, "--target", MUSL, "--compatibility", "manylinux2014", "musllinux_1_2"], cwd=ROOT / project, env=env
                )
            for binary in ("adapty-emulator", "adapty"):
                shutil.copy(release_dir("static", MUSL) / binary, DIST / "bin")
            ctx.run([tools / "maturin", "sdist", *python, "--out", DIST / "python"], env=env)

    with ThreadPoolExecutor(3) as pool:
        for done in [pool.submit(tree) for tree in (glibc, musl_dynamic, musl_static)]:
            done.result()
    with ctx.step("npm packages"):
        addons = [
            f"linux-x64-gnu={release_dir('gnu', GNU) / 'libadapty_server_node.so'}",
            f"linux-x64-musl={release_dir('musl-dynamic', MUSL) / 'libadapty_server_node.so'}",
        ]
        ctx.run(["node", ROOT / "bindings-node" / "scripts" / "npm-dist.mjs", DIST / "npm", *addons])
        for package, binary in (("emulator/npm", "adapty-emulator"), ("cli/npm", "adapty")):
            build.npm_binary_package(ctx, ROOT / package, DIST / "bin" / binary, DIST / "npm")
    for path in sorted(DIST.rglob("*")):
        artifact = path.suffix in (".whl", ".tgz", ".jar", ".a") or path.name.endswith(".tar.gz") or path.parent.name == "bin"
        if path.is_file() and artifact:
            ctx.say(f"{path.stat().st_size / 1048576:8.1f} MB  {path.relative_to(DIST)}")


def kotlin_release(ctx: Context, native: Path, repository: Path) -> None:
    """The Kotlin package for release around the uniffi libraries of `native` (one directory per
    platform named by JNA's resource prefix: linux-x86-64/libadapty_server_ffi.so, ...), deployed
    into the Maven repository directory `repository`: the jar (every library), the sources and
    javadoc jars, the pom. The bindings come from this host's debug build (a release library may be
    stripped of the metadata uniffi-bindgen reads; the bindings are the same from any build)."""
    uniffi = build.uniffi(ctx)
    # A copy of the project, so the test suite's build directory is left alone.
    stage = TARGET / "kotlin-dist"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "project" / "src").mkdir(parents=True)
    shutil.copy(ROOT / "bindings-swift" / "kotlin" / "pom.xml", stage / "project")
    shutil.copytree(ROOT / "bindings-swift" / "kotlin" / "src" / "main", stage / "project" / "src" / "main")
    shutil.copytree(native, stage / "native")
    ctx.run(
        [
            "mvn", "-B", "-q", "--no-transfer-progress", "-f", stage / "project" / "pom.xml", "-P", "release", "-Dmaven.test.skip=true",
            f"-Drepo.root={ROOT}", f"-Duniffi.dir={uniffi / 'kotlin'}", f"-Dnative.dir={stage / 'native'}",
            "deploy", f"-DaltDeploymentRepository=local::default::file://{repository.resolve()}",
        ]
    )  # fmt: skip


@task("kotlin-release")
def kotlin_release_task(ctx: Context, args: list[str]) -> int:
    """The Kotlin jar for release around NATIVE_DIR's libraries, deployed into REPOSITORY_DIR (`make kotlin-release ARGS="NATIVE_DIR REPOSITORY_DIR"`)."""
    if len(args) != 2:
        ctx.say('usage: make kotlin-release ARGS="NATIVE_DIR REPOSITORY_DIR"')
        return 2
    kotlin_release(ctx, Path(args[0]).resolve(), Path(args[1]).resolve())
    return 0


def swift_release(ctx: Context, out: Path, libraries: dict[str, Path]) -> None:
    """The released Swift package (bindings-swift/release/Package.swift) in OUT/AdaptyServer: the
    sources of bindings-swift/swift, the uniffi bindings, and the native library as a
    static-library artifact bundle (SE-0482) with one variant per target triple (`cargo rustc
    --release -p adapty-server-ffi --crate-type staticlib` builds one)."""
    generated = build.uniffi(ctx) / "generated"
    package = out / "AdaptyServer"
    bundle = package / "AdaptyServerFFI.artifactbundle"
    shutil.rmtree(package, ignore_errors=True)
    (package / "Sources").mkdir(parents=True)
    (bundle / "include").mkdir(parents=True)
    for name in ("bindings-swift/release/Package.swift", *LICENSES):
        shutil.copy(ROOT / name, package)
    shutil.copytree(ROOT / "bindings-swift" / "swift" / "Sources" / "AdaptyServer", package / "Sources" / "AdaptyServer")
    shutil.copy(generated / "adapty_server_ffi.swift", package / "Sources" / "AdaptyServer")
    # One header and module map serve every variant. SwiftPM links a bundle's library itself, so
    # the module map has no `link` line (it would ask the linker for a shared library that is not there).
    shutil.copy(generated / "adapty_server_ffiFFI.h", bundle / "include")
    module_map = (ROOT / "bindings-swift" / "swift" / "Sources" / "AdaptyServerFFI" / "module.modulemap").read_text()
    (bundle / "include" / "module.modulemap").write_text(
        "".join(line for line in module_map.splitlines(keepends=True) if not line.lstrip().startswith("link "))
    )
    variants = []
    for triple, library in libraries.items():
        (bundle / triple).mkdir()
        # Debug information is for our own debugging, not users' binaries.
        ctx.run(["strip", "--strip-debug", "-o", bundle / triple / "libadapty_server_ffi.a", library])
        variants.append(
            {
                "path": f"{triple}/libadapty_server_ffi.a",
                # SwiftPM matches a variant by the build's triple as the toolchain spells it:
                # swift.org's `x86_64-unknown-linux-gnu`, Debian's `x86_64-pc-linux-gnu`.
                "supportedTriples": [triple, triple.replace("-unknown-", "-pc-", 1)]
                if triple.startswith("x86_64-unknown-linux-")
                else [triple],
                "staticLibraryMetadata": {"headerPaths": ["include"], "moduleMapPath": "include/module.modulemap"},
            }
        )
    artifact = {"version": workspace_version(), "type": "staticLibrary", "variants": variants}
    (bundle / "info.json").write_text(
        json.dumps({"schemaVersion": "1.0", "artifacts": {"adapty_server_ffi": artifact}}, indent=2) + "\n"
    )


@task("swift-release")
def swift_release_task(ctx: Context, args: list[str]) -> int:
    """The released Swift package in OUT with one artifact-bundle variant per TRIPLE=LIBRARY.a (`make swift-release ARGS="OUT TRIPLE=LIB.a..."`)."""
    if len(args) < 2 or not all("=" in a for a in args[1:]):
        ctx.say('usage: make swift-release ARGS="OUT TRIPLE=LIBRARY.a..."')
        return 2
    swift_release(ctx, Path(args[0]).resolve(), {t: Path(lib).resolve() for t, _, lib in (a.partition("=") for a in args[1:])})
    return 0


# The checks.


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str) -> bool:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return True
        except OSError:
            time.sleep(0.1)
    return False


@contextmanager
def serving(cmd: list[str], url: str, log: Path) -> Iterator[None]:
    """A server process while the block runs, waited for at `url`."""
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        try:
            if not wait_for(url):
                raise Failed(f"{cmd[0]} did not answer at {url}; see {log}")
            yield
        finally:
            proc.terminate()
            proc.wait()


def elf_files(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file() and p.open("rb").read(4) == b"\x7fELF"]


class Check:
    """dist-check's state: the unpacked artifacts and a scratch directory."""

    def __init__(self, s: Suite) -> None:
        self.s = s
        self.version = workspace_version()
        self.work = TARGET / "dist-check"
        shutil.rmtree(self.work, ignore_errors=True)
        self.unpacked = self.work / "unpacked"
        self.unpacked.mkdir(parents=True)
        if not list((DIST / "python").glob("*.whl")):
            raise Failed("no wheels in dist/python; run make dist")
        jar = DIST / "maven" / "io/adapty/server/adapty-server" / self.version / f"adapty-server-{self.version}.jar"
        for file in [*(DIST / "python").glob("*.whl"), jar]:
            with zipfile.ZipFile(file) as z:
                z.extractall(self.unpacked / file.name)
        for file in (DIST / "npm").glob("*.tgz"):
            (self.unpacked / file.name).mkdir()
            subprocess.run(["tar", "-xzf", file, "-C", self.unpacked / file.name], check=True)

    def wheels(self) -> None:
        s, tools = self.s, cross.dist_tools(self.s)
        # auditwheel's verdict: the most compatible manylinux tag the wheel's ELF files allow. The
        # binaries' wheels are static, so they are consistent with tags older than 2_17 too.
        for wheel in sorted((DIST / "python").glob("*manylinux*.whl")):
            verdict = subprocess.run([tools / "auditwheel", "show", wheel], capture_output=True, text=True).stdout.replace(
                "\n", ""
            )
            m = re.search(r'consistent with the following platform tag:\s*"manylinux_2_(\d+)_x86_64"', verdict)
            s.checks.check(
                f"auditwheel: {wheel.name} is manylinux_2_17 or older", m is not None and int(m.group(1)) <= 17, verdict
            )
        # auditwheel cannot audit musl wheels on glibc: the extension must need musl's libc alone
        # (its loader answers for `libc.so`), and no glibc symbol.
        with s.checks.timed("adapty-server's musllinux_1_2 wheel needs musl's libc alone") as problems:
            wheel = next((DIST / "python").glob("adapty_server-*-musllinux_1_2_x86_64.whl"))
            library = next((self.unpacked / wheel.name / "adapty_server").glob("_native*.so"))
            needed = re.findall(r"\(NEEDED\).*\[(.*)\]", s.capture(["readelf", "-d", library]))
            if needed != ["libc.so"] or "GLIBC_" in s.capture(["objdump", "-T", library]):
                problems.append(f"needs {needed}")
        with s.checks.timed("no GLIBC symbol newer than 2.17 in the wheels, the npm addon, the jar") as problems:
            glibc = [
                f
                for f in elf_files(self.unpacked)
                if "-musl-" not in str(f) and "musllinux_1_2_x86_64.whl/adapty_server" not in str(f)
            ]
            # A static binary has no dynamic symbols (objdump -T refuses it): nothing to check there.
            dynamic = [subprocess.run(["objdump", "-T", f], capture_output=True, text=True).stdout for f in glibc]
            symbols = re.findall(r"GLIBC_([0-9.]+)", "".join(dynamic))
            newest = max(symbols, key=lambda v: tuple(map(int, v.split("."))), default=None)
            if newest is None or tuple(map(int, newest.split("."))) > (2, 17):
                problems.append(f"newest GLIBC symbol: {newest}")
        with s.checks.timed("the emulator's and the CLI's binaries are static") as problems:
            problems += [
                f"{b.name}: {out}" for b in (DIST / "bin").iterdir() if "statically linked" not in (out := s.capture(["file", b]))
            ]

    def contents(self) -> None:
        with self.s.checks.timed("no tests, build directories or caches in the packages") as problems:
            leftovers = {"tests", "test", "target", "node_modules", "__pycache__", ".DS_Store"}
            problems += [
                str(p.relative_to(self.unpacked)) for p in self.unpacked.rglob("*") if p.name in leftovers or p.suffix == ".pyc"
            ]
            sdist = next((DIST / "python").glob("*.tar.gz"))
            names = self.s.capture(["tar", "-tzf", sdist]).splitlines()
            problems += [n for n in names if re.search(r"/(target|node_modules|tests)/|__pycache__", n)][:10]
        with self.s.checks.timed("every package carries the license files") as problems:
            for package in sorted(self.unpacked.iterdir()):
                problems += [f"{package.name} lacks {lic}" for lic in LICENSES if not any(package.rglob(lic))]
            if not any(re.fullmatch(r"[^/]*/LICENSE-APACHE", n) for n in names):
                problems.append("the sdist lacks LICENSE-APACHE")
            if not (DIST / "swift" / "AdaptyServer" / "LICENSE-APACHE").exists():
                problems.append("the Swift package lacks LICENSE-APACHE")

    def pip(self) -> None:
        """A PEP 503 index of dist/python on loopback; pip installs from it alone."""
        s = self.s
        with s.checks.timed("pip install adapty-server[testing] adapty-cli from a local index; the quickstart runs"):
            index = self.work / "index" / "simple"
            for file in (DIST / "python").iterdir():
                project = re.sub(r"^([A-Za-z0-9_]+)-[0-9].*", r"\1", file.name).replace("_", "-")
                (index / project).mkdir(parents=True, exist_ok=True)
                shutil.copy(file, index / project)
            for directory in index.iterdir():
                links = "".join(f'<a href="{f.name}">{f.name}</a>' for f in sorted(directory.iterdir()) if f.name != "index.html")
                (directory / "index.html").write_text(f"<!doctype html><html><body>{links}</body></html>")
            port = free_port()
            server = ["python3", "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(index.parent)]
            venv = self.work / "venv"
            with serving(server, f"http://127.0.0.1:{port}/simple/", self.work / "index.log"):
                s.run(["python3", "-m", "venv", venv])
                pip = [
                    venv / "bin" / "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--index-url",
                    f"http://127.0.0.1:{port}/simple",
                ]
                s.run([*pip, "adapty-server[testing]", "adapty-cli"])
            emulator = [venv / "bin" / "adapty-emulator", "exec", "--"]
            s.run([*emulator, venv / "bin" / "python", ROOT / "bindings-python" / "examples" / "quickstart.py"])
            s.run([*emulator, venv / "bin" / "adapty", "profiles", "create", "--customer-user-id", "dist-user", "-o", "json"])

    def npm(self) -> None:
        """verdaccio on loopback: our packages only from what is published to it, anything else
        (TypeScript, @types/node) through it from npm's registry."""
        s = self.s
        port = free_port()
        registry = f"http://127.0.0.1:{port}"
        home = self.work / "verdaccio"
        home.mkdir()
        (home / "config.yaml").write_text(
            f"storage: {home}/storage\n"
            f"auth: {{ htpasswd: {{ file: {home}/htpasswd }} }}\n"
            "uplinks: { npmjs: { url: https://registry.npmjs.org/ } }\n"
            "packages:\n"
            "  'adapty-*': { access: $all, publish: $all }\n"
            "  '**': { access: $all, proxy: npmjs }\n"
            "log: { type: stdout, format: pretty, level: warn }\n"
        )
        verdaccio = [
            str(toolchain.npm_tools(s) / "verdaccio"),
            "--config",
            str(home / "config.yaml"),
            "--listen",
            f"127.0.0.1:{port}",
        ]
        project = self.work / "npm-project"
        with serving(verdaccio, f"{registry}/-/ping", self.work / "verdaccio.log"):
            with s.checks.timed("verdaccio on loopback serves the npm packages"):
                for tarball in sorted((DIST / "npm").glob("*.tgz")):
                    s.run(
                        ["npm", "publish", "--silent", "--registry", registry, f"--//127.0.0.1:{port}/:_authToken=local", tarball]
                    )
            with s.checks.timed(
                "npm install adapty-server from the local registry: the gnu addon, import, require, tsc --strict"
            ) as problems:
                project.mkdir()
                for name in ("quickstart.mjs", "typed.ts"):
                    shutil.copy(ROOT / "bindings-node" / "examples" / name, project)
                (project / "package.json").write_text('{"name": "dist-check", "private": true, "type": "commonjs"}')
                (project / ".npmrc").write_text(f"registry={registry}/\n")
                s.run(
                    [
                        "npm",
                        "install",
                        "--no-audit",
                        "--no-fund",
                        "adapty-server",
                        "adapty-emulator",
                        "adapty-cli",
                        "typescript@5.9.3",
                        "@types/node@20",
                    ],
                    cwd=project,
                )
                modules = project / "node_modules"
                if (
                    not (modules / "adapty-server-linux-x64-gnu" / "adapty-server.linux-x64-gnu.node").exists()
                    or (modules / "adapty-server-linux-x64-musl").exists()
                ):
                    problems.append(f"installed: {sorted(p.name for p in modules.iterdir() if 'adapty' in p.name)}")
                exec_ = ["npx", "adapty-emulator", "exec", "--"]
                s.run([*exec_, "node", "quickstart.mjs"], cwd=project)
                smoke = (
                    "const { Adapty } = require('adapty-server');"
                    "new Adapty().profiles.create({ customerUserId: 'dist-require' })"
                    ".then((p) => { if (p.customerUserId !== 'dist-require') process.exit(1); });"
                )
                s.run([*exec_, "node", "-e", smoke], cwd=project)
                s.run(
                    [*exec_, "npx", "adapty", "profiles", "create", "--customer-user-id", "dist-cli", "-o", "json"], cwd=project
                )
                tsc = [
                    "npx",
                    "tsc",
                    "--strict",
                    "--noEmit",
                    "--module",
                    "nodenext",
                    "--moduleResolution",
                    "nodenext",
                    "--target",
                    "es2022",
                    "--types",
                    "node",
                    "typed.ts",
                ]
                s.run(tsc, cwd=project)
        with s.checks.timed("an unsupported platform and a missing platform package get errors naming them") as problems:
            riscv = "Object.defineProperty(process, 'arch', { value: 'riscv64' }); require('adapty-server')"
            out = subprocess.run(["node", "-e", riscv], cwd=project, capture_output=True, text=True)
            if "no native addon for this platform, linux-riscv64-gnu" not in out.stderr + out.stdout:
                problems.append(out.stderr[-1000:])
            gnu = project / "node_modules" / "adapty-server-linux-x64-gnu"
            gnu.rename(self.work / "gnu-package")
            try:
                out = subprocess.run(
                    ["node", "--input-type=module", "-e", "import 'adapty-server'"], cwd=project, capture_output=True, text=True
                )
            finally:
                (self.work / "gnu-package").rename(gnu)
            if "the package adapty-server-linux-x64-gnu, is not installed" not in out.stderr + out.stdout:
                problems.append(out.stderr[-1000:])
        with s.checks.timed("the Node addon loads on Debian 11 (glibc 2.31)"), toolchain.BULLSEYE.mounted(s) as root:
            (root.path / "t").mkdir(exist_ok=True)
            shutil.copy(
                next(self.unpacked.glob("adapty-server-linux-x64-gnu-*.tgz")) / "package" / "adapty-server.linux-x64-gnu.node",
                root.path / "t",
            )
            load = (
                "const addon = require('/t/adapty-server.linux-x64-gnu.node');"
                "console.log('node', process.version, 'loaded:', Object.keys(addon).join(' '));"
                "if (typeof addon.NativeClient !== 'function') process.exit(1);"
            )
            s.run(root.command(["ldd", "--version"]))
            s.run(root.command(["node", "-e", load]))

    def maven(self) -> None:
        s = self.s
        with s.checks.timed("a fresh Maven project uses the jar from dist/maven"):
            app = self.work / "maven-project"
            # A copy in the local repository (make kotlin-package installs one) would serve the
            # dependency without dist/maven.
            shutil.rmtree(Path.home() / ".m2" / "repository" / "io" / "adapty" / "server", ignore_errors=True)
            shutil.copytree(ROOT / "tests" / "dist" / "maven", app)
            mvn = [
                "mvn",
                "-B",
                "-q",
                "--no-transfer-progress",
                f"-Dadapty.repository=file://{DIST / 'maven'}",
                f"-Dadapty.version={self.version}",
            ]
            s.run(
                [*mvn, "package", "dependency:build-classpath", "-Dmdep.outputFile=classpath.txt", "-Dmdep.includeScope=runtime"],
                cwd=app,
            )
            classpath = f"target/classes:{(app / 'classpath.txt').read_text().strip()}"
            with build.emulator(s, binary=DIST / "bin" / "adapty-emulator") as env:
                s.run(["java", "-cp", classpath, "MainKt"], cwd=app, env=env)

    def swift(self) -> None:
        """SE-0482 artifact bundles need Swift 6.2: Debian sid's (see toolchain.SWIFT_62)."""
        s = self.s
        with s.checks.timed("a fresh Swift package builds on dist/swift/AdaptyServer with no linker flags and runs") as problems:
            workspace = self.work / "swift"
            shutil.copytree(DIST / "swift" / "AdaptyServer", workspace / "AdaptyServer")
            shutil.copytree(ROOT / "tests" / "dist" / "swift", workspace / "App")
            with (
                SwiftPackage(s, workspace, "dist-swift", toolchain.SWIFT_62) as package,
                build.emulator(s, binary=DIST / "bin" / "adapty-emulator") as env,
            ):
                app = f"{package.path}/App"
                for cmd in (["swift", "--version"], ["swift", "build", "--package-path", app]):
                    if package.run(cmd) != 0:
                        problems.append(f"`{' '.join(cmd)}` failed")
                        return
                linked = s.capture(package.command(["ldd", f"{app}/.build/debug/App"]))
                if "adapty" in linked:
                    problems.append(f"the binary needs a library of ours:\n{linked}")
                s.run(package.command([f"{app}/.build/debug/App"], env))

    def dockerfile(self) -> None:
        """What `docker run` of emulator/Dockerfile does: a root holding only the COPYed files, its
        ENTRYPOINT as PID 1 of a PID namespace, stopped by SIGTERM as `docker stop` stops it."""
        s = self.s
        with s.checks.timed(
            "emulator/Dockerfile's entrypoint serves from an empty root as PID 1 and stops on SIGTERM"
        ) as problems:
            dockerfile = (ROOT / "emulator" / "Dockerfile").read_text().splitlines()
            if "FROM scratch" not in dockerfile:
                problems.append("the Dockerfile is not FROM scratch")
                return
            rootfs = self.work / "scratch"
            rootfs.mkdir()
            for line in dockerfile:
                if line.startswith("COPY "):
                    _, source, target = line.split()
                    shutil.copy(DIST / "bin" / source, rootfs / target.lstrip("/"))
            entrypoint = json.loads(
                next(line for line in dockerfile if line.startswith("ENTRYPOINT ")).removeprefix("ENTRYPOINT ")
            )
            with open(self.work / "docker.out", "w") as out:
                container = subprocess.Popen(
                    ["unshare", "--pid", "--fork", "chroot", rootfs, *entrypoint], stdout=out, stderr=subprocess.STDOUT
                )
            try:
                time.sleep(0.2)
                emulator = int(
                    subprocess.run(["pgrep", "-P", str(container.pid)], capture_output=True, text=True).stdout.split()[0]
                )
                body = b"{}"
                headers = {"Authorization": "Api-Key k", "adapty-customer-user-id": "docker", "content-type": "application/json"}
                answer = ""
                for _ in range(100):
                    try:
                        req = urllib.request.Request(
                            "http://127.0.0.1:8080/api/v2/server-side-api/profile/", body, headers, method="POST"
                        )
                        answer = urllib.request.urlopen(req, timeout=2).read().decode()
                        break
                    except OSError:
                        time.sleep(0.1)
                # docker stop: SIGTERM to the container's PID 1, which only a handler of its own acts on.
                subprocess.run(["kill", "-TERM", str(emulator)])
                try:
                    container.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    problems.append("still running 5 s after SIGTERM")
                if '"customer_user_id":"docker"' not in answer:
                    problems.append(f"the profile was not created: {answer[:300]}")
            finally:
                # One that ignored SIGTERM must not outlive the check.
                subprocess.run(["pkill", "-KILL", "-P", str(container.pid)])
                container.kill()
                container.wait()


@task("dist-check")
def dist_check(ctx: Context, args: list[str]) -> int:
    """Checks dist/ as users see it: auditwheel, GLIBC <= 2.17, pip and npm from registries on loopback, Debian 11, Maven, Swift 6.2, the Dockerfile."""
    s = Suite("dist-check", echo=True)
    try:
        check_dist(s)
    finally:
        s.close()
    return 1 if s.checks.failed else 0


def check_dist(s: Suite) -> None:
    check = Check(s)
    check.wheels()
    check.contents()
    check.pip()
    check.npm()
    check.maven()
    check.swift()
    check.dockerfile()


@suite("dist", weight=800)
def dist_suite(s: Suite) -> None:
    """make dist, then make dist-check: every x86-64 Linux artifact built, then installed and run as users do."""
    if not s.quick:
        make_dist(s)
        check_dist(s)
