"""What the task program can do: tasks (`make NAME`) and suites (what `make test` runs and
sums), each a function registered with its one-line doc."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import Context, Suite


@dataclass(frozen=True)
class Task:
    name: str
    doc: str
    run: Callable[[Context, list[str]], int]


@dataclass(frozen=True)
class SuiteDef:
    name: str
    doc: str
    run: Callable[[Suite], None]
    #: Roughly how long it takes on a fresh clone, in seconds: the runner starts the longest first.
    weight: int


TASKS: dict[str, Task] = {}
SUITES: dict[str, SuiteDef] = {}


def first_line(doc: str | None) -> str:
    return " ".join((doc or "").strip().split("\n\n")[0].split())


def task(name: str) -> Callable[[Callable[[Context, list[str]], int]], Callable[[Context, list[str]], int]]:
    """Registers a task run as `make NAME`; its docstring's first paragraph is its help line.
    It gets its context and the arguments after its name, and returns an exit code."""

    def register(fn: Callable[[Context, list[str]], int]) -> Callable[[Context, list[str]], int]:
        TASKS[name] = Task(name, first_line(fn.__doc__), fn)
        return fn

    return register


def suite(name: str, weight: int) -> Callable[[Callable[[Suite], None]], Callable[[Suite], None]]:
    """Registers a test suite (`make test-NAME`, and part of `make test`): it records its results
    in JUnit reports under its report directory; raising ends it as a failure."""

    def register(fn: Callable[[Suite], None]) -> Callable[[Suite], None]:
        SUITES[name] = SuiteDef(name, first_line(fn.__doc__), fn, weight)
        return fn

    return register
