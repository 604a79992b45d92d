#!/usr/bin/env python3
"""Runs short programs as users run them: each as its own process, many times, in parallel,
against the emulator named by ADAPTY_BASE_URL (`make test-LANG` starts one).

Usage: tests/process/run.py LANG [--runs N] [--dir DIR] -- COMMAND...

COMMAND starts a program of LANG: for python and node the program's file (DIR/NAME.py or
DIR/NAME.mjs, DIR defaulting to tests/process/LANG) is appended to it, for kotlin and swift the
program's name. Every scenario below is written once per language and must behave the same in
each: the same exit code and the same output. Prints one `check process LANG/NAME: ok|FAILED`
line per program, with the first failing run's output under a FAILED one, and writes them as
JUnit XML with --junit FILE.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import junit  # noqa: E402 - tests/junit.py, beside this program's folder

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.environ.get("ADAPTY_BASE_URL", "").rstrip("/")


@dataclass
class Scenario:
    """What a program must do: print `stdout` (a regex matching the whole output), exit with one
    of `exit_codes`, and write something matching `stderr` (if set; per language if a dict)."""

    stdout: str
    exit_codes: tuple[int, ...] = (0,)
    stderr: str | dict[str, str] | None = None
    #: Sent once the program has printed its first line (it is waiting on a slow request); it
    #: must then exit within `deadline` seconds.
    interrupt: bool = False
    deadline: float = 60.0
    languages: tuple[str, ...] = ("python", "node", "kotlin", "swift")


#: The slow request the interrupted programs wait on: this long, far beyond their deadline.
SLOW_MS = 30_000
#: Killed by SIGINT (-2) is the default action; 130 is how the JVM reports it.
BY_SIGINT = (-signal.SIGINT, 128 + signal.SIGINT)

SCENARIOS = {
    "sync_only": Scenario(r"sync: created, read, updated, deleted, then profile_does_not_exist\n"),
    "async_only": Scenario(r"async: 20 created, 20 deleted\n"),
    "mixed": Scenario(r"mixed: 21 deleted\n"),
    # Node has no threads that share objects; its threads are worker_threads, each with a client.
    "threads": Scenario(r"threads: 16 threads, 96 calls\n", languages=("python", "kotlin", "swift")),
    "fork": Scenario(r"fork: child exit 0, parent still works\n", languages=("python",)),
    "pool": Scenario(r"pool: 32 jobs\n", languages=("python",)),
    "workers": Scenario(r"workers: 4 workers, 32 calls\n", languages=("node",)),
    "debug_logging": Scenario(r"logging: on\n", stderr=r"request succeeded", languages=("python",)),
    "in_flight": Scenario(r"in flight: leaving\n"),
    "late_atexit": Scenario(r"late atexit: blocking works, async refused\n", languages=("python",)),
    "uncaught": Scenario(r"", exit_codes=(1,), stderr=r"profile_does_not_exist"),
    "sigint_sync": Scenario(
        r"waiting\n", exit_codes=BY_SIGINT, stderr={"python": "KeyboardInterrupt"}, interrupt=True, deadline=3.0
    ),
    "sigint_async": Scenario(
        r"waiting\n", exit_codes=BY_SIGINT, stderr={"python": "KeyboardInterrupt"}, interrupt=True, deadline=3.0
    ),
}

EXTENSIONS = {"python": ".py", "node": ".mjs"}


@dataclass
class Outcome:
    ok: bool
    detail: str = ""
    seconds: float = 0.0


@dataclass
class Tally:
    runs: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def slow_down(user: str) -> None:
    """Makes the next request for `user` wait SLOW_MS before it is answered."""
    fault = {"headers": {"adapty-customer-user-id": user}, "delay_ms": SLOW_MS, "status": 503}
    req = urllib.request.Request(f"{BASE}/__emulator/faults", json.dumps(fault).encode(), {"content-type": "application/json"})
    urllib.request.urlopen(req, timeout=10).close()


def kill_tree(pid: int) -> None:
    """Kills `pid` and its descendants (a program's forked child holds its output pipes: killing
    the program alone would leave the runner waiting on them forever)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    stack, tree = [pid], []
    while stack:
        p = stack.pop()
        tree.append(p)
        stack.extend(children.get(p, []))
    for p in tree:
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)


def run_once(lang: str, command: list[str], scenario: Scenario) -> Outcome:
    args = []
    if scenario.interrupt:
        user = f"proc-slow-{uuid.uuid4()}"
        slow_down(user)
        args = [user]
    started = time.monotonic()
    proc = subprocess.Popen([*command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
    stdout = ""
    if scenario.interrupt:
        stdout = proc.stdout.readline()
        # The program prints "waiting" right before its request; give the request a moment to leave.
        time.sleep(0.2)
        interrupted = time.monotonic()
        proc.send_signal(signal.SIGINT)
    else:
        interrupted = None
    try:
        rest, stderr = proc.communicate(timeout=scenario.deadline if interrupted else 120)
    except subprocess.TimeoutExpired:
        took = time.monotonic() - (interrupted or started)
        kill_tree(proc.pid)
        try:
            rest, stderr = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            rest, stderr = "", "(its output pipes stayed open after it was killed)"
        return Outcome(False, f"still running after {took:.1f} s; stdout:\n{stdout + rest}\nstderr:\n{stderr[-3000:]}")
    stdout += rest
    took = time.monotonic() - (interrupted or started)
    problems = []
    if proc.returncode not in scenario.exit_codes:
        problems.append(f"exit code {proc.returncode}, expected {' or '.join(map(str, scenario.exit_codes))}")
    if not re.fullmatch(scenario.stdout, stdout):
        problems.append("stdout does not match")
    wanted = scenario.stderr.get(lang) if isinstance(scenario.stderr, dict) else scenario.stderr
    if wanted and not re.search(wanted, stderr):
        problems.append(f"stderr has no /{wanted}/")
    if interrupted and took > scenario.deadline:
        problems.append(f"took {took:.1f} s to exit after SIGINT")
    if problems:
        return Outcome(False, f"{'; '.join(problems)}\nstdout:\n{stdout}\nstderr:\n{stderr[-3000:]}", took)
    return Outcome(True, seconds=took)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lang", choices=["python", "node", "kotlin", "swift"])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=4, help="programs running at once")
    parser.add_argument("--dir", help="where the program files are (python, node)")
    parser.add_argument("--only", help="a comma-separated list of scenarios")
    parser.add_argument("--junit", help="write the results as JUnit XML to this file")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()
    if not BASE:
        sys.exit("process: ADAPTY_BASE_URL is not set (run it against an emulator, e.g. under `adapty-emulator exec`)")
    # The programs meet Ctrl-C as at a terminal, even when this runs in a background job of a
    # non-interactive shell (`make test &`), which starts it with SIGINT ignored: an ignored
    # signal stays ignored across exec, a handled one reverts to its default.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    folder = args.dir or os.path.join(HERE, args.lang)
    names = [n for n, s in SCENARIOS.items() if args.lang in s.languages and (not args.only or n in args.only.split(","))]

    def program(name: str) -> list[str]:
        ext = EXTENSIONS.get(args.lang)
        return [*args.command, os.path.join(folder, name + ext) if ext else name]

    tallies = {n: Tally() for n in names}
    jobs = [n for _ in range(args.runs) for n in names]
    started = time.monotonic()
    with ThreadPoolExecutor(args.jobs) as pool:
        for name, outcome in zip(jobs, pool.map(lambda n: run_once(args.lang, program(n), SCENARIOS[n]), jobs), strict=True):
            tally = tallies[name]
            tally.runs += 1
            tally.seconds.append(outcome.seconds)
            if not outcome.ok:
                tally.failures.append(outcome.detail)
    report = junit.Report(f"process.{args.lang}")
    for name, tally in tallies.items():
        slowest = max(tally.seconds, default=0.0)
        label = f"process {args.lang}/{name} ({tally.runs} runs, slowest {slowest:.2f} s)"
        first = f"{len(tally.failures)} of {tally.runs} runs failed; the first:\n{tally.failures[0]}" if tally.failures else ""
        report.check(label, not tally.failures, first, sum(tally.seconds))
    print(f"process {args.lang}: {len(jobs)} runs in {time.monotonic() - started:.0f} s")
    if args.junit:
        report.write(args.junit)
    sys.exit(1 if report.failed else 0)


if __name__ == "__main__":
    main()
