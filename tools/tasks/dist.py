"""The release artifacts of x86-64 Linux (`make dist`), and the checks of them as users' tools and
machines see them (`make dist-check`); `make test` runs both as the `dist` suite.

`make dist` builds, into dist/:
- python/  adapty-server: an abi3 wheel for glibc 2.17 (manylinux_2_17: Debian 11, Ubuntu 20.04,
           RHEL 8, Amazon Linux 2), one for musl (musllinux_1_2: Alpine), and its sdist;
           adapty-emulator and adapty-server-cli: wheels of their static binaries;
- npm/     adapty-server (JavaScript and types) and its platform packages adapty-server-linux-x64-gnu
           (glibc 2.17) and -linux-x64-musl, laid out as napi-rs publishes them; adapty-emulator and
           adapty-server-cli with their static binaries;
- maven/   a Maven repository holding io.adapty.server:adapty-server: the jar (the glibc 2.17
           library under JNA's linux-x86-64/), its sources and javadoc jars, the pom;
- jna/     that library under JNA's resource prefix (release.yml adds the other platforms' to the jar);
- swift/   AdaptyServer, the Swift package for Swift >= 6.2: its library a static-library artifact
           bundle (SE-0482), so packages depending on it build with no linker flags;
- bin/     adapty-emulator and adapty-server, static musl binaries that run on any Linux (what
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
ARM64_GNU = cross.ARM64_GNU
ARM64_MUSL = cross.ARM64_MUSL
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
    for sub in ("python", "npm", "maven", "bin/aarch64"):
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
        # In the same tree: the build scripts and proc macros (host programs) are built once.
        with ctx.step("glibc 2.17 on arm64: the Python wheel, the Node addon, the uniffi library"):
            ctx.run([*maturin, "--target", ARM64_GNU, "--compatibility", "manylinux2014", *python], env=env)
            release = ["--quiet", "--release", "--target", ARM64_GNU]
            ctx.run(["cargo", "build", *release, "-p", "adapty-server-node", "-p", "adapty-server-ffi"], env=env)
        with ctx.step("the Kotlin jar, its sources and javadoc, in a Maven repository"):
            for triple, jna in ((GNU, "linux-x86-64"), (ARM64_GNU, "linux-aarch64")):
                (DIST / "jna" / jna).mkdir(parents=True)
                shutil.copy(release_dir("gnu", triple) / "libadapty_server_ffi.so", DIST / "jna" / jna)
            kotlin_release(ctx, DIST / "jna", DIST / "maven")
        libraries = release_dir("gnu", GNU)
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
        with ctx.step("static musl, x86-64 and arm64: the emulator and the CLI, their wheels; the sdist"):
            # maturin builds each binary; dist/bin takes the same files (arm64's in dist/bin/aarch64).
            for triple, bin_dir in ((MUSL, DIST / "bin"), (ARM64_MUSL, DIST / "bin" / "aarch64")):
                for project in ("emulator/python", "cli/python"):
                    compatibility = ["--compatibility", "manylinux2014", "musllinux_1_2"]
                    ctx.run([*maturin, "--target", triple, *compatibility], cwd=ROOT / project, env=env)
                for binary in ("adapty-emulator", "adapty-server"):
                    shutil.copy(release_dir("static", triple) / binary, bin_dir)
            ctx.run([tools / "maturin", "sdist", *python, "--out", DIST / "python"], env=env)

    with ThreadPoolExecutor(3) as pool:
        for done in [pool.submit(tree) for tree in (glibc, musl_dynamic, musl_static)]:
            done.result()
    with ctx.step("npm packages"):
        # The WebAssembly build goes into the main package, and to release.yml's publishing job.
        module = build.wasm_core(ctx)
        shutil.copytree(module.parent, DIST / "wasm")
        addons = [
            f"linux-x64-gnu={release_dir('gnu', GNU) / 'libadapty_server_node.so'}",
            f"linux-x64-musl={release_dir('musl-dynamic', MUSL) / 'libadapty_server_node.so'}",
            f"linux-arm64-gnu={release_dir('gnu', ARM64_GNU) / 'libadapty_server_node.so'}",
        ]
        ctx.run(["node", ROOT / "bindings-node" / "scripts" / "npm-dist.mjs", DIST / "npm", *addons])
        for package, binary in (("emulator/npm", "adapty-emulator"), ("cli/npm", "adapty-server")):
            binaries = {"x86_64": DIST / "bin" / binary, "aarch64": DIST / "bin" / "aarch64" / binary}
            build.npm_binary_package(ctx, ROOT / package, binaries, DIST / "npm")
    for path in sorted(DIST.rglob("*")):
        artifact = (
            path.suffix in (".whl", ".tgz", ".jar", ".a")
            or path.name.endswith(".tar.gz")
            or "bin" in path.relative_to(DIST).parts
        )
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


#: The shared vectors' tests, and what they need, run on arm64.
PYTHON_VECTORS = ["test_vectors.py", "test_webhooks.py"]
NODE_VECTORS = ["helpers.cjs", "vectors.test.cjs", "webhooks.test.cjs"]


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
            m = re.search(r'consistent with the following platform tag:\s*"manylinux_2_(\d+)_(x86_64|aarch64)"', verdict)
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
                if "-musl-" not in str(f) and "musllinux_1_2_x86_64.whl/adapty_server/" not in str(f)
            ]
            # readelf reads every architecture's ELF files (the host's objdump only its own); a static
            # binary has no dynamic symbols.
            dynamic = [subprocess.run(["readelf", "--dyn-syms", "-W", f], capture_output=True, text=True).stdout for f in glibc]
            symbols = re.findall(r"GLIBC_([0-9.]+)", "".join(dynamic))
            newest = max(symbols, key=lambda v: tuple(map(int, v.split("."))), default=None)
            if newest is None or tuple(map(int, newest.split("."))) > (2, 17):
                problems.append(f"newest GLIBC symbol: {newest}")
        with s.checks.timed("the emulator's and the CLI's binaries are static, for x86-64 and arm64") as problems:
            for binary in (b for b in (DIST / "bin").rglob("*") if b.is_file()):
                out = s.capture(["file", binary])
                machine = "ARM aarch64" if binary.parent.name == "aarch64" else "x86-64"
                if "statically linked" not in out or machine not in out:
                    problems.append(f"{binary.relative_to(DIST)}: {out}")

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

    @contextmanager
    def python_index(self, *more: Path) -> Iterator[str]:
        """A PEP 503 index of dist/python and the files of the directories `more` on loopback,
        while the block runs; yields its URL."""
        index = self.work / "index" / "simple"
        shutil.rmtree(index, ignore_errors=True)
        for file in [*(DIST / "python").iterdir(), *(f for directory in more for f in directory.iterdir())]:
            project = re.sub(r"^([A-Za-z0-9_]+)-[0-9].*", r"\1", file.name).replace("_", "-").lower()
            (index / project).mkdir(parents=True, exist_ok=True)
            shutil.copy(file, index / project)
        for directory in index.iterdir():
            links = "".join(f'<a href="{f.name}">{f.name}</a>' for f in sorted(directory.iterdir()) if f.name != "index.html")
            (directory / "index.html").write_text(f"<!doctype html><html><body>{links}</body></html>")
        port = free_port()
        server = ["python3", "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(index.parent)]
        with serving(server, f"http://127.0.0.1:{port}/simple/", self.work / "index.log"):
            yield f"http://127.0.0.1:{port}/simple"

    def pip(self) -> None:
        """pip installs from the local index alone."""
        s = self.s
        with s.checks.timed("pip install adapty-server[testing] adapty-server-cli from a local index; the quickstart runs"):
            venv = self.work / "venv"
            with self.python_index() as index:
                s.run(["python3", "-m", "venv", venv])
                pip = [venv / "bin" / "pip", "install", "--quiet", "--disable-pip-version-check", "--index-url", index]
                s.run([*pip, "adapty-server[testing]", "adapty-server-cli"])
            emulator = [venv / "bin" / "adapty-emulator", "exec", "--"]
            s.run([*emulator, venv / "bin" / "python", ROOT / "bindings-python" / "examples" / "quickstart.py"])
            s.run(
                [*emulator, venv / "bin" / "adapty-server", "profiles", "create", "--customer-user-id", "dist-user", "-o", "json"]
            )

    @contextmanager
    def npm_registry(self) -> Iterator[str]:
        """verdaccio on loopback while the block runs, dist/npm published to it (once: its
        storage outlives it); yields its URL. Our packages come only from what is published
        there, anything else (TypeScript, @types/node) through it from npm's registry."""
        s = self.s
        port = free_port()
        registry = f"http://127.0.0.1:{port}"
        home = self.work / "verdaccio"
        publish = not home.exists()
        home.mkdir(exist_ok=True)
        (home / "config.yaml").write_text(
            f"storage: {home}/storage\n"
            f"auth: {{ htpasswd: {{ file: {home}/htpasswd }} }}\n"
            "uplinks: { npmjs: { url: https://registry.npmjs.org/ } }\n"
            "packages:\n"
            "  'adapty-*': { access: $all, publish: $all }\n"
            "  '**': { access: $all, proxy: npmjs }\n"
            "log: { type: stdout, format: pretty, level: warn }\n"
            # verdaccio refuses bodies over 10 MB by default; the emulator's and the addons'
            # tarballs carry static binaries near that size.
            "max_body_size: 100mb\n"
        )
        verdaccio = [
            str(toolchain.npm_tools(s) / "verdaccio"),
            "--config",
            str(home / "config.yaml"),
            "--listen",
            f"127.0.0.1:{port}",
        ]
        with serving(verdaccio, f"{registry}/-/ping", self.work / "verdaccio.log"):
            if publish:
                with s.checks.timed("verdaccio on loopback serves the npm packages"):
                    for tarball in sorted((DIST / "npm").glob("*.tgz")):
                        token = f"--//127.0.0.1:{port}/:_authToken=local"
                        s.run(["npm", "publish", "--silent", "--registry", registry, token, tarball])
            yield registry

    def npm(self) -> None:
        s = self.s
        project = self.work / "npm-project"
        with self.npm_registry() as registry:
            with s.checks.timed(
                "npm install adapty-server from the local registry: the gnu addon, the WebAssembly build, import, require, tsc --strict"
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
                        "adapty-server-cli",
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
                # The main package's WebAssembly build, as the `worker` condition picks it.
                s.run([*exec_, "node", "--conditions=worker", "quickstart.mjs"], cwd=project)
                smoke = (
                    "const { Adapty } = require('adapty-server');"
                    "new Adapty().profiles.create({ customerUserId: 'dist-require' })"
                    ".then((p) => { if (p.customerUserId !== 'dist-require') process.exit(1); });"
                )
                s.run([*exec_, "node", "-e", smoke], cwd=project)
                s.run(
                    [*exec_, "npx", "adapty-server", "profiles", "create", "--customer-user-id", "dist-cli", "-o", "json"],
                    cwd=project,
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

    def arm64(self) -> None:
        """The arm64 artifacts on Linux arm64, through qemu-user: Debian trixie's arm64 Python and
        Node install them from the loopback index and registry and run the quickstarts and the
        shared vectors against the arm64 emulator their packages carry; the static binaries and
        the jar's library run too. The smallest set that proves each artifact works: everything
        runs emulated, about ten times slower than here."""
        s = self.s
        stage = self.work / "arm64"
        for source, target in (
            ("tests/vectors", "tests/vectors"),
            ("bindings-python/tests", "bindings-python/tests"),
            ("bindings-python/pyproject.toml", "bindings-python/pyproject.toml"),  # pytest's settings
            ("bindings-python/examples/quickstart.py", "quickstart.py"),
            ("bindings-node/examples/quickstart.mjs", "node/quickstart.mjs"),
            *((f"bindings-node/tests/{name}", f"node/tests/{name}") for name in NODE_VECTORS),
        ):
            (stage / target).parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if (ROOT / source).is_dir() else shutil.copy)(ROOT / source, stage / target)
        shutil.copy(DIST / "jna" / "linux-aarch64" / "libadapty_server_ffi.so", stage)
        # pytest and what it needs (pure Python), fetched here: the root trusts only Debian's CAs,
        # so it installs from the loopback index alone.
        requirements = (ROOT / "bindings-python" / "requirements-test.txt").read_text().splitlines()
        pins = [line for line in requirements if line.startswith("pytest")]
        wheels = self.work / "test-wheels"
        download = ["python3", "-m", "pip", "download", "--quiet", "--only-binary=:all:", "--python-version", "3.13"]
        s.run([*download, "--dest", wheels, *pins])
        with toolchain.ARM64.mounted(s) as root, self.python_index(wheels) as index, self.npm_registry() as registry:
            here = root.copy_in(stage, "arm64")
            inside = "/work/arm64"
            venv = f"{inside}/venv"
            pip = [f"{venv}/bin/pip", "install", "--quiet", "--disable-pip-version-check", "--index-url", index]
            with s.checks.timed(
                "arm64: pip installs the aarch64 wheels; the quickstart, the CLI and the vectors run"
            ) as problems:
                s.run(root.command(["python3", "-m", "venv", venv]))
                s.run(root.command([*pip, "--only-binary=:all:", *pins, "adapty-server[testing]", "adapty-server-cli"]))
                native = s.capture(["file", "-L", *(here / "venv").glob("lib/python3*/site-packages/adapty_server/_native*.so")])
                if "ARM aarch64" not in native:
                    problems.append(f"the extension installed: {native}")
                exec_ = [f"{venv}/bin/adapty-emulator", "exec", "--"]
                s.run(root.command([*exec_, f"{venv}/bin/python", "quickstart.py"], cwd=inside))
                s.run(
                    root.command(
                        [*exec_, f"{venv}/bin/adapty-server", "profiles", "create", "--customer-user-id", "arm64", "-o", "json"]
                    )
                )
                tests = [f"tests/{name}" for name in PYTHON_VECTORS]
                pytest = [
                    f"{venv}/bin/python",
                    "-m",
                    "pytest",
                    "-q",
                    "-p",
                    "no:cacheprovider",
                    "--junit-xml=../python.xml",
                    *tests,
                ]
                env = {"ADAPTY_EMULATOR_BIN": f"{venv}/bin/adapty-emulator"}
                s.tests(root.command(pytest, cwd=f"{inside}/bindings-python", env=env), here / "python.xml")
                shutil.copy(here / "python.xml", s.report("arm64-python.xml"))
            with s.checks.timed("arm64: npm installs the arm64 addon; the quickstart, the CLI and the vectors run") as problems:
                project = here / "node"
                (project / "package.json").write_text('{"name": "arm64-check", "private": true}')
                (project / ".npmrc").write_text(f"registry={registry}/\n")
                npm_install = [
                    "npm",
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "adapty-server",
                    "adapty-emulator",
                    "adapty-server-cli",
                ]
                s.run(root.command(npm_install, cwd=f"{inside}/node"))
                if not (project / "node_modules" / "adapty-server-linux-arm64-gnu").exists():
                    problems.append(
                        f"installed: {sorted(p.name for p in (project / 'node_modules').iterdir() if 'adapty' in p.name)}"
                    )
                exec_ = ["npx", "adapty-emulator", "exec", "--"]
                s.run(root.command([*exec_, "node", "quickstart.mjs"], cwd=f"{inside}/node"))
                s.run(
                    root.command(
                        [*exec_, "npx", "adapty-server", "profiles", "create", "--customer-user-id", "arm64-npm"],
                        cwd=f"{inside}/node",
                    )
                )
                report = ["--test-reporter=spec", "--test-reporter-destination=stdout", "--test-reporter=junit"]
                node_test = [
                    "node",
                    "--test",
                    *report,
                    "--test-reporter-destination=node.xml",
                    *(f"tests/{n}" for n in NODE_VECTORS if n.endswith("test.cjs")),
                ]
                s.tests(root.command(node_test, cwd=f"{inside}/node", env={"ADAPTY_REPO_ROOT": inside}), project / "node.xml")
                shutil.copy(project / "node.xml", s.report("arm64-node.xml"))
            with s.checks.timed("arm64: the jar's library loads and answers (ctypes, arm64 Python)") as problems:
                load = (
                    "import ctypes; lib = ctypes.CDLL('/work/arm64/libadapty_server_ffi.so');"
                    "print(lib.ffi_adapty_server_ffi_uniffi_contract_version())"
                )
                if not s.capture(root.command(["python3", "-c", load])).strip().isdigit():
                    problems.append("no contract version")
        with s.checks.timed("arm64: the static emulator and CLI of dist/bin/aarch64 run (binfmt, no root)"):
            binaries = DIST / "bin" / "aarch64"
            s.run(
                [
                    binaries / "adapty-emulator",
                    "exec",
                    "--",
                    binaries / "adapty-server",
                    "profiles",
                    "create",
                    "--customer-user-id",
                    "bin",
                ]
            )

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
    check.arm64()
    check.maven()
    check.swift()
    check.dockerfile()


@suite("dist", weight=800)
def dist_suite(s: Suite) -> None:
    """make dist, then make dist-check: every x86-64 Linux artifact built, then installed and run as users do."""
    if not s.quick:
        make_dist(s)
        check_dist(s)
