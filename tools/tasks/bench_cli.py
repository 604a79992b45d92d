"""The CLI's bulk delete against `delete_many` from Rust (`make bench-cli`), on release builds and
one release emulator on loopback, with figures and ratios:

- 10,000 deletes, 64 in flight: `adapty-server profiles delete-many` with and without `--checkpoint`
  (the cost of durability), and the core's `delete_many` (core/benches/throughput.rs);
- 10,000 deletes with 10% of requests faulted, killed with SIGKILL half way and resumed: every
  input reported once, nothing finished before the kill sent again, no profile deleted twice.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
import urllib.request
from typing import Any

from . import build
from .bench import bench_program
from .context import Context
from .registry import task

KEY = "secret_bench_cli_0000"
COUNT = 10_000
CHAOS = {
    "dropped": 0.02,
    "status_500": 0.02,
    "status_503": 0.02,
    "status_429": 0.01,
    "applied_then_500": 0.015,
    "applied_then_dropped": 0.015,
}


class Emulator:
    def __init__(self, binary: os.PathLike[str]) -> None:
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--api-key", KEY, "--exit-on-stdin-close"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()

    def control(self, method: str, path: str, body: object = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}/__emulator/{path}", data, {"content-type": "application/json"}, method=method)
        with urllib.request.urlopen(req, timeout=60) as resp:
            text = resp.read()
        return json.loads(text) if text else None

    def seed(self, prefix: str, directory: str) -> str:
        self.control("POST", "profiles", {"count": COUNT, "customer_user_id_prefix": prefix})
        path = os.path.join(directory, f"{prefix}ids.txt")
        with open(path, "w") as f:
            f.write("".join(f"{prefix}{n}\n" for n in range(COUNT)))
        return path

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


def finished(checkpoint: str) -> set[int]:
    done: set[int] = set()
    if not os.path.exists(checkpoint):
        return done
    with open(checkpoint) as f:
        for line in f:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if "finished" in record:
                done.add(record["finished"])
    return done


@task("bench-cli")
def bench_cli(ctx: Context, args: list[str]) -> int:
    """The CLI's bulk delete vs the core's delete_many (release builds), and a 10,000-delete job under 10% faults killed half way and resumed."""
    cli_bin, emulator_bin, bench = build.cli_binary(ctx, "release"), build.emulator_binary(ctx, "release"), bench_program(ctx)
    emu = Emulator(emulator_bin)
    env = dict(os.environ, ADAPTY_BASE_URL=emu.url, ADAPTY_API_KEY=KEY)
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:

        def cli(ids: str, *extra: str) -> float:
            started = time.monotonic()
            args = [str(cli_bin), "profiles", "delete-many", "--from", ids, "--yes", "--concurrency", "64", *extra]
            subprocess.run(args, env=env, check=True, stderr=subprocess.DEVNULL)
            return COUNT / (time.monotonic() - started)

        rows.append(("adapty-server delete-many, 64 in flight", cli(emu.seed("plain-", tmp))))
        checkpoint = os.path.join(tmp, "clean.ckpt")
        rows.append(
            (
                "adapty-server delete-many --checkpoint --report, 64 in flight",
                cli(emu.seed("durable-", tmp), "--checkpoint", checkpoint, "--report", os.path.join(tmp, "clean.jsonl")),
            )
        )
        core = subprocess.run(
            [str(bench), "delete-many", "core"],
            env=dict(env, BENCH_DELETES=str(COUNT)),
            check=True,
            capture_output=True,
            text=True,
        )
        measured = json.loads(core.stdout.strip().splitlines()[-1])
        rows.append(("Rust core delete_many, 64 in flight", measured["requests"] / measured["seconds"]))

        # Under faults, killed half way and resumed.
        ids = emu.seed("faults-", tmp)
        emu.control("DELETE", "journal")
        emu.control("POST", "chaos", {"seed": 11, "rates": CHAOS, "retry_after": "0.05"})
        checkpoint, report = os.path.join(tmp, "faults.ckpt"), os.path.join(tmp, "faults.jsonl")
        args = [
            str(cli_bin),
            "profiles",
            "delete-many",
            "--from",
            ids,
            "--yes",
            "--concurrency",
            "64",
            "--checkpoint",
            checkpoint,
            "--report",
            report,
        ]
        started = time.monotonic()
        first = subprocess.Popen(args, env=env, stderr=subprocess.DEVNULL)
        while len(finished(checkpoint)) < COUNT // 2:
            time.sleep(0.005)
        first.kill()
        first.wait()
        done_before = finished(checkpoint)
        emu.control("DELETE", "journal")
        resumed = subprocess.run(args, env=env, stderr=subprocess.PIPE, text=True)
        total = time.monotonic() - started
        rows.append(("adapty-server delete-many, 10% faults, killed at half and resumed", COUNT / total))
        journal = emu.control("GET", "journal")
        chaos = emu.control("GET", "chaos")
        with open(report) as f:
            lines = [json.loads(line) for line in f]
    emu.stop()

    reported = [line["input"]["customer_user_id"] for line in lines]
    expected = [f"faults-{n}" for n in range(COUNT)]
    index = {cid: n for n, cid in enumerate(expected)}
    resent = sum(1 for e in journal if index.get(e["headers"].get("adapty-customer-user-id"), -1) in done_before)
    deletes: dict[str, int] = {}
    for e in journal:
        if e["method"] == "DELETE" and e["status"] == 204:
            cid = e["headers"].get("adapty-customer-user-id")
            deletes[cid] = deletes.get(cid, 0) + 1
    failed = sum(1 for line in lines if not line["ok"])
    injected = sum(chaos["injected"].values())

    core_rate = rows[2][1]
    ctx.say(f"{'':60} {'deletes/s':>10} {'vs delete_many':>15}")
    for name, rate in rows:
        ctx.say(f"{name:60} {rate:10,.0f} {rate / core_rate:14.2f}x")
    ctx.say("")
    ctx.say(
        f"faults: {injected} injected over the job; killed with {len(done_before)} of {COUNT} finished; resume exit {resumed.returncode}"
    )
    ctx.say(f"report: {len(lines)} lines, every input once in order: {reported == expected}; {failed} failed after retries")
    ctx.say(
        f"after the kill: {resent} requests for inputs finished before it (expected 0); profiles deleted twice: {sum(1 for n in deletes.values() if n > 1)}"
    )
    ok = reported == expected and resent == 0 and all(n == 1 for n in deletes.values())
    return 0 if ok else 1
