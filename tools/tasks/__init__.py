"""The task program: every build, test, lint, dist and bench task of the repository, one named
function each, behind the Makefile (`make TASK` runs `python3 -m tasks TASK` with `tools/` on
the path; `make help` lists the tasks with their docs).

Why one Python program, not a Rust `xtask`: Python is already what the generators (tools/codegen)
and the test harnesses are written in, it starts without a compile step on a machine where
builds are the bottleneck, and it drives the other languages' tools (pip, npm, Maven, Swift in a
Debian root) as easily as cargo.

Modules:
- `registry`: the `@task` and `@suite` decorators and what they register;
- `context`: running commands: where their output goes (a log, or the console), the tools' paths;
- `runner`: suites in parallel, their JUnit reports summed into the closing `N passed, N failed`;
- `toolchain`: what the tasks need, installed when missing (Rust parts, the tools' virtualenv,
  Node tools, Debian roots for Swift and old glibc, Chromium), with logs and retries;
- `build`: the artifacts tests install (wheels, npm tarballs, the uniffi bindings, the Swift
  package, the Kotlin jar) and the emulator a test talks to;
- one module per group of tasks: `lint`, `suites` (the test suites), `dist`, `bench`, `dev`
  (demo, codegen, fmt, the emulator in the foreground).

The test harnesses it runs (tests/process, tests/faults, tests/conformance, emulator/ui) are
programs of their own, run as users run programs; they write their reports with tests/junit.py.
"""
