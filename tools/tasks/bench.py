"""Every benchmark in one run and one table: the Rust core against bare reqwest, each binding
against the strongest client of its language, each also as a ratio of the core's own figure.

    make bench [ARGS="--rounds N --seconds S --only LANG[,LANG]"]
    make bench-breakdown

`make bench-breakdown` instead times each layer of one call: the core's decode and encode of the
profile, then each binding's layers (bindings-*/bench/breakdown.*). `make soak` measures memory
under a million calls.

`make bench` builds the release artifacts (the emulator, the core's benchmark program,
the wheel into a fresh virtualenv with the Python peers, the npm package into a fresh project with
the Node peer), then the rounds. One release emulator serves every run on loopback. Every figure comes from a process of its own doing one client alone (so its peak RSS is
that client's and nothing else's); a round runs every client once, in an order that rotates from
round to round, and the table shows medians over the rounds. CPU is the client process's own
(every thread), over the measured part of its run, per request; on a machine where client and
server share the cores, it is what each call takes from the server.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import bench_edge, build, toolchain
from .context import ROOT, TARGET, Context, Failed
from .registry import task

KEY = "secret_bench_key_0000"
USER = "bench-user"
PYTHON_PEERS = {"urllib3": "2.8.0", "aiohttp": "3.14.5", "httpx": "0.28.1", "opentelemetry-api": "1.45.2"}
NODE_PEERS = {"undici": "7.30.2", "@opentelemetry/api": "1.9.0"}
"""OpenTelemetry's API is installed beside the SDK, with no SDK configured: every call looks for
one, as in a service whose libraries pull the API in (`say_overheads` times the look)."""
NODE_DIR = TARGET / "node-bench"


@dataclass(frozen=True)
class Client:
    """One program's run: `command` + [scenario, name]."""

    scenario: str
    lang: str
    name: str
    label: str

    @property
    def key(self) -> str:
        return f"{self.scenario}/{self.lang}/{self.name}"


# What runs, in table order. Scenarios: get-c1 (one call at a time), get-c64 (64 in flight),
# delete-many (10,000 deletes, 64 at a time), import (a fresh process loading the package).
CLIENTS = [
    Client("get-c1", "rust", "core", "Rust core, on the SDK's runtime"),
    Client("get-c1", "rust", "core-caller", "Rust core, on the caller's runtime"),
    Client("get-c1", "rust", "ops", "Rust ops::call (the bindings' entry)"),
    Client("get-c1", "rust", "reqwest", "bare reqwest 0.13"),
    Client("get-c1", "python", "adapty", "Python Adapty (blocking)"),
    Client("get-c1", "python", "urllib3", f"Python urllib3 {PYTHON_PEERS['urllib3']} PoolManager"),
    Client("get-c1", "python", "httpx", f"Python httpx {PYTHON_PEERS['httpx']} Client"),
    Client("get-c1", "node", "adapty-sync", "Node Adapty getSync"),
    Client("get-c1", "node", "adapty", "Node Adapty (awaited)"),
    Client("get-c1", "node", "undici", f"Node undici {NODE_PEERS['undici']} Pool.request"),
    Client("get-c1", "deno", "adapty", "Deno Adapty, the addon (awaited)"),
    Client("get-c1", "deno-wasm", "adapty", "Deno Adapty, WebAssembly (awaited)"),
    Client("get-c1", "deno", "fetch", "Deno fetch (built in)"),
    Client("get-c64", "rust", "core", "Rust core, on the SDK's runtime"),
    Client("get-c64", "rust", "core-caller", "Rust core, on the caller's runtime"),
    Client("get-c64", "rust", "ops", "Rust ops::call (the bindings' entry)"),
    Client("get-c64", "rust", "reqwest", "bare reqwest 0.13"),
    Client("get-c64", "python", "adapty", "Python AsyncAdapty"),
    Client("get-c64", "python", "aiohttp", f"Python aiohttp {PYTHON_PEERS['aiohttp']} ClientSession"),
    Client("get-c64", "python", "httpx", f"Python httpx {PYTHON_PEERS['httpx']} AsyncClient"),
    Client("get-c64", "node", "adapty", "Node Adapty (Promises)"),
    Client("get-c64", "node", "undici", f"Node undici {NODE_PEERS['undici']} Pool.request"),
    Client("get-c64", "node", "fetch", "Node fetch (built in)"),
    Client("get-c64", "deno", "adapty", "Deno Adapty, the addon (Promises)"),
    Client("get-c64", "deno-wasm", "adapty", "Deno Adapty, WebAssembly (Promises)"),
    Client("get-c64", "deno", "fetch", "Deno fetch (built in)"),
    Client("delete-many", "rust", "core", "Rust core delete_many"),
    Client("delete-many", "rust", "reqwest", "bare reqwest, 64 tasks"),
    Client("import", "python", "adapty", "Python import adapty_server"),
    Client("import", "node", "adapty", "Node require('adapty-server')"),
]

SCENARIOS = {
    "get-c1": "profiles.get, 1 in flight",
    "get-c64": "profiles.get, 64 in flight",
    "delete-many": "delete_many(10,000), 64 in flight",
    "import": "import / require",
}


@dataclass(frozen=True)
class Goal:
    """`ours` / `theirs` (medians of rates) must reach `ratio`."""

    text: str
    ours: str
    theirs: str
    ratio: float


GOALS = [
    Goal("Node (64 in flight) vs undici", "get-c64/node/adapty", "get-c64/node/undici", 1.3),
    Goal("Node (64 in flight) vs the core at 64", "get-c64/node/adapty", "get-c64/rust/core", 0.7),
    Goal("Python async (64 tasks) vs aiohttp", "get-c64/python/adapty", "get-c64/python/aiohttp", 3.0),
    Goal("Python async (64 tasks) vs the core at 64", "get-c64/python/adapty", "get-c64/rust/core", 0.6),
    Goal("Python sync vs urllib3", "get-c1/python/adapty", "get-c1/python/urllib3", 4.0),
    Goal("Python sync vs the core at 1", "get-c1/python/adapty", "get-c1/rust/core", 0.75),
    Goal("the core vs bare reqwest at 1", "get-c1/rust/core", "get-c1/rust/reqwest", 0.9),
    Goal("the core vs bare reqwest at 64", "get-c64/rust/core", "get-c64/rust/reqwest", 0.9),
    Goal("delete_many(10,000) vs a bare reqwest loop", "delete-many/rust/core", "delete-many/rust/reqwest", 0.9),
]

# The peer each row is compared with, and the core's row of its scenario.
PEERS = {
    "get-c1/rust/core": "get-c1/rust/reqwest",
    "get-c1/rust/core-caller": "get-c1/rust/reqwest",
    "get-c1/rust/ops": "get-c1/rust/reqwest",
    "get-c1/python/adapty": "get-c1/python/urllib3",
    "get-c1/node/adapty-sync": "get-c1/node/undici",
    "get-c1/node/adapty": "get-c1/node/undici",
    "get-c64/rust/core": "get-c64/rust/reqwest",
    "get-c64/rust/core-caller": "get-c64/rust/reqwest",
    "get-c64/rust/ops": "get-c64/rust/reqwest",
    "get-c64/python/adapty": "get-c64/python/aiohttp",
    "get-c64/node/adapty": "get-c64/node/undici",
    "get-c1/deno/adapty": "get-c1/deno/fetch",
    "get-c1/deno-wasm/adapty": "get-c1/deno/fetch",
    "get-c64/deno/adapty": "get-c64/deno/fetch",
    "get-c64/deno-wasm/adapty": "get-c64/deno/fetch",
    "delete-many/rust/core": "delete-many/rust/reqwest",
}
IMPORT_LIMIT_MS = 50


@dataclass
class Figures:
    rates: list[float] = field(default_factory=list)
    cpu_us: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def rate(self) -> float:
        return statistics.median(self.rates)


def prepare(ctx: Context, langs: set[str]) -> dict[str, list[str]]:
    """Builds what runs (release builds, packages installed as users install them); returns each
    language's command."""
    commands = {}
    if "rust" in langs:
        commands["rust"] = [str(bench_program(ctx))]
    if "python" in langs:
        peers = [f"{name}=={version}" for name, version in PYTHON_PEERS.items()]
        python = build.python_env(ctx, "py-bench", ["adapty-server"], extra=peers, profile="release")
        commands["python"] = [str(python), str(ROOT / "bindings-python" / "bench" / "throughput.py")]
    if langs & {"node", "deno"}:
        shutil.rmtree(NODE_DIR, ignore_errors=True)
        peers = [f"{name}@{version}" for name, version in NODE_PEERS.items()]
        build.npm_project(ctx, NODE_DIR, [build.node_package(ctx, "release")], *peers)
        for program in ("throughput.mjs", "breakdown.mjs"):
            shutil.copy(ROOT / "bindings-node" / "bench" / program, NODE_DIR)
        commands["node"] = ["node", str(NODE_DIR / "throughput.mjs")]
    if "deno" in langs:
        # The same program and package under Deno: on the addon, and denied FFI, on WebAssembly.
        deno = [str(toolchain.npm_tools(ctx) / "deno"), "run", "-A"]
        commands["deno"] = [*deno, str(NODE_DIR / "throughput.mjs")]
        commands["deno-wasm"] = [*deno, "--deny-ffi", str(NODE_DIR / "throughput.mjs")]
    return commands


def bench_program(ctx: Context) -> Path:
    """The core's benchmark program (core/benches/throughput.rs), a release build."""
    built = ctx.capture(
        ["cargo", "bench", "--quiet", "--no-run", "-p", "adapty-server", "--bench", "throughput", "--message-format=json"]
    )
    messages = [json.loads(line) for line in built.splitlines() if line.startswith("{")]
    return Path(
        next(m["executable"] for m in messages if m.get("target", {}).get("name") == "throughput" and m.get("executable"))
    )


def run(client: Client, commands: dict[str, list[str]], env: dict[str, str]) -> tuple[dict[str, float], float]:
    """One run of `client`: its JSON line and its peak RSS in MB."""
    scenario = "require" if (client.lang, client.scenario) == ("node", "import") else client.scenario
    cwd = NODE_DIR if client.lang in ("node", "deno", "deno-wasm") else ROOT
    env = {**env, "DENO_NO_UPDATE_CHECK": "1"} if client.lang.startswith("deno") else env
    proc = subprocess.Popen([*commands[client.lang], scenario, client.name], stdout=subprocess.PIPE, env=env, cwd=cwd, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise Failed(f"{client.key} exited with {proc.returncode}")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


@contextlib.contextmanager
def emulator(ctx: Context) -> Iterator[dict[str, str]]:
    """A release emulator on loopback with the benchmark's profile seeded; the environment that
    points the programs at it."""
    with build.emulator(ctx, binary=build.emulator_binary(ctx, "release"), api_key=KEY) as env:
        seed = {"profiles": [{"customer_user_id": USER, "access_levels": ["premium"], "balances": {"COIN": 100}}]}
        request = urllib.request.Request(
            f"{env['ADAPTY_BASE_URL']}/__emulator/profiles",
            data=json.dumps(seed).encode(),
            headers={"content-type": "application/json"},
        )
        urllib.request.urlopen(request).read()
        yield env


def fmt_ratio(ours: Figures | None, theirs: Figures | None) -> str:
    return f"{ours.rate() / theirs.rate():.2f}x" if ours and theirs and ours.rates and theirs.rates else ""


def print_table(say: Callable[[str], None], figures: dict[str, Figures], clients: list[Client], rounds: int) -> None:
    cores = os.cpu_count()
    say(
        f"\nadapty-server benchmarks: emulator on loopback, {cores} cores shared by client and emulator, medians of {rounds} rounds\n"
    )
    head = f"{'client':<40} {'req/s':>9} {'CPU µs/req':>11} {'peak RSS':>9} {'vs peer':>8} {'vs core':>8}"
    for scenario, title in SCENARIOS.items():
        rows = [c for c in clients if c.scenario == scenario]
        if not rows:
            continue
        say(f"{title}")
        if scenario == "import":
            for c in rows:
                ms = statistics.median(figures[c.key].seconds) * 1000
                verdict = "meets" if ms < IMPORT_LIMIT_MS else "ABOVE"
                say(f"  {c.label:<40} {ms:>6.1f} ms   ({verdict} goal < {IMPORT_LIMIT_MS} ms)")
            say("")
            continue
        say("  " + head)
        core = figures.get(f"{scenario}/rust/core")
        for c in rows:
            f = figures[c.key]
            peer = PEERS.get(c.key)
            vs_core = fmt_ratio(f, core) if c.lang != "rust" else ""
            say(
                f"  {c.label:<40} {f.rate():>9,.0f} {statistics.median(f.cpu_us):>11.1f} "
                f"{statistics.median(f.rss_mb):>6.1f} MB {fmt_ratio(f, figures.get(peer)) if peer else '':>8} {vs_core:>8}"
            )
        say("")
    say("Goals (ratios of median rates in this run)")
    for g in GOALS:
        ours, theirs = figures.get(g.ours), figures.get(g.theirs)
        if not (ours and ours.rates and theirs and theirs.rates):
            continue
        ratio = ours.rate() / theirs.rate()
        verdict = "meets" if ratio >= g.ratio else "BELOW"
        say(f"  {g.text:<46} {ratio:>6.2f}x   ({verdict} goal {g.ratio:g}x)")


def breakdown(ctx: Context, commands: dict[str, list[str]], env: dict[str, str]) -> None:
    """The core's decode and encode of the profile, then each binding's layers, as they print them."""
    codec = json.loads(ctx.capture([*commands["rust"], "codec", "profile"], env=env))
    ctx.say(
        f"Rust core: the profile's response ({codec['bytes']} bytes) read into the model {codec['decode_us']:.2f} µs, "
        f"the model to the JSON text the bindings get {codec['encode_us']:.2f} µs\n"
    )
    say_overheads(ctx, commands)
    ctx.run([commands["python"][0], ROOT / "bindings-python" / "bench" / "breakdown.py"], env=env)
    ctx.say("")
    ctx.run(["node", NODE_DIR / "breakdown.mjs"], env=env, cwd=NODE_DIR)


@task("bench")
def bench(ctx: Context, args: list[str]) -> int:
    """Every benchmark in one table (release builds, emulator on loopback): the core vs bare reqwest, Python vs urllib3/aiohttp/httpx, Node vs undici/fetch, each binding also vs the core; CPU and RSS."""
    parser = argparse.ArgumentParser(prog="make bench ARGS=...", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "5")))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", "2")))
    parser.add_argument("--only", help="languages to run, e.g. rust,node,deno,edge (default: all)")
    opts = parser.parse_args(args)
    langs = set(opts.only.split(",")) if opts.only else {"rust", "python", "node", "deno", "edge"}
    clients = [c for c in CLIENTS if c.lang.removesuffix("-wasm") in langs]
    commands = prepare(ctx, langs)
    with emulator(ctx) as base:
        env = {**os.environ, **base, "BENCH_USER": USER, "BENCH_SECONDS": str(opts.seconds)}
        figures = {c.key: Figures() for c in clients}
        for r in range(opts.rounds if clients else 0):
            shift = r % len(clients)
            for c in clients[shift:] + clients[:shift]:
                result, rss = run(c, commands, env)
                f = figures[c.key]
                f.rates.append(result["requests"] / result["seconds"])
                f.cpu_us.append(result["cpu_seconds"] / result["requests"] * 1e6)
                f.rss_mb.append(rss)
                f.seconds.append(result["seconds"])
            ctx.say(f"bench: round {r + 1} of {opts.rounds} done")
        print_table(ctx.say, figures, clients, opts.rounds)
        say_wasm(ctx.say, figures)
        if "edge" in langs:
            bench_edge.figures(ctx, env, opts.rounds)
    say_overheads(ctx, commands)
    return 0


def say_wasm(say: Callable[[str], None], figures: dict[str, Figures]) -> None:
    """The WebAssembly build's rate against the addon's and fetch's, in Deno."""
    for scenario in ("get-c1", "get-c64"):
        wasm = figures.get(f"{scenario}/deno-wasm/adapty")
        addon, fetch = figures.get(f"{scenario}/deno/adapty"), figures.get(f"{scenario}/deno/fetch")
        if wasm and wasm.rates:
            say(f"  Deno, {SCENARIOS[scenario]}: WebAssembly {fmt_ratio(wasm, addon)} the addon, {fmt_ratio(wasm, fetch)} fetch")
    say("")


UNCONFIGURED_OTEL = {
    "python": """
import json, time
import opentelemetry.trace  # the API imported, no SDK configured
from adapty_server._tracing import call_tracer
n = 1_000_000
started = time.perf_counter()
for _ in range(n):
    call_tracer()
print(json.dumps({"ns": (time.perf_counter() - started) / n * 1e9}))
""",
    "node": """
const { callTracer } = require(require('node:path').resolve('node_modules/adapty-server/lib/tracing.js'));
callTracer(); // the API resolved once, no SDK registered
const n = 1e6;
const started = process.hrtime.bigint();
for (let i = 0; i < n; i++) callTracer();
console.log(JSON.stringify({ ns: Number(process.hrtime.bigint() - started) / n }));
""",
}
"""Per call: what the SDK does to find that no OpenTelemetry SDK records spans."""


def say_overheads(ctx: Context, commands: dict[str, list[str]]) -> None:
    """What a registered request listener adds to each attempt (core/benches/throughput.rs
    `hooks`), and what an unconfigured OpenTelemetry API adds to each call."""

    def verdict(ns: float) -> str:
        return f"{ns:.0f} ns   ({'meets' if ns < 1000 else 'ABOVE'} goal < 1 µs)"

    if "rust" in commands:
        hook_ns = json.loads(ctx.capture([*commands["rust"], "hooks", "listener"]))["hook_us"] * 1000
        ctx.say(f"A registered request listener per attempt: {verdict(hook_ns)}")
    if "python" in commands:
        ns = json.loads(ctx.capture([commands["python"][0], "-c", UNCONFIGURED_OTEL["python"]]))["ns"]
        ctx.say(f"Python, an unconfigured OpenTelemetry API per call: {verdict(ns)}")
    if "node" in commands:
        ns = json.loads(ctx.capture(["node", "-e", UNCONFIGURED_OTEL["node"]], cwd=NODE_DIR))["ns"]
        ctx.say(f"Node, an unconfigured OpenTelemetry API per call: {verdict(ns)}")


@task("bench-breakdown")
def bench_breakdown(ctx: Context, args: list[str]) -> int:
    """Where one call's time goes: the core's decode and encode, then wall and CPU µs per call of each layer of profiles.get in Python and Node (release builds)."""
    commands = prepare(ctx, {"rust", "python", "node"})
    with emulator(ctx) as base:
        breakdown(ctx, commands, {**os.environ, **base, "BENCH_USER": USER, "BENCH_SECONDS": "2"})
    return 0


@task("soak")
def soak(ctx: Context, args: list[str]) -> int:
    """Memory under load: a million calls each through Python sync, Python async and Node Promises (release builds); prints the rates and how much RSS grows after warm-up (goal < 5 MB)."""
    emulator_bin = build.emulator_binary(ctx, "release")
    python = build.python_env(ctx, "py-soak", ["adapty-server"], profile="release")
    project = TARGET / "node-soak"
    shutil.rmtree(project, ignore_errors=True)
    build.npm_project(ctx, project, [build.node_package(ctx, "release")])
    shutil.copy(ROOT / "bindings-node" / "bench" / "memory.mjs", project)
    with build.emulator(ctx, binary=emulator_bin) as env:
        ctx.run([python, ROOT / "bindings-python" / "bench" / "memory.py"], env=env)
    with build.emulator(ctx, binary=emulator_bin) as env:
        ctx.run(["node", "--min-semi-space-size=16", "--max-semi-space-size=16", project / "memory.mjs"], env=env)
    return 0
