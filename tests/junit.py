"""JUnit XML: the report every suite leaves, which `make test` sums into its closing line.

The test harnesses of this repository (tests/process, tests/faults, tests/conformance, the web
UI's test) and the task program's own checks record their results with `Report` and write them
with `Report.write`; `read` reads any runner's JUnit file (pytest, node --test, Surefire, XCTest,
and these). Standard library only: the harnesses run in bare virtualenvs and Debian roots.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    """One test's outcome: `failure` holds its message when it failed; a skipped test is
    neither passed nor failed."""

    suite: str
    name: str
    seconds: float = 0.0
    failure: str | None = None
    skipped: bool = False

    @property
    def passed(self) -> bool:
        return self.failure is None and not self.skipped


class Report:
    """The outcomes of one suite's checks, printed as they are made (`check NAME: ok|FAILED`,
    with the detail of a failure indented below it) and written as JUnit XML."""

    def __init__(self, suite: str, *, echo: Callable[[str], None] = print) -> None:
        self.suite = suite
        self.cases: list[Case] = []
        self._echo = echo

    def check(self, name: str, ok: bool, detail: str = "", seconds: float = 0.0) -> bool:
        """Records a check's outcome; returns `ok`."""
        self._echo(f"check {name}: {'ok' if ok else 'FAILED'}")
        if not ok and detail:
            self._echo("\n".join("  " + line for line in detail.rstrip().splitlines()))
        self.cases.append(Case(self.suite, name, seconds, None if ok else (detail or "failed")))
        return ok

    @contextmanager
    def timed(self, name: str) -> Iterator[list[str]]:
        """A check that passes unless its block raises or appends a problem to the list it gets."""
        problems: list[str] = []
        started = time.monotonic()
        try:
            yield problems
        except Exception as e:  # noqa: BLE001 - the check records whatever went wrong
            problems.append(f"{type(e).__name__}: {e}")
        self.check(name, not problems, "\n".join(problems), time.monotonic() - started)

    @property
    def failed(self) -> int:
        return sum(c.failure is not None for c in self.cases)

    def write(self, path: str | Path) -> None:
        write(path, self.suite, self.cases)


def write(path: str | Path, suite: str, cases: list[Case]) -> None:
    """Writes `cases` as one JUnit `<testsuite>`."""
    root = ET.Element(
        "testsuite",
        name=suite,
        tests=str(len(cases)),
        failures=str(sum(c.failure is not None for c in cases)),
        skipped=str(sum(c.skipped for c in cases)),
        time=f"{sum(c.seconds for c in cases):.3f}",
    )
    for case in cases:
        element = ET.SubElement(root, "testcase", classname=case.suite, name=case.name, time=f"{case.seconds:.3f}")
        if case.failure is not None:
            failure = ET.SubElement(element, "failure", message=case.failure.splitlines()[0][:200] if case.failure else "failed")
            failure.text = case.failure
        elif case.skipped:
            ET.SubElement(element, "skipped")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def read(path: str | Path) -> list[Case]:
    """Every `<testcase>` of a JUnit file, whatever nests it; a `<failure>` or `<error>` child
    makes it failed, a `<skipped>` child skipped."""
    cases = []
    for element in ET.parse(path).getroot().iter("testcase"):
        problem = element.find("failure")
        if problem is None:
            problem = element.find("error")
        failure = None
        if problem is not None:
            # The message is often the text's first line (ours, pytest's): say it once.
            message, text = (problem.get("message") or "").strip(), (problem.text or "").strip()
            failure = text if message and text.startswith(message) else "\n".join(filter(None, [message, text]))
            failure = failure or problem.tag
        cases.append(
            Case(
                suite=element.get("classname") or "",
                name=element.get("name") or "",
                seconds=float(element.get("time") or 0),
                failure=failure,
                skipped=element.find("skipped") is not None,
            )
        )
    return cases
