#!/usr/bin/env python3
"""Runs the project's test suites and ends with one line: `N passed, N failed`.

Usage: tests/run.py SUITE [SUITE ...]   (suites: see SUITES below)

Each suite is a command whose own output is shown as it runs; its closing lines are read to
count passed and failed tests. A suite that exits non-zero without reporting a failure counts
as one failure, so a broken build can never read as green.
"""

import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cargo_counts(text):
    """`test result: ok. 5 passed; 0 failed; ...` lines, summed."""
    passed = failed = 0
    for m in re.finditer(r"test result: \w+\. (\d+) passed; (\d+) failed", text):
        passed += int(m.group(1))
        failed += int(m.group(2))
    return passed, failed


def pytest_counts(text):
    """pytest's closing line (`3 failed, 160 passed in 8.1s`), plus `check ...` lines."""
    passed = failed = 0
    for line in text.splitlines()[::-1]:
        if re.search(r"\b(passed|failed|error|errors|no tests ran)\b.* in [\d.]+s", line):
            passed = sum(int(n) for n in re.findall(r"(\d+) passed", line))
            failed = sum(int(n) for n in re.findall(r"(\d+) (?:failed|errors?)\b", line))
            break
    checks_passed, checks_failed = check_counts(text)
    return passed + checks_passed, failed + checks_failed


def node_counts(text):
    """node --test's closing `# pass N` / `# fail N`, plus `check ...` lines."""
    passed = sum(int(n) for n in re.findall(r"^# pass (\d+)$", text, re.M))
    failed = sum(int(n) for n in re.findall(r"^# fail (\d+)$", text, re.M))
    checks_passed, checks_failed = check_counts(text)
    return passed + checks_passed, failed + checks_failed


def surefire_counts(text):
    """Maven Surefire's last `Tests run: N, Failures: F, Errors: E` (its total), plus `check ...` lines."""
    totals = re.findall(r"Tests run: (\d+), Failures: (\d+), Errors: (\d+)", text)
    run, failures, errors = map(int, totals[-1]) if totals else (0, 0, 0)
    checks_passed, checks_failed = check_counts(text)
    return run - failures - errors + checks_passed, failures + errors + checks_failed


def xctest_counts(text):
    """XCTest's last `Executed N tests, with F failures` (the "All tests" total), plus `check ...` lines."""
    totals = re.findall(r"Executed (\d+) tests?, with (\d+) failures?", text)
    run, failures = map(int, totals[-1]) if totals else (0, 0)
    checks_passed, checks_failed = check_counts(text)
    return run - min(run, failures) + checks_passed, failures + checks_failed


def check_counts(text):
    """Lines `check NAME: ok|FAILED` printed by the lint and conformance suites."""
    return len(re.findall(r"^check .*: ok$", text, re.M)), len(re.findall(r"^check .*: FAILED$", text, re.M))


SUITES = {
    "rust": (["cargo", "test", "--workspace", "--color", "never"], cargo_counts),
    "lint": (["bash", "scripts/lint"], check_counts),
    "conformance": (["bash", "tests/conformance/run"], check_counts),
    "python": (["bash", "bindings-python/scripts/test"], pytest_counts),
    "node": (["bash", "bindings-node/scripts/test"], node_counts),
    "emulator": (["bash", "emulator/scripts/test"], check_counts),
    "cli": (["bash", "cli/scripts/test"], check_counts),
    "kotlin": (["bash", "bindings-swift/scripts/test-kotlin"], surefire_counts),
    "swift": (["bash", "bindings-swift/scripts/test-swift"], xctest_counts),
    "fuzz": (["bash", "scripts/fuzz", "smoke"], check_counts),
    "dist": (["bash", "-c", "scripts/dist && scripts/dist-check"], check_counts),
}


def run(name):
    cmd, parse = SUITES[name]
    print(f"=== suite {name}: {' '.join(cmd)}", flush=True)
    started = time.time()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    lines = []
    for line in proc.stdout:
        sys.stdout.write(line)
        lines.append(line)
    code = proc.wait()
    passed, failed = parse("".join(lines))
    if code != 0 and failed == 0:
        failed = 1
    print(f"=== suite {name}: {passed} passed, {failed} failed ({time.time() - started:.0f} s, exit {code})", flush=True)
    return passed, failed


def stat(pid):
    """(state, process group, start time in clock ticks since boot) of a process, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return fields[0], int(fields[2]), int(fields[19])


def left_behind():
    """`check no process left behind`: no process that the suites started (in this runner's
    process group, which orphans keep, and after it) still runs once they are done: no emulator,
    compile daemon or program."""
    if not os.path.isdir("/proc/self"):
        return 0, 0
    _, group, started = stat(os.getpid())
    stray = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            state, their_group, their_start = stat(pid)
            if int(pid) != os.getpid() and state != "Z" and their_group == group and their_start > started:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    command = f.read().replace(b"\0", b" ").decode(errors="replace")
                stray.append(f"{pid}: {command[:200]}")
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    print(f"check no process left behind: {'FAILED' if stray else 'ok'}")
    for line in stray:
        print(f"  {line}")
    return (0, 1) if stray else (1, 0)


def main(names):
    unknown = [n for n in names if n not in SUITES]
    if not names or unknown:
        sys.exit(f"usage: tests/run.py SUITE... (known: {', '.join(SUITES)}; unknown: {', '.join(unknown)})")
    totals = [run(n) for n in names] + [left_behind()]
    passed = sum(p for p, _ in totals)
    failed = sum(f for _, f in totals)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
