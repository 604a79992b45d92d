"""Running commands for a task: each command's output goes to the task's log (and to the console
when the task runs alone), a failing command raises `Failed` naming it, and a suite records its
results in JUnit reports under `target/reports/SUITE/`."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import junit

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "target"
LOGS = TARGET / "logs"
REPORTS = TARGET / "reports"
CARGO_BIN = Path.home() / ".cargo" / "bin"

#: A command line: strings and paths (mypy joins a list of both to `list[object]`).
Command = Sequence[object]


def argv(cmd: Command) -> list[str]:
    return [os.fspath(a) if isinstance(a, os.PathLike) else str(a) for a in cmd]


class Failed(Exception):
    """A step of a task failed; the message says which and why."""


def base_env() -> dict[str, str]:
    """The environment every command gets: this one, with cargo's bin directory on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{CARGO_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


class Context:
    """Where one task's commands run. Output goes to `log` (a file) and, if `echo`, to the
    console as well."""

    def __init__(self, name: str, log: Path | None = None, *, echo: bool = True) -> None:
        self.name = name
        self.echo = echo
        self.log_path = log
        self._log: IO[str] | None = None
        self._lock = threading.Lock()
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(log, "w", encoding="utf-8", errors="replace")  # noqa: SIM115 - closed by close()

    def close(self) -> None:
        if self._log is not None:
            self._log.close()

    def say(self, text: str) -> None:
        """A line (or lines) of the task's own."""
        with self._lock:
            if self._log is not None:
                self._log.write(text + "\n")
                self._log.flush()
            if self.echo:
                sys.stdout.write(text + "\n")
                sys.stdout.flush()

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        """A named part of the task: its start and duration are logged."""
        self.say(f"== {title} ({time.strftime('%H:%M:%S')})")
        started = time.monotonic()
        yield
        self.say(f"== {title}: {time.monotonic() - started:.0f} s")

    def run(
        self,
        cmd: Command,
        *,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
        input: str | None = None,
        quiet: bool = False,
    ) -> int:
        """Runs `cmd` with its output in the log (only on failure when `quiet`); raises `Failed`
        on a non-zero exit when `check`. Returns the exit code."""
        args = argv(cmd)
        self.say(f"$ {shlex.join(args)}" + (f"   (in {os.path.relpath(cwd, ROOT)})" if cwd else ""))
        proc = subprocess.Popen(
            args,
            cwd=cwd or ROOT,
            env=self._env(env),
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        if input is not None:
            assert proc.stdin is not None
            proc.stdin.write(input)
            proc.stdin.close()
        held: list[str] = []
        assert proc.stdout is not None
        for line in proc.stdout:
            if quiet:
                held.append(line)
            else:
                self._write(line)
        code = proc.wait()
        if code != 0 and quiet:
            for line in held:
                self._write(line)
        if code != 0 and check:
            raise Failed(f"`{shlex.join(args)}` exited with {code}")
        return code

    def capture(self, cmd: Command, *, cwd: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> str:
        """Runs `cmd` and returns its stdout, its stderr going to the log as it comes (a long
        build shows its progress); raises `Failed` on a non-zero exit."""
        args = argv(cmd)
        self.say(f"$ {shlex.join(args)}")
        proc = subprocess.Popen(
            args,
            cwd=cwd or ROOT,
            env=self._env(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
        )
        assert proc.stdout is not None and proc.stderr is not None
        stderr = proc.stderr

        def relay_stderr() -> None:
            for line in stderr:
                self._write(line)

        relay = threading.Thread(target=relay_stderr, daemon=True)
        relay.start()
        out = proc.stdout.read()
        code = proc.wait()
        relay.join()
        if code != 0:
            raise Failed(f"`{shlex.join(args)}` exited with {code}")
        return out

    def _env(self, env: Mapping[str, str] | None) -> dict[str, str]:
        return {**base_env(), **(env or {})}

    def _write(self, text: str) -> None:
        with self._lock:
            if self._log is not None:
                self._log.write(text)
            if self.echo:
                sys.stdout.write(text)
                sys.stdout.flush()


class Suite(Context):
    """A test suite's context: its checks (`self.checks`, written to `checks.xml`) and the JUnit
    files of the runners it starts, all in `self.reports`."""

    def __init__(self, name: str, *, echo: bool, quick: bool = False) -> None:
        super().__init__(name, LOGS / f"{name}.log", echo=echo)
        #: `make check`'s run: the fast part only (no process suites, fault soaks, ...).
        self.quick = quick
        self.reports = REPORTS / name
        self.reports.mkdir(parents=True, exist_ok=True)
        for old in self.reports.glob("*.xml"):
            old.unlink()
        self.checks = junit.Report(name, echo=self.say)

    def report(self, filename: str) -> Path:
        """Where a runner of this suite writes its JUnit file."""
        return self.reports / filename

    def check(self, name: str, cmd: Command, **kwargs: object) -> bool:
        """A check that passes when `cmd` exits 0; its output is logged only when it fails."""
        started = time.monotonic()
        try:
            code = self.run(cmd, check=False, quiet=True, **kwargs)  # type: ignore[arg-type]
        except OSError as e:
            return self.checks.check(name, False, f"{cmd[0]}: {e}", time.monotonic() - started)
        detail = f"exited with {code}; its output is in {self.log_path}" if code else ""
        return self.checks.check(name, code == 0, detail, time.monotonic() - started)

    def tests(self, cmd: Command, report: Path, **kwargs: object) -> None:
        """Runs a test runner that writes the JUnit file `report`. A non-zero exit is a failure
        of its own unless the report records one (so a runner that dies early still fails)."""
        code = self.run(cmd, check=False, **kwargs)  # type: ignore[arg-type]
        recorded = junit.read(report) if report.exists() else []
        if not report.exists():
            self.checks.check(f"{report.name} written", False, f"`{cmd[0]}` exited with {code} and wrote no {report.name}")
        elif code != 0 and not any(c.failure for c in recorded):
            self.checks.check(f"{report.name}: runner exit", False, f"`{cmd[0]}` exited with {code} but reported no failure")

    def close(self) -> None:
        if self.checks.cases:
            self.checks.write(self.report("checks.xml"))
        super().close()
