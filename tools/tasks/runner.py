"""Runs suites side by side and sums their JUnit reports into one closing line,
`N passed, N failed`.

Every suite starts at once, the longest first, each in a thread of its own writing its log to
`target/logs/SUITE.log` (shown live when one suite runs alone). Their cargo builds queue on
cargo's own lock of the target directory, so the two cores compile one tree at a time while the
suites already built run their tests; the release trees of `dist` and the fuzz targets' tree
build beside them at a lower priority. What counts is what the reports under
`target/reports/SUITE/` say: a suite that leaves none, or stops early, counts as failed.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field

import junit

from .context import LOGS, REPORTS, Failed, Suite
from .registry import SUITES

#: How many lines of a failed suite's log the summary shows.
LOG_TAIL = 60


@dataclass
class Outcome:
    name: str
    seconds: float = 0.0
    cases: list[junit.Case] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.cases)

    @property
    def failures(self) -> list[junit.Case]:
        return [c for c in self.cases if c.failure is not None]


def run(names: list[str], *, quick: bool = False) -> int:
    """Runs the suites `names` and prints the summary; the exit code is 1 if anything failed or
    nothing passed."""
    started = time.monotonic()
    alone = len(names) == 1
    outcomes: dict[str, Outcome] = {}
    lock = threading.Lock()

    def clock() -> str:
        elapsed = int(time.monotonic() - started)
        return f"[{elapsed // 60:2d}:{elapsed % 60:02d}]"

    def one(name: str) -> None:
        suite_started = time.monotonic()
        suite = Suite(name, echo=alone, quick=quick)
        try:
            SUITES[name].run(suite)
        except Failed as e:
            suite.checks.check(f"{name}: ran to the end", False, str(e))
        except Exception:  # noqa: BLE001 - a bug in a suite is reported as its failure
            suite.checks.check(f"{name}: ran to the end", False, traceback.format_exc())
        finally:
            suite.close()
        outcome = Outcome(name, time.monotonic() - suite_started, collect(name))
        with lock:
            outcomes[name] = outcome
            print(
                f"{clock()} {name}: {outcome.passed} passed, {len(outcome.failures)} failed "
                f"({outcome.seconds:.0f} s; log {os.path.relpath(LOGS / f'{name}.log')})",
                flush=True,
            )

    order = sorted(names, key=lambda n: -SUITES[n].weight)
    print(f"{clock()} running {', '.join(order)}" + (" (quick)" if quick else ""), flush=True)
    threads = [threading.Thread(target=one, args=(n,), name=n) for n in order]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    hygiene = left_behind()
    results = [outcomes[n] for n in order] + [hygiene]
    failed = [o for o in results if o.failures]
    for outcome in failed:
        show_failures(outcome)
    print(f"{clock()} done; by suite: " + ", ".join(f"{o.name} {o.seconds:.0f} s" for o in results if o.seconds))
    passed = sum(o.passed for o in results)
    failures = sum(len(o.failures) for o in results)
    print(f"{passed} passed, {failures} failed")
    return 1 if failures or not passed else 0


def collect(name: str) -> list[junit.Case]:
    """Every case of a suite's reports; a suite that wrote none has failed."""
    files = sorted((REPORTS / name).glob("*.xml"))
    if not files:
        return [junit.Case(name, "reports written", failure=f"{name} left no report in {REPORTS / name}")]
    cases = []
    for path in files:
        try:
            cases += junit.read(path)
        except Exception as e:  # noqa: BLE001 - a broken report is a failure, not a crash
            cases.append(junit.Case(name, path.name, failure=f"unreadable report: {e}"))
    return cases


def show_failures(outcome: Outcome) -> None:
    print(f"\n=== {outcome.name}: {len(outcome.failures)} failed")
    for case in outcome.failures[:20]:
        lines = (case.failure or "").splitlines()
        print(f"--- {case.suite} :: {case.name}")
        print("\n".join("    " + line for line in lines[:40]))
        if len(lines) > 40:
            print(f"    ... ({len(lines) - 40} more lines in the report)")
    log = LOGS / f"{outcome.name}.log"
    if log.exists():
        tail = log.read_text(errors="replace").splitlines()[-LOG_TAIL:]
        print(f"--- the last {len(tail)} lines of {os.path.relpath(log)}:")
        print("\n".join(tail))
    sys.stdout.flush()


def left_behind() -> Outcome:
    """`no process left behind`: no process the suites started (in this process group, which
    orphans keep, and started after this program) still runs once they are done: no emulator,
    compile daemon or program. Gradle-style daemons the tools keep on purpose are not ours."""
    report = junit.Report("hygiene", echo=lambda _line: None)
    if os.path.isdir("/proc/self"):
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
        report.check("no process left behind", not stray, "\n".join(stray))
    REPORTS.mkdir(parents=True, exist_ok=True)
    report.write(REPORTS / "hygiene.xml")
    return Outcome("hygiene", 0.0, report.cases)


def stat(pid: int | str) -> tuple[str, int, int]:
    """(state, process group, start time in clock ticks since boot) of a process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return fields[0], int(fields[2]), int(fields[19])
