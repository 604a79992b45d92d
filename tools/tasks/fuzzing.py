"""Coverage-guided fuzzing of the core and the emulator with cargo-fuzz (libFuzzer): the targets
are fuzz/fuzz_targets/*.rs, their seeds come from tests/vectors (fuzz/seeds.py).

Targets are built with cargo-fuzz's default: optimized, with debug assertions, overflow checks
and AddressSanitizer (an explicit -O would drop the debug assertions). The smoke run (part of
`make test`) builds at opt-level 1 (251 s instead of 410 s from scratch), for targets that run
slower, which the seeds and a few seconds afford; full runs keep opt-level 3. Every run gets a
scratch copy of the corpus, so the tree is left as it was; crashes are written to
fuzz/artifacts/TARGET/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from . import toolchain
from .context import ROOT, Context, Failed, Suite, argv
from .registry import task

FUZZ = ROOT / "fuzz"
#: Any input taking over a second, using over 2 GB, or allocating over 512 MB at once fails.
LIMITS = ["-timeout=1", "-rss_limit_mb=2048", "-malloc_limit_mb=512"]
CARGO_FUZZ = "0.13.2"


def targets() -> list[str]:
    chosen = os.environ.get("FUZZ_TARGETS")
    return chosen.split() if chosen else sorted(p.stem for p in (FUZZ / "fuzz_targets").glob("*.rs"))


def build(ctx: Context, *, smoke: bool) -> Path:
    """Builds every target; returns the directory of their binaries."""
    toolchain.nightly(ctx)
    toolchain.cargo_tool(ctx, "cargo-fuzz", CARGO_FUZZ, "cargo-fuzz")
    ctx.run(["python3", FUZZ / "seeds.py"])
    env = {"CARGO_PROFILE_RELEASE_OPT_LEVEL": "1"} if smoke else {}
    with ctx.step("building the fuzz targets"):
        ctx.run(["nice", "cargo", "+nightly", "fuzz", "build"], cwd=FUZZ, env=env)
    host = re.search(r"^host: (\S+)$", ctx.capture(["rustc", "+nightly", "-vV"]), re.M)
    if host is None:
        raise Failed("rustc +nightly -vV names no host")
    return FUZZ / "target" / host.group(1) / "release"


def run_target(binary_dir: Path, target: str, scratch: Path, *args: str) -> tuple[int, str]:
    """A target over a scratch copy of its corpus (and its regressions): (exit code, output)."""
    corpus = scratch / target
    shutil.copytree(FUZZ / "corpus" / target, corpus)
    dirs = [corpus]
    if (FUZZ / "regressions" / target).is_dir():
        dirs.append(FUZZ / "regressions" / target)
    artifacts = FUZZ / "artifacts" / target
    artifacts.mkdir(parents=True, exist_ok=True)
    cmd = [binary_dir / target, *LIMITS, f"-artifact_prefix={artifacts}/", "-print_final_stats=1", *args, *dirs]
    proc = subprocess.run(argv(cmd), capture_output=True, text=True, errors="replace")
    return proc.returncode, proc.stdout + proc.stderr


def smoke(s: Suite) -> None:
    """Each target over its seeds and regressions, then a few seconds (FUZZ_SMOKE_SECONDS,
    default 8) of fuzzing: one check per target."""
    binary_dir = build(s, smoke=True)
    seconds = os.environ.get("FUZZ_SMOKE_SECONDS", "8")
    with tempfile.TemporaryDirectory() as scratch:
        for target in targets():
            started = time.monotonic()
            code, output = run_target(binary_dir, target, Path(scratch), f"-max_total_time={seconds}")
            tail = "\n".join(output.splitlines()[-40:])
            s.checks.check(f"fuzz {target}", code == 0, tail, time.monotonic() - started)


@task("fuzz")
def full(ctx: Context, args: list[str]) -> int:
    """Coverage-guided fuzzing (cargo-fuzz, nightly): a million executions of every target (or
    RUNS), then a table of executions and coverage. `make test` runs a short smoke of each."""
    runs = args[0] if args else "1000000"
    binary_dir = build(ctx, smoke=False)
    rows, failed = [], False
    with tempfile.TemporaryDirectory() as scratch:
        for target in targets():
            started = time.monotonic()
            code, output = run_target(binary_dir, target, Path(scratch), f"-runs={runs}")
            seconds = time.monotonic() - started
            if code != 0:
                ctx.say("\n".join(output.splitlines()[-40:]))
                failed = True
            # libFuzzer's last status line (DONE, or the last before a crash).
            status = [line for line in output.splitlines() if re.match(r"^#\d+\s.*cov: ", line)][-1:]
            executed = re.findall(r"^stat::number_of_executed_units: *(\d+)", output, re.M)[-1:]

            def field(name: str, status: list[str] = status) -> str:
                found = re.search(rf"{name}: (\d+)", status[0]) if status else None
                return found.group(1) if found else "-"

            execs = executed[0] if executed else "-"
            rate = f"{int(execs) / seconds:.0f}" if executed and seconds else "-"
            result = "FAILED" if code else "ok"
            rows.append(
                f"{target:<18} {execs:>10} {field('cov'):>7} {field('ft'):>7} {field('corp'):>7} {seconds:>8.0f} {rate:>8}  {result}"
            )
    ctx.say(f"{'target':<18} {'executions':>10} {'cov':>7} {'ft':>7} {'corpus':>7} {'seconds':>8} {'exec/s':>8}  result")
    ctx.say("\n".join(rows))
    return 1 if failed else 0


@task("fuzz-build")
def build_only(ctx: Context, args: list[str]) -> int:
    """Builds the fuzz targets only (optimized, as `make fuzz` runs them)."""
    build(ctx, smoke=False)
    return 0
