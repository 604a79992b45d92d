"""The test suites: every language's package as users install it, against the emulator; the Rust
suites; the emulator and the CLI as users get them; fuzzing's smoke run. (`lint` and `audit` are
in `lint`, `dist` in `dist`.) Each leaves JUnit reports that `make test` sums."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import junit

from . import build, readme, toolchain
from .context import ROOT, TARGET, Failed, Suite
from .registry import suite

PROCESS = ROOT / "tests" / "process" / "run.py"
FAULTS = ROOT / "tests" / "faults" / "run.py"


def process_and_faults(
    s: Suite, lang: str, programs: list[str], soak: list[str], *, runs: int, profiles: int, program_dir: Path | None = None
) -> None:
    """The process suite (each program `runs` times, as its own process; `programs` starts one,
    given its name) and the fault soak (`soak` deleting `profiles` profiles), each against a
    fresh emulator; `make check` leaves them out."""
    if s.quick:
        return
    where = ["--dir", str(program_dir)] if program_dir else []
    with build.emulator(s) as env:
        report = s.report(f"process-{lang}.xml")
        s.tests(["python3", PROCESS, lang, "--runs", str(runs), *where, "--junit", report, "--", *programs], report, env=env)
    with build.emulator(s) as env:
        report = s.report(f"faults-{lang}.xml")
        s.tests(["python3", FAULTS, lang, "--profiles", str(profiles), "--junit", report, "--", *soak], report, env=env)


@suite("rust", weight=240)
def rust(s: Suite) -> None:
    """The Rust tests of the workspace (core, emulator, CLI, bindings), the core's own with its `schema` and `opentelemetry` features, and the doc tests."""
    toolchain.rust(s)
    # The `schema` feature's tests hold each model's manifest name to its schema's; the
    # `opentelemetry` feature's send an attempt's context (one build of the core for both).
    features = ["-p", "adapty-server", "--features", "schema,opentelemetry", "--lib"]
    for build_args in (["--workspace"], features):
        for name, executable, directory in test_harnesses(s, build_args):
            name += ".features" if build_args is features else ""
            # libtest's JSON is unstable: RUSTC_BOOTSTRAP lets a stable build's harness print it.
            libtest(s, name, [str(executable), *LIBTEST_JSON], cwd=directory, env={"RUSTC_BOOTSTRAP": "1"})
    # Doc tests run in a harness rustdoc builds, under `cargo test`. RUSTC_BOOTSTRAP goes to
    # rustdoc alone, through a wrapper: in cargo's environment, build scripts that watch it
    # (proc-macro2's) would run again and rebuild what depends on them.
    wrapper = toolchain.TOOLS / "rustdoc-bootstrap"
    wrapper.parent.mkdir(parents=True, exist_ok=True)
    wrapper.write_text('#!/bin/sh\n# Written by tools/tasks/suites.py (the rust suite).\nRUSTC_BOOTSTRAP=1 exec rustdoc "$@"\n')
    wrapper.chmod(0o755)
    for package in ("adapty-server", "adapty-emulator"):
        libtest(
            s,
            f"{package}.doctests",
            ["cargo", "test", "--doc", "-p", package, "--", *LIBTEST_JSON],
            env={"RUSTDOC": str(wrapper)},
        )


def test_harnesses(s: Suite, build_args: list[str], env: dict[str, str] | None = None) -> list[tuple[str, Path, Path]]:
    """Builds the test harnesses `cargo test BUILD_ARGS` would run, without running them; each as
    (PACKAGE.TARGET, its executable, its package's directory, where cargo would run it)."""
    cmd = ["cargo", "test", *build_args, "--no-run", "--message-format=json-render-diagnostics"]
    harnesses = []
    for line in s.capture(cmd, env=env).splitlines():
        message = json.loads(line) if line.startswith("{") else {}
        if message.get("reason") == "compiler-artifact" and message["profile"]["test"] and message.get("executable"):
            package = message["package_id"].rsplit("#", 1)[0].rsplit("/", 1)[-1]
            name = f"{package}.{message['target']['name']}"
            harnesses.append((name, Path(message["executable"]), Path(message["manifest_path"]).parent))
    return harnesses


#: libtest's arguments for one JSON event per line (`-Z` needs RUSTC_BOOTSTRAP on stable).
LIBTEST_JSON = ["-Z", "unstable-options", "--format", "json", "--report-time"]


def libtest(s: Suite, name: str, cmd: list[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None) -> None:
    """A libtest harness, its results read from its JSON events (one per line of its stdout,
    among whatever its tests' child processes print) into `NAME.xml`. A harness that dies leaves
    the tests it started failed."""
    started = time.monotonic()
    s.say(f"$ {' '.join(cmd)} (in {cwd.relative_to(ROOT) if cwd != ROOT else '.'})")
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace", env=build.run_env(env))
    cases: list[junit.Case] = []
    running: set[str] = set()
    for line in proc.stdout.splitlines():
        event = json.loads(line) if line.startswith('{ "type": ') else None
        if event is None:
            s.say(line)
        elif event["type"] != "test" or event["event"] == "timeout":
            continue  # a suite's start and end; a test running for over a minute (it goes on)
        elif event["event"] == "started":
            running.add(event["name"])
        else:
            running.discard(event["name"])
            failure = None
            if event["event"] == "failed":
                failure = f"failed\n{event.get('stdout', '')}{event.get('message', '')}"
                s.say(f"FAILED {event['name']}\n{event.get('stdout', '')}")
            cases.append(junit.Case(name, event["name"], float(event.get("exec_time", 0)), failure, event["event"] == "ignored"))
    s.say(proc.stderr)
    cases += [
        junit.Case(name, test, failure=f"did not finish: the harness exited with {proc.returncode}") for test in sorted(running)
    ]
    if proc.returncode != 0 and not any(c.failure for c in cases):
        cases.append(junit.Case(name, "(the harness)", failure=f"exited with {proc.returncode}\n{proc.stderr[-3000:]}"))
    passed, failed = sum(c.passed for c in cases), sum(c.failure is not None for c in cases)
    s.say(f"{name}: {passed} passed, {failed} failed ({time.monotonic() - started:.1f} s)")
    junit.write(s.report(f"{name}.xml"), name, cases)


@suite("conformance", weight=40)
def conformance(s: Suite) -> None:
    """Every answer of the emulator checked against Adapty's OpenAPI spec."""
    python = toolchain.venv(s, "conformance-venv", ROOT / "tests" / "conformance" / "requirements.txt") / "python"
    report = s.report("conformance.xml")
    with build.emulator(s) as env:
        s.tests([python, ROOT / "tests" / "conformance" / "check.py", "--junit", report], report, env=env)


@suite("python", weight=220)
def python(s: Suite) -> None:
    """The wheel in a fresh virtualenv: mypy --strict, pytest, the process programs and the fault soak."""
    build.emulator_binary(s)
    # The tests take their emulators from adapty_server.testing, which stands on adapty-emulator.
    py = build.python_env(
        s, "py-test", ["adapty-server[testing]"], requirements=[ROOT / "bindings-python" / "requirements-test.txt"]
    )
    # The README's webhook receivers are type-checked too (test_readme_webhooks.py runs them).
    receivers = TARGET / "py-readme"
    shutil.rmtree(receivers, ignore_errors=True)
    receivers.mkdir(parents=True)
    for i, (_, block) in enumerate(readme.blocks("Webhooks", "python")):
        (receivers / f"webhook_receiver_{i}.py").write_text(block)
    package = ROOT / "bindings-python"
    s.check(
        "mypy --strict (examples, typed usage, the README's receivers)",
        [py, "-m", "mypy", "--strict", "--no-incremental", "examples", "tests/typed_usage.py", receivers],
        cwd=package,
    )
    report = s.report("pytest.xml")
    s.tests([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", "tests"], report, cwd=package)
    # The async tests again on loops without `add_reader`, as Windows' default loop is.
    readerless = s.report("pytest-readerless.xml")
    s.tests(
        [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junit-prefix=readerless", f"--junitxml={readerless}", "tests"],
        readerless,
        cwd=package,
        env={"ADAPTY_TEST_LOOP": "readerless"},
    )
    process_and_faults(s, "python", [str(py)], [str(py), "tests/faults/python/soak.py"], runs=50, profiles=10000)


@suite("node", weight=230)
def node(s: Suite) -> None:
    """The npm package installed into a fresh project: tsc --strict, node --test (require and import), the process programs and the fault soak."""
    project = TARGET / "node-test"
    tarballs = [build.node_package(s), build.emulator_npm(s)]
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    for name in ("tests", "examples", "tsconfig.json"):
        copy(ROOT / "bindings-node" / name, project / name)
    copy(ROOT / "tests" / "process" / "node", project / "process")
    copy(ROOT / "tests" / "faults" / "node" / "soak.mjs", project / "soak.mjs")
    (project / "package.json").write_text('{"name": "adapty-server-tests", "private": true}')
    s.run(
        [
            "npm",
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            *map(str, tarballs),
            "typescript@5.9.3",
            "@types/node@^20",
            "express@5.3.0",
            # OpenTelemetry's API (the package's optional peer) and SDK, to see the spans.
            "@opentelemetry/api@1.9.0",
            "@opentelemetry/sdk-trace-node@2.12.1",
        ],
        cwd=project,
    )
    # The example as users type it, and the installed package's methods against its index.d.ts.
    s.check("tsc --strict", ["npx", "--no-install", "tsc", "-p", "tsconfig.json"], cwd=project)
    report = s.report("node-test.xml")
    tests = sorted(str(p.relative_to(project)) for p in (project / "tests").glob("*.test.[cm]js"))
    reporters = [
        "--test-reporter=spec",
        "--test-reporter-destination=stdout",
        "--test-reporter=junit",
        f"--test-reporter-destination={report}",
    ]
    s.tests(["node", "--test", *reporters, *tests], report, cwd=project, env={"ADAPTY_REPO_ROOT": str(ROOT)})
    other_runtimes(s, project, tests)
    process_and_faults(
        s, "node", ["node"], ["node", str(project / "soak.mjs")], runs=50, profiles=10000, program_dir=project / "process"
    )


def other_runtimes(s: Suite, project: Path, tests: list[str]) -> None:
    """The same project's tests and quickstart under Bun and Deno, which load the same addon
    through their Node-API (Deno given every permission: the addon, the network, the emulator's
    processes); then under Deno denied FFI, on the WebAssembly build, as Deno Deploy and Supabase
    Edge Functions run it: the quickstart, the shared vectors (Promise methods: blocking ones are
    refused there) and webhooks."""
    tools = toolchain.npm_tools(s)
    # Deno's check for a newer Deno would go through the proxy network.test.cjs sets up, and
    # the test counts what went through it.
    env = {"ADAPTY_REPO_ROOT": str(ROOT), "NO_COLOR": "1", "DENO_NO_UPDATE_CHECK": "1"}
    wasm = ["tests/core.test.cjs", "tests/vectors.test.cjs", "tests/webhooks.test.cjs"]
    for name, test, report_to, run, their_tests, core in (
        ("bun", ["test", "--reporter=junit"], "--reporter-outfile", [], tests, "addon"),
        ("deno", ["test", "-A"], "--junit-path", ["run", "-A"], tests, "addon"),
        ("deno", ["test", "-A", "--deny-ffi"], "--junit-path", ["run", "-A", "--deny-ffi"], wasm, "wasm"),
    ):
        label = name if core == "addon" else f"{name} on the WebAssembly build"
        report = s.report(f"node-test-{name}{'' if core == 'addon' else '-wasm'}.xml")
        core_env = {**env, "ADAPTY_TEST_CORE": core}
        s.tests([tools / name, *test, f"{report_to}={report}", *their_tests], report, cwd=project, env=core_env)
        s.check(
            f"the quickstart under {label}, against adapty-emulator exec",
            ["npx", "--no-install", "adapty-emulator", "exec", "--", tools / name, *run, "examples/quickstart.mjs"],
            cwd=project,
            env=core_env,
        )


def copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copy(source, target)


@suite("emulator", weight=150)
def emulator(s: Suite) -> None:
    """The emulator as users install it: its wheel and npm package with the README's pytest (-n 4, exec), node:test, Vitest and Jest examples; its web UI in headless Chromium."""
    title = "Testing your backend with the emulator"
    requirements = [ROOT / "emulator" / "python" / "requirements-test.txt"]
    py = build.python_env(s, "py-emulator", ["adapty-server[testing]"], requirements=requirements)
    bin_dir = py.parent
    project = TARGET / "py-emulator-user"
    shutil.rmtree(project, ignore_errors=True)
    readme.named_files(title, project)
    for f in project.glob("*.mjs"):
        f.unlink()
    pytest = [py, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    s.check("pytest with the adapty_emulator fixture", pytest, cwd=project)
    s.check("pytest -n 4 (pytest-xdist, an app per worker)", [*pytest, "-n", "4"], cwd=project)
    exec_ = [bin_dir / "adapty-emulator", "exec", "--accept-any-key", "--"]
    s.check("pytest -n 2 under adapty-emulator exec --accept-any-key", [*exec_, *pytest, "-n", "2"], cwd=project)
    s.check("mypy --strict on the README's pytest example", [py, "-m", "mypy", "--strict", "--no-incremental", "."], cwd=project)

    project = TARGET / "node-emulator-user"
    tarballs = [build.node_package(s), build.emulator_npm(s)]
    shutil.rmtree(project, ignore_errors=True)
    readme.named_files(title, project)
    for f in project.glob("*.py"):
        f.unlink()
    for name in ("typed_usage.ts", "tsconfig.json"):
        shutil.copy(ROOT / "emulator" / "npm" / name, project / name)
    tools = ["typescript@5.9.3", "@types/node@^20", "vite@8.3.8", "vitest@4.1.12", "jest@30.5.2"]
    build.npm_project(s, project, tarballs, *tools, module=True)
    # The Vitest example in Jest's form: require() and Jest's globals.
    vitest = (project / "access.vitest.test.mjs").read_text()
    jest = re.sub(r"^import \{ afterAll, beforeAll, expect, test \} from 'vitest';$", "", vitest, flags=re.M)
    jest = re.sub(r"^import \{ (.*) \} from '(.*)';$", r"const { \1 } = require('\2');", jest, flags=re.M)
    (project / "access.jest.test.cjs").write_text(jest)
    s.check("node --test with startEmulator()", ["node", "--test", "subscriptions.test.mjs"], cwd=project)
    s.check("Vitest with startEmulator()", ["npx", "--no-install", "vitest", "run", "access.vitest.test.mjs"], cwd=project)
    s.check("Jest with startEmulator()", ["npx", "--no-install", "jest", "--ci", "access.jest.test.cjs"], cwd=project)
    # npx runs the package's binary; the command's exit code comes back.
    health = "fetch(process.env.ADAPTY_EMULATOR_URL + '/__emulator/health').then((r) => process.exit(r.ok ? 42 : 1))"
    code = s.run(
        ["npx", "--no-install", "adapty-emulator", "exec", "--", "node", "-e", health], cwd=project, check=False, quiet=True
    )
    s.checks.check("npx adapty-emulator exec passes the exit code", code == 42, f"exit code {code}, expected 42")
    s.check("tsc --strict on a typed use of adapty-emulator", ["npx", "--no-install", "tsc", "-p", "tsconfig.json"], cwd=project)

    toolchain.chromium(s)
    report = s.report("ui.xml")
    s.tests([py, ROOT / "emulator" / "ui" / "test.py", "--junit", report], report)


@suite("cli", weight=60)
def cli(s: Suite) -> None:
    """The adapty-server command line as users get it: cargo install --path cli, the README's CLI examples as written, the wheel and the npm package."""
    install = TARGET / "cli-install"
    cargo_install = [
        "cargo",
        "install",
        "--quiet",
        "--locked",
        "--debug",
        "--path",
        "cli",
        "--root",
        install,
        "--target-dir",
        TARGET,
        "--force",
    ]
    if s.check("cargo install --path cli", cargo_install):
        s.check("the installed adapty-server runs", [install / "bin" / "adapty-server", "--version"])
    emulator_bin = build.emulator_binary(s)

    examples = TARGET / "cli-readme"
    shutil.rmtree(examples, ignore_errors=True)
    readme.named_files("The `adapty-server` command line", examples)
    with s.checks.timed("the README's CLI examples, as written") as problems:
        path = f"{install / 'bin'}:{build.run_env()['PATH']}"
        with build.emulator(s, binary=emulator_bin, api_key=None) as env:
            out = s.capture(["bash", "-euo", "pipefail", "cli-examples.sh"], cwd=examples, env={**env, "PATH": path})
        s.say(out)
        # What the examples did: the GDPR report holds both inputs, one deleted; both promo grants worked.
        if out.strip().splitlines()[-1:] != ["1"]:
            problems.append(f"the last line is not 1: {out[-500:]}")
        if len((examples / "gdpr-report.jsonl").read_text().splitlines()) != 2:
            problems.append("gdpr-report.jsonl does not hold both inputs")
        if (examples / "promo-report.jsonl").read_text().count('"ok":true') != 2:
            problems.append("promo-report.jsonl does not show both grants working")

    # pip and npm: the sibling packages of the emulator's put `adapty-server` on a Python or Node user's PATH.
    with s.checks.timed("pip install adapty-server-cli (the wheel) puts adapty-server on the venv's PATH") as problems:
        py = build.python_env(s, "py-cli", ["adapty-server", "adapty-server-cli"])
        with build.emulator(s, binary=emulator_bin, api_key=None) as env:
            out = s.capture(
                [py.parent / "adapty-server", "profiles", "create", "--customer-user-id", "pip-user", "-o", "json"], env=env
            )
        if '"customer_user_id": "pip-user"' not in out:
            problems.append(f"unexpected output: {out[:500]}")
    with s.checks.timed("npm install adapty-server-cli (the tarball): npx adapty-server") as problems:
        project = TARGET / "node-cli-user"
        shutil.rmtree(project, ignore_errors=True)
        build.npm_project(s, project, [build.cli_npm(s)])
        with build.emulator(s, binary=emulator_bin, api_key=None) as env:
            out = s.capture(
                ["npx", "--no-install", "adapty-server", "profiles", "create", "--customer-user-id", "npm-user", "-o", "json"],
                cwd=project,
                env=env,
            )
        if '"customer_user_id": "npm-user"' not in out:
            problems.append(f"unexpected output: {out[:500]}")


@suite("kotlin", weight=120)
def kotlin(s: Suite) -> None:
    """The Kotlin package with Maven (bindings, models, the native library in the jar): its JUnit suite, the README's examples, the process programs and the fault soak."""
    project = ROOT / "bindings-swift" / "kotlin"
    build.uniffi(s)
    # The README's Kotlin examples, compiled and run as a test (a build product under target/).
    readme.snippet_tests("kotlin", project / "target/generated-test-sources/readme/io/adapty/server/readme/ReadmeSnippetsTest.kt")
    # Classes of sources since deleted would otherwise still be tested and packed: Maven compiles
    # incrementally and never removes them.
    for stale in ("classes", "test-classes", "surefire-reports"):
        shutil.rmtree(project / "target" / stale, ignore_errors=True)
    # A jar of an earlier build would be run by the process suite if this one fails its tests.
    for jar in (project / "target").glob("adapty-server-*.jar"):
        jar.unlink()
    # `package` runs the tests, then builds the jar with the native library inside.
    code = s.run(["mvn", "-B", "--no-transfer-progress", "-Dstyle.color=never", "package"], cwd=project, check=False)
    surefire = sorted((project / "target" / "surefire-reports").glob("TEST-*.xml"))
    for report in surefire:
        shutil.copy(report, s.report(f"junit-{report.name}"))
    if code != 0 and not any(c.failure for r in surefire for c in junit.read(r)):
        raise Failed(f"mvn package exited with {code}")
    jars = list((project / "target").glob("adapty-server-*.jar"))
    listing = s.capture(["unzip", "-l", *jars[:1]]) if jars else ""
    s.checks.check("the jar carries the native library", "linux-x86-64/libadapty_server_ffi.so" in listing, listing[-2000:])
    if s.quick or not jars:
        return
    # The process suite and the fault soak, against the jar (JNA loads the library from inside it).
    classpath_file = project / "target" / "classpath.txt"
    s.run(
        [
            "mvn",
            "-B",
            "-q",
            "--no-transfer-progress",
            "dependency:build-classpath",
            f"-Dmdep.outputFile={classpath_file}",
            "-Dmdep.includeScope=runtime",
        ],
        cwd=project,
    )
    classpath = f"{jars[0]}:{project / 'target' / 'test-classes'}:{classpath_file.read_text().strip()}"
    java = ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath]
    programs, soak = [*java, "io.adapty.server.process.ProgramsKt"], [*java, "io.adapty.server.faults.SoakKt"]
    process_and_faults(s, "kotlin", programs, soak, runs=10, profiles=2000)


@suite("swift", weight=150)
def swift(s: Suite) -> None:
    """The Swift package with Debian's Swift 6.0 (or a native one): its XCTest suite, the README's examples, the process programs and the fault soak."""
    package = build.swift_package(s)
    data = package / "test-data"
    data.mkdir()
    shutil.copy(build.emulator_binary(s), data)
    for name in ("profiles.json", "operations.json", "webhooks.json", "access.json"):
        shutil.copy(ROOT / "tests" / "vectors" / name, data)
    shutil.copytree(ROOT / "tests" / "vectors" / "examples", data / "examples")
    # The README's Swift examples, compiled and run as a test (the package is a build product).
    readme.snippet_tests("swift", package / "Tests" / "AdaptyServerTests" / "ReadmeSnippetsTests.swift")
    # The process suite's and the fault soak's programs as two more executables of the package.
    for name, source in (("ProcessPrograms", "tests/process/swift/main.swift"), ("Soak", "tests/faults/swift/main.swift")):
        (package / "Sources" / name).mkdir(parents=True)
        shutil.copy(ROOT / source, package / "Sources" / name)
    with open(package / "Package.swift", "a") as manifest:
        manifest.write(
            "package.targets += [\n"
            '    .executableTarget(name: "ProcessPrograms", dependencies: ["AdaptyServer"], path: "Sources/ProcessPrograms"),\n'
            '    .executableTarget(name: "Soak", dependencies: ["AdaptyServer"], path: "Sources/Soak"),\n'
            "]\n"
        )
    with build.SwiftPackage(s, package, "swift-package") as swift_pkg:
        report = s.report("xctest.xml")
        env = {
            "ADAPTY_VECTORS": f"{swift_pkg.path}/test-data/profiles.json",
            "ADAPTY_EMULATOR_BIN": f"{swift_pkg.path}/test-data/adapty-emulator",
        }
        # XCTest writes its xUnit report only when the tests run in parallel (a process each).
        xunit = f"{swift_pkg.path}/xctest.xml"
        code = swift_pkg.run(
            ["swift", "test", *swift_pkg.link, "--disable-swift-testing", "--parallel", "--xunit-output", xunit], env=env
        )
        if swift_pkg.host_path("xctest.xml").exists():
            shutil.copy(swift_pkg.host_path("xctest.xml"), report)
        if code != 0 and not (report.exists() and any(c.failure for c in junit.read(report))):
            s.checks.check("swift test", False, f"exited with {code}")
        if s.quick:
            return
        for product in ("ProcessPrograms", "Soak"):
            swift_pkg.run(["swift", "build", *swift_pkg.link, "--product", product], check=True)
        programs = swift_pkg.command([f"{swift_pkg.path}/.build/debug/ProcessPrograms"])
        soak = swift_pkg.command([f"{swift_pkg.path}/.build/debug/Soak"])
        process_and_faults(s, "swift", programs, soak, runs=10, profiles=2000)


@suite("fuzz", weight=300)
def fuzz(s: Suite) -> None:
    """Fuzzing's smoke run: each cargo-fuzz target over its seeds (from the vectors) and fuzz/regressions/, then a few seconds of fuzzing."""
    from . import fuzzing

    fuzzing.smoke(s)
