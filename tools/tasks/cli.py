"""The command line: `python3 -m tasks TASK [ARGS...]`, `python3 -m tasks help`."""

from __future__ import annotations

import sys

from . import (  # noqa: F401 - importing registers their tasks
    bench,
    bench_cli,
    dev,
    dist,
    edge,
    fuzzing,
    generated,
    lint,
    suites,
    versions,
    windows,
)
from .context import Context, Failed
from .registry import SUITES, TASKS

#: The targets `make help` lists first, in this order; the others follow by name.
FRONT = ["demo", "test", "check", "lint", "fmt", "codegen", "dist", "dist-check", "bench"]


def help_text() -> str:
    lines = ["make TARGET, where TARGET is one of:"]
    width = max(len(n) for n in [*TASKS, *(f"test-{s}" for s in SUITES)]) + 2
    for task in sorted(TASKS.values(), key=lambda t: (FRONT.index(t.name) if t.name in FRONT else len(FRONT), t.name)):
        lines.append(f"  {task.name:<{width}}{task.doc}")
    lines.append("The suites, each alone (make test runs them all, make check the fast part of four):")
    for s in SUITES.values():
        lines.append(f"  {'test-' + s.name:<{width}}{s.doc}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("help", "-h", "--help"):
        print(help_text())
        return 0
    name, args = argv[0], argv[1:]
    if name.startswith("test-") and name[5:] in SUITES:
        from . import runner

        return runner.run([name[5:]])
    if name not in TASKS:
        print(f"tasks: no task {name!r}\n\n{help_text()}", file=sys.stderr)
        return 2
    context = Context(name)
    try:
        return TASKS[name].run(context, args)
    except Failed as e:
        print(f"{name}: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
